"""Social-media figures as files: the daily metrics and the posts (with
their latest values) of an account or of an OPD over a date range, as CSV
or XLSX, and an OPD's month on one A4 page (PDF).

Figures are read through ``socialposts.accounts.selectors`` and written
through ``core.tables``; files are in Indonesian whoever downloads them.
"""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tables import (
    FILE_AUTHOR,
    FILE_CREATOR,
    pdf_table,
    pdf_text,
    table_csv,
    table_xlsx,
)
from opds.models import Opd
from socialposts.accounts import selectors
from socialposts.accounts.models import ContentType, Metric, SocialAccount

# A year and a day: a leap year's whole year fits.
MAX_RANGE_DAYS = 366
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class Data(models.TextChoices):
    """What a range export holds."""

    METRICS = "metrics", gettext_lazy("Daily metrics")
    POSTS = "posts", gettext_lazy("Posts")


class Format(models.TextChoices):
    """The file format of a range export."""

    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX (Excel)"


# In file names: Indonesian words, as people save and share them.
DATA_SLUGS = {Data.METRICS: "metrik-harian", Data.POSTS: "unggahan"}


@dataclass(frozen=True)
class ExportFile:
    """A file ready to send."""

    body: bytes
    name: str
    content_type: str


@dataclass(frozen=True)
class Scope:
    """The accounts an export covers: one account, or every account of an OPD."""

    opd: Opd
    accounts: list[SocialAccount]
    account: SocialAccount | None = None

    @classmethod
    def of_account(cls, account: SocialAccount) -> Scope:
        return cls(opd=account.opd, accounts=[account], account=account)

    @classmethod
    def of_opd(cls, opd: Opd) -> Scope:
        return cls(opd=opd, accounts=selectors.accounts_of(opd))

    def slug(self) -> str:
        parts = [self.opd.slug]
        if self.account is not None:
            parts += [self.account.platform, slugify(self.account.handle)]
        return "-".join(parts)


def range_errors(start: datetime.date, end: datetime.date) -> dict[str, str]:
    """What is wrong with a date range, per field; empty when it is fine."""
    if end < start:
        return {"end": _("The end date must be on or after the start date.")}
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        return {
            "end": _(
                "The range may span at most %(days)s days; choose an end date "
                "closer to the start date."
            )
            % {"days": MAX_RANGE_DAYS}
        }
    return {}


def month_errors(month: datetime.date) -> dict[str, str]:
    """A month that has not started has no figures yet."""
    if month > timezone.localdate().replace(day=1):
        return {"month": _("The month has not started yet; choose an earlier month.")}
    return {}


def _in_indonesian(function: Callable[..., Any]) -> Callable[..., Any]:
    # Files are shared and filed; one language whoever downloads them.
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


# --- Range exports (CSV, XLSX) ------------------------------------------------------


@_in_indonesian
def range_file(
    scope: Scope, data: str, fmt: str, start: datetime.date, end: datetime.date
) -> ExportFile:
    """The scope's daily metrics or posts between ``start`` and ``end``."""
    if data == Data.METRICS:
        header, rows, widths = _metric_table(scope, start, end)
    else:
        header, rows, widths = _post_table(scope, start, end, fmt)
    name = "media-sosial-{}-{}-{:%Y-%m-%d}-sd-{:%Y-%m-%d}.{}".format(
        scope.slug(), DATA_SLUGS[Data(data)], start, end, fmt
    )
    if fmt == Format.CSV:
        body = table_csv(header, rows)
    else:
        title = "{} · {}".format(Data(data).label, scope.opd.name)
        body = table_xlsx(
            title,
            header,
            rows,
            widths,
            sheet_title=str(Data(data).label)[:31],
            intro=_intro(scope, start, end),
        )
    return ExportFile(body, name, CONTENT_TYPES[fmt])


def _intro(scope: Scope, start: datetime.date, end: datetime.date) -> list[list[str]]:
    lines = [[_("OPD"), scope.opd.name]]
    if scope.account is not None:
        lines.append([_("Account"), str(scope.account)])
    else:
        lines.append([_("Accounts"), ", ".join(str(a) for a in scope.accounts) or "–"])
    lines.append([_("Period"), period(start, end)])
    return lines


