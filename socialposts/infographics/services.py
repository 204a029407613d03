"""Infographics: the data the engine draws, filled from the portal's own
records, and the images kept with who made them, when and from what.

The drawing is ``socialposts.infographics.engine``'s; this module decides what is
drawn for whom. Refusals raise ``ValidationError`` keyed by field, or
``PermissionDenied``, and change nothing: a stored image whose row fails
is deleted again.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.files import stored_files_removed_on_error
from core.links import absolute_url
from opds import permissions as perms
from opds.models import Opd, User
from ppid.catalogue.models import InformationItem
from socialposts.accounts.models import Post
from socialposts.infographics import engine
from socialposts.infographics.engine import Kind
from socialposts.infographics.models import Infographic

# An item's summary on a card: the rest is one scan of the QR code away.
SUMMARY_CHARS = 320


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


@dataclass(frozen=True)
class MonthCards:
    """The cards made of a final month of the evaluation: the months there
    are, and each card's data with the report it comes from."""

    final_months: Callable[[], list[datetime.date]]
    kip_card: Callable[[Opd, datetime.date], tuple[dict[str, Any], Any]]
    ranking_card: Callable[[datetime.date], tuple[dict[str, Any], Any]]


# The monthly evaluation stands above this app: it registers its cards when
# it starts (evaluations.apps), and this app never imports it.
_month_cards: MonthCards | None = None


def register_month_cards(cards: MonthCards) -> None:
    global _month_cards
    _month_cards = cards


def final_months() -> list[datetime.date]:
    """The months a KIP or ranking card may be made of, newest first."""
    return _month_cards.final_months() if _month_cards else []


def _build_data(draft: Draft) -> tuple[dict[str, Any], Any]:
    """The engine's data for ``kind``: what the database holds, then what
    the maker typed (``fields``); and the monthly report it comes from.

    An item card takes the item's fields, which the maker may shorten; the
    KIP and ranking cards take nothing typed but the month.
    """
    kind, opd, item, month = draft.kind, draft.opd, draft.item, draft.month
    given = {k: v for k, v in draft.fields.items() if v not in (None, "", [])}
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
        if _month_cards is None:
            raise ValidationError({"month": [_("No month can be shown yet.")]})
        if kind == Kind.KIP_CARD:
            return _month_cards.kip_card(opd, month)
        return _month_cards.ranking_card(month)
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


@dataclass(frozen=True)
class Draft:
    """What to draw: the OPD's, of which kind and size, what the maker
    typed, and the PPID item or the final month it is made from."""

    opd: Opd
    kind: str
    size: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    item: InformationItem | None = None
    month: datetime.date | None = None


def preview_infographic(*, user: User, draft: Draft) -> engine.Rendered:
    """Draw an infographic without keeping it (the form's preview)."""
    _check_maker(user, draft.opd, draft.item)
    data, _report = _build_data(draft)
    return engine.render(draft.kind, draft.size, {**data, "logo": _opd_logo(draft.opd)})


@transaction.atomic
def make_infographic(*, user: User, draft: Draft) -> Infographic:
    """Draw an infographic from the portal's records and what the maker
    typed, and keep the image with its record: the one way the page, the
    API and the demo make one."""
    opd, kind, size, item = draft.opd, draft.kind, draft.size, draft.item
    _check_maker(user, opd, item)
    data, report = _build_data(draft)
    # The row keeps the cleaned data (a CSV read into rows), drawn as is;
    # render measures the fit, so the texts are laid out only once.
    cleaned = engine.clean(kind, size, {**data, "logo": _opd_logo(opd)})
    rendered = engine.render(kind, size, cleaned)
    kept = {k: v for k, v in cleaned.items() if k != "logo"}
    infographic = Infographic(
        opd=opd,
        kind=kind,
        size=size,
        data=kept,
        source_item=item,
        source_report=report,
        width=rendered.width,
        height=rendered.height,
        alt_text=rendered.alt_text,
        created_by=user,
        created_at=timezone.now(),
    )
    with stored_files_removed_on_error() as stored:
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
