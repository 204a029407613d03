"""Infographics: the data the engine draws, filled from the portal's own
records, and the images kept with who made them, when and from what.

The drawing is ``socialposts.infographics``'s; this module decides what is
drawn for whom. Refusals raise ``ValidationError`` keyed by field, or
``PermissionDenied``, and change nothing: a stored image whose row fails
is deleted again.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from opds import permissions as perms
from opds.models import Opd, User
from ppid.models import InformationItem
from ppid.services import _stored_files_removed_on_error
from socialposts import infographics
from socialposts.infographics import Kind
from socialposts.models import Infographic, Post

# An item's summary on a card: the rest is one scan of the QR code away.
SUMMARY_CHARS = 320
RANKING_ROWS = 10


def absolute_url(path: str) -> str:
    """``path`` on the portal's public address (``SITE_URL``)."""
    return settings.SITE_URL + path


def _refuse(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _opd_logo(opd: Opd) -> bytes | None:
    # The registry keeps no logo yet; the engine then draws the OPD's name only.
    return None


# --- What is drawn -----------------------------------------------------------------


def where_to_get(item: InformationItem) -> str:
    """How a citizen gets the item, in one line for the card."""
    opd = item.opd
    if item.format == InformationItem.Format.HARDCOPY:
        where = _("Ask for a copy at the PPID desk of %(opd)s.") % {"opd": opd.name}
        if opd.address:
            where = "{} {}".format(where, Truncator(opd.address).chars(120))
        return where
    return _("Read and download it on the portal, or ask the PPID of %(opd)s.") % {
        "opd": opd.name
    }


def item_card_data(item: InformationItem) -> dict[str, Any]:
    """A PPID item card: the item's own title, category, OPD and summary."""
    return {
        "title": item.title,
        "category": str(item.get_category_display()),
        "opd_name": item.opd.name,
        "summary": Truncator(" ".join(item.summary.split())).chars(SUMMARY_CHARS),
        "where": where_to_get(item),
        "url": absolute_url(item.get_absolute_url()),
    }


def page_url(opd: Opd, item: InformationItem | None = None) -> str:
    """Where the QR code of a flow or a chart leads: the item it was made
    from, or else the OPD's public page."""
    if item is not None:
        return absolute_url(item.get_absolute_url())
    return absolute_url(opd.get_absolute_url())


def month_label(month: datetime.date) -> str:
    """``Oktober 2026`` in the active language."""
    return dateformat.format(month, "F Y")


def _final_month(month: datetime.date) -> tuple[Any, Any]:
    """The month's latest final report and its public table; a month that
    is not final (or unknown) is refused, naming ``month``."""
    from evaluations import selectors

    finals = selectors.public_months()
    report = next((r for r in finals if r.month == month), None)
    if report is None:
        raise ValidationError(
            {"month": [_("Choose a month whose evaluation is final.")]}
        )
    return report, selectors.public_table(report, finals)


def final_months() -> list[datetime.date]:
    """The months a KIP or ranking card may be made of, newest first."""
    from evaluations import selectors

    return [report.month for report in selectors.public_months()]


def kip_card_data(opd: Opd, month: datetime.date) -> tuple[dict[str, Any], Any]:
    """An OPD's KIP-readiness card of a final month, and the report it
    comes from: score, band and the change since the previous final month."""
    report, table = _final_month(month)
    row = next((r for r in table.rows if r.opd_slug == opd.slug), None)
    if row is None:
        raise ValidationError({"month": [_("This OPD has no score in that month.")]})
    data = {
        "opd_name": opd.name,
        "month_label": month_label(month),
        "score": float(row.score),
        "band_label": row.band_label,
        "change": float(row.change) if row.change is not None else None,
        "url": absolute_url(reverse("evaluations:public-month", args=[month])),
    }
    return data, report


def ranking_card_data(month: datetime.date) -> tuple[dict[str, Any], Any]:
    """The kabupaten's top ten of a final month, and the report."""
    report, table = _final_month(month)
    data = {
        "month_label": month_label(month),
        "rows": [
            {
                "rank": row.rank,
                "opd_name": row.opd_name,
                "score": float(row.score),
                "band_label": row.band_label,
            }
            for row in table.rows[:RANKING_ROWS]
        ],
        "url": absolute_url(reverse("evaluations:public-month", args=[month])),
    }
    return data, report


def build_data(
    *,
    kind: str,
    opd: Opd,
    fields: Mapping[str, Any],
    item: InformationItem | None = None,
    month: datetime.date | None = None,
) -> tuple[dict[str, Any], Any]:
    """The engine's data for ``kind``: what the database holds, then what
    the maker typed (``fields``); and the monthly report it comes from.

    An item card takes the item's fields, which the maker may shorten; the
    KIP and ranking cards take nothing typed but the month.
    """
    given = {k: v for k, v in fields.items() if v not in (None, "", [])}
    if kind == Kind.ITEM_CARD:
        if item is None:
            raise ValidationError({"item": [_("Choose the PPID item to show.")]})
        data = item_card_data(item)
        data.update(
            {k: v for k, v in given.items() if k in ("title", "summary", "where")}
        )
        return data, None
    if kind in (Kind.KIP_CARD, Kind.RANKING_CARD):
        if month is None:
            raise ValidationError({"month": [_("Choose a month.")]})
        if kind == Kind.KIP_CARD:
            return kip_card_data(opd, month)
        return ranking_card_data(month)
    data = {"opd_name": opd.name, "url": page_url(opd, item)}
    if kind == Kind.SERVICE_FLOW:
        keys: tuple[str, ...] = ("title", "steps")
    else:
        keys = ("title", "chart", "unit", "rows", "csv", "source")
    data.update({k: given[k] for k in keys if k in given})
    return data, None


# --- Drawing and keeping -------------------------------------------------------------


def _check_maker(user: User, opd: Opd, source_item: InformationItem | None) -> None:
    _refuse(
        perms.can_make_infographics(user, opd),
        _("You may not make infographics for this OPD."),
    )
    if source_item is not None:
        _refuse(
            perms.can_make_infographic_from_item(user, source_item),
            _("You may not make an infographic of this item."),
        )


def preview_infographic(
    *,
    user: User,
    opd: Opd,
    kind: str,
    size: str,
    data: Mapping[str, Any],
    source_item: InformationItem | None = None,
) -> infographics.Rendered:
    """Draw an infographic without keeping it (the form's preview)."""
    _check_maker(user, opd, source_item)
    return infographics.render(kind, size, {**data, "logo": _opd_logo(opd)})


@transaction.atomic
def make_infographic(
    *,
    user: User,
    opd: Opd,
    kind: str,
    size: str,
    data: Mapping[str, Any],
    source_item: InformationItem | None = None,
    source_report: Any = None,
) -> Infographic:
    """Draw an infographic and keep the image and its record together."""
    _check_maker(user, opd, source_item)
    # The row keeps the cleaned data (a CSV read into rows), drawn as is;
    # render measures the fit, so the texts are laid out only once.
    cleaned = infographics.clean(kind, size, {**data, "logo": _opd_logo(opd)})
    rendered = infographics.render(kind, size, cleaned)
    kept = {k: v for k, v in cleaned.items() if k != "logo"}
    infographic = Infographic(
        opd=opd,
        kind=kind,
        size=size,
        data=kept,
        source_item=source_item,
        source_report=source_report,
        width=rendered.width,
        height=rendered.height,
        alt_text=rendered.alt_text,
        created_by=user,
        created_at=timezone.now(),
    )
    with _stored_files_removed_on_error() as stored:
        infographic.image.save("infographic.png", ContentFile(rendered.png), save=False)
        stored.append(infographic.image.name)
        infographic.save()
    return infographic


@transaction.atomic
def link_to_post(*, user: User, infographic: Infographic, post: Post) -> bool:
    """Record the post that published ``infographic``.

    A card made from a PPID item also marks the post as announcing that
    item when the post names none yet, so the evaluation counts it; only
    a published item of the post's own OPD, as a post's form allows.
    Returns whether the post's PPID item was set.
    """
    _refuse(
        perms.can_link_infographic(user, infographic),
        _("You may not link this infographic to a post."),
    )
    post = Post.objects.select_for_update().select_related("account").get(pk=post.pk)
    if post.account.opd_id != infographic.opd_id:
        raise ValidationError({"post": [_("Choose a post of the infographic's OPD.")]})
    infographic.post = post
    infographic.linked_at = timezone.now()
    infographic.save(update_fields=["post", "linked_at"])
    item = infographic.source_item
    if (
        post.information_item_id is None
        and item is not None
        and item.is_public
        and item.opd_id == post.account.opd_id
    ):
        post.information_item = item
        post.save(update_fields=["information_item"])
        return True
    return False