def period(start: datetime.date, end: datetime.date) -> str:
    return _("%(start)s to %(end)s") % {
        "start": date_format(start, "j F Y"),
        "end": date_format(end, "j F Y"),
    }


def _value(value: float | None) -> float | int | str:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(value, 2)


def _metric_table(
    scope: Scope, start: datetime.date, end: datetime.date
) -> tuple[list[str], list[list[Any]], list[int]]:
    metrics = selectors.metrics_at(Metric.Level.ACCOUNT, Metric.Level.BOTH)
    header = [_("Date"), _("OPD"), _("Platform"), _("Account")]
    header += [metric.name for metric in metrics]
    rows = [
        [
            row.date,
            row.account.opd.short_name,
            row.account.get_platform_display(),
            row.account.handle,
            *(_value(row.values.get(metric.code)) for metric in metrics),
        ]
        for row in selectors.daily_rows(scope.accounts, start, end)
    ]
    return header, rows, [12, 12, 11, 24] + [13] * len(metrics)


def _post_table(
    scope: Scope, start: datetime.date, end: datetime.date, fmt: str
) -> tuple[list[str], list[list[Any]], list[int]]:
    metrics = selectors.metrics_at(Metric.Level.POST, Metric.Level.BOTH)
    header = [
        _("Published at"),
        _("OPD"),
        _("Platform"),
        _("Account"),
        _("External id"),
        _("Content type"),
        _("Topics"),
        _("Duration (seconds)"),
        _("Caption"),
        _("Link"),
        _("PPID item announced"),
        _("Figures as of"),
        *(metric.name for metric in metrics),
    ]
    rows = []
    for row in selectors.post_rows(scope.accounts, start, end):
        post = row.post
        published = timezone.localtime(post.published_at).replace(tzinfo=None)
        rows.append(
            [
                # openpyxl writes no time zone; CSV readers want no seconds.
                published
                if fmt == Format.XLSX
                else published.strftime("%Y-%m-%d %H:%M"),
                post.account.opd.short_name,
                post.account.get_platform_display(),
                post.account.handle,
                post.external_id,
                post.get_content_type_display(),
                ", ".join(topic.name for topic in post.topics.all()),
                "" if post.duration_seconds is None else post.duration_seconds,
                post.caption,
                post.permalink,
                post.information_item.title if post.information_item else "",
                row.as_of or "",
                *(_value(row.values.get(metric.code)) for metric in metrics),
            ]
        )
    widths = [17, 12, 11, 22, 18, 14, 20, 10, 50, 40, 30, 12] + [12] * len(metrics)
    return header, rows, widths


# --- The monthly page (PDF) ---------------------------------------------------------


def monthly_name(opd: Opd, month: datetime.date) -> str:
    return "media-sosial-{}-ringkasan-{:%Y-%m}.pdf".format(opd.slug, month)


@_in_indonesian
def monthly_pdf(opd: Opd, month: datetime.date) -> ExportFile:
    """One A4 page: followers per account at the month's end and their
    growth, the reach and views totals, posts by content type and the
    top posts with their links."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepInFrame, SimpleDocTemplate

    summary = selectors.monthly_summary(opd, month)
    title = _("Social media of %(opd)s, %(month)s") % {
        "opd": opd.name,
        "month": date_format(summary.month, "F Y"),
    }
    margin = 12 * mm
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author=FILE_AUTHOR,
        creator=FILE_CREATOR,
    )
    # One page whatever the OPD has: an OPD with many accounts gets
    # smaller type, never a second page.
    page = KeepInFrame(
        A4[0] - 2 * margin,
        A4[1] - 2 * margin - 6 * mm,
        content=_month_story(summary, title),
        mode="shrink",
    )
    document.build([page])
    return ExportFile(buffer.getvalue(), monthly_name(opd, month), CONTENT_TYPES["pdf"])


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return number_format(round(value), use_l10n=True, force_grouping=True)


def _signed(value: float | None) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + _number(value)


def _percent(part: float | None, whole: float | None) -> str:
    if part is None or not whole:
        return "–"
    return "{}%".format(number_format(part / whole * 100, decimal_pos=1, use_l10n=True))


def _month_story(summary: selectors.MonthlySummary, title: str) -> list[Any]:
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    sheet = getSampleStyleSheet()
    body = sheet["BodyText"].clone("month-body", fontSize=9, leading=11)
    cell = sheet["BodyText"].clone("month-cell", fontSize=8, leading=9.5)
    heading = sheet["Heading3"].clone("month-h", spaceBefore=6, spaceAfter=3)

    def p(text: str, style: Any = body) -> Any:
        return Paragraph(pdf_text(text), style)

    accounts = summary.accounts
    known = [a.followers for a in accounts if a.followers is not None]
    growths = [a.growth for a in accounts if a.growth is not None]
    totals = {
        metric: sum(a.sums.get(metric, 0.0) for a in accounts)
        for metric in selectors.MONTH_SUMS
    }
    posts = sum(a.posts for a in accounts)
    story: list[Any] = [
        Paragraph(pdf_text(title), sheet["Title"]),
        p(
            _("Generated on %(date)s from the Purbalingga PPID portal.")
            % {"date": timezone.localtime().strftime("%d-%m-%Y %H:%M")}
        ),
        Spacer(1, 3 * mm),
        pdf_table(
            [
                _("Followers at the month's end"),
                _("Follower growth"),
                _("Reach (sum of days)"),
                _("Views (sum of days)"),
                _("Interactions"),
                _("Posts"),
            ],
            [
                [
                    _number(sum(known)) if known else "–",
                    _signed(sum(growths)) if growths else "–",
                    _number(totals["reach"]),
                    _number(totals["views"]),
                    _number(totals["interactions"]),
                    _number(posts),
                ]
            ],
            [31, 31, 31, 31, 30, 32],
            style=cell,
        ),
        Paragraph(pdf_text(_("Accounts")), heading),
    ]
    story.append(
        pdf_table(
            [
                _("Account"),
                _("Followers at the month's end"),
                _("Growth"),
                _("Growth (%)"),
                _("Reach"),
                _("Views"),
                _("Posts"),
            ],
            [
                [
                    str(a.account),
                    _number(a.followers),
                    _signed(a.growth),
                    _percent(a.growth, a.followers_before),
                    _number(a.sums.get("reach")),
                    _number(a.sums.get("views")),
                    _number(a.posts),
                ]
                for a in accounts
            ]
            or [[_("This OPD has no social-media account."), "", "", "", "", "", ""]],
            [46, 26, 24, 24, 23, 23, 20],
            style=cell,
        )
    )
    labels = dict(ContentType.choices)
    story += [
        Paragraph(pdf_text(_("Posts by content type")), heading),
        pdf_table(
            [_("Content type"), _("Posts"), _("Share")],
            [
                [str(labels.get(kind, kind)), _number(count), _percent(count, posts)]
                for kind, count in summary.posts_by_type
            ]
            or [[_("No posts this month."), "", ""]],
            [60, 30, 30],
            style=cell,
        ),
        Paragraph(
            pdf_text(
                _("Top %(count)s posts by interactions, then views")
                % {"count": selectors.TOP_POSTS}
            ),
            heading,
        ),
        pdf_table(
            [
                _("Date"),
                _("Account"),
                _("Content type"),
                _("Caption"),
                _("Interactions"),
                _("Views"),
                _("Link"),
            ],
            [
                [
                    date_format(timezone.localtime(row.post.published_at), "j M"),
                    str(row.post.account),
                    row.post.get_content_type_display(),
                    _short(row.post.caption),
                    _number(row.values.get("interactions")),
                    _number(row.values.get("views")),
                    _link(row.post.permalink, cell),
                ]
                for row in summary.top_posts
            ]
            or [[_("No post has figures this month."), "", "", "", "", "", ""]],
            [16, 33, 19, 42, 18, 18, 40],
            style=cell,
        ),
        Spacer(1, 2 * mm),
        p(
            _(
                "Followers: the latest value on or before the month's last day, "
                "growth against the previous month's end. Reach and views: the "
                "sum of the daily values of the month. Posts: the latest "
                "figures recorded."
            ),
            cell,
        ),
    ]
    return story


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _link(url: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    if not url:
        return "–"
    href = pdf_text(url).replace('"', "&quot;")
    return Paragraph('<link href="{0}" color="blue">{0}</link>'.format(href), style)
