"""What the monthly report's files share: the canonical content whose SHA-256
the report keeps (``report_bytes``: the same data gives the same bytes),
the file names, and the labels, numbers and colours every format writes."""

from __future__ import annotations

import csv
import datetime
import functools
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from core.links import absolute_url
from evaluations.models import Band, ItemScore, MonthlyReport, OpdScore

Status = MonthlyReport.Status


def report_bytes(
    report: MonthlyReport,
    scores: list[OpdScore] | None = None,
    items: list[ItemScore] | None = None,
) -> bytes:
    """Every OPD's score, band, rank and item fulfilments, in a fixed
    order, as UTF-8 CSV; nothing that depends on when it is computed.
    ``scores`` and ``items`` (with their OPD and item loaded), when the
    caller holds them already, save reading them again."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["bulan", "versi", "opd", "nilai", "kualifikasi", "peringkat"])
    if scores is None:
        scores = list(report.scores.select_related("opd"))
    scores = sorted(scores, key=lambda s: (s.rank, s.opd.name, s.opd_id))
    for score in scores:
        writer.writerow(
            [
                "{:%Y-%m}".format(report.month),
                report.version,
                score.opd.slug,
                score.score,
                score.band,
                score.rank,
            ]
        )
    writer.writerow([])
    writer.writerow(["opd", "butir", "pemenuhan", "berlaku", "keterangan"])
    if items is None:
        # Plain rows: the items' evidence and the models are not needed.
        fields = ItemScore.objects.filter(opd_score__report=report).values_list(
            "opd_score_id",
            "item__indicator__position",
            "item__position",
            "item__code",
            "ratio",
            "applies",
            "detail",
        )
    else:
        fields = [
            (
                i.opd_score_id,
                i.item.indicator.position,
                i.item.position,
                i.item.code,
                i.ratio,
                i.applies,
                i.detail,
            )
            for i in items
        ]
    slugs = {s.pk: s.opd.slug for s in scores}
    rows = sorted(
        (
            slugs[opd_score_id],
            indicator_position,
            position,
            code,
            "" if ratio is None else ratio,
            int(applies),
            detail,
        )
        for (
            opd_score_id,
            indicator_position,
            position,
            code,
            ratio,
            applies,
            detail,
        ) in fields
    )
    for slug, _indicator, _position, code, ratio, applies, detail in rows:
        writer.writerow([slug, code, ratio, applies, detail])
    if report.as_of is not None:
        # A preview's day is part of what it says; a full month's bytes stay
        # as they always were.
        writer.writerow([])
        writer.writerow(["pratinjau", report.as_of.isoformat()])
    return out.getvalue().encode("utf-8")


# Every file here depends on the report's data only: the creation date written
# into it is the month's last moment (a preview's: its day's), never the
# clock, so the same data gives the same bytes (and the same SHA-256)
# whenever it is rebuilt.

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
}
BAND_COLOURS = {
    Band.INFORMATIF: "#1b5e20",
    Band.MENUJU_INFORMATIF: "#33691e",
    Band.CUKUP_INFORMATIF: "#f9a825",
    Band.KURANG_INFORMATIF: "#bf360c",
    Band.TIDAK_INFORMATIF: "#b71c1c",
}
# As on the pages (static/css/evaluations.css). Heatmap steps run from 0
# (nothing fulfilled) to 4 (all).
HEAT_COLOURS = ["#f8d7da", "#fde2c4", "#fff3c4", "#d9f0d3", "#a5d6a7"]
HEAT_NONE = "#eeeeee"


def in_indonesian(function: Callable) -> Callable:
    """Reports are official documents in Indonesian whoever downloads them;
    one language also keeps the bytes the same for every reader."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def moment(report: MonthlyReport) -> datetime.datetime:
    """The month's last second, Asia/Jakarta: the files' creation date; a
    preview's is its day's last second, not a month's end yet to come."""
    return datetime.datetime.combine(report.judged_on, datetime.time(23, 59, 58))


def number(value: Decimal | float | None, places: int = 2) -> str:
    if value is None:
        return "–"
    return number_format(value, decimal_pos=places, use_l10n=True)


def signed(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + number(value)


def percent(share: Decimal | None) -> str:
    return "–" if share is None else "{}%".format(number(share * 100, 0))


def month_title(report: MonthlyReport) -> str:
    return date_format(report.month, "F Y")


def status_label(report: MonthlyReport) -> str:
    if report.is_preview:
        return _("Preview as of %(day)s, not final") % {
            "day": date_format(report.as_of, "j F Y")
        }
    return {
        Status.DRAFT: _("Draft"),
        Status.REPLY: _("Open for reply"),
        Status.FINAL: _("Final"),
    }[report.status]


def preview_notice(report: MonthlyReport) -> str:
    """What every page and file of a preview says first; empty otherwise."""
    if not report.is_preview:
        return ""
    return _(
        "PREVIEW: %(month)s had not ended on %(day)s. The scores are the month "
        "so far and will change; this report is not opened for reply, not final "
        "and not published."
    ) % {
        "month": month_title(report),
        "day": date_format(report.as_of, "j F Y"),
    }


def band_label(band: str) -> str:
    return str(Band(band).label) if band in Band.values else band


def kind_label(kind: str) -> str:
    """What an evidence entry is, as its "Kind" column says it: the rules
    write short codes (``account``, ``item``) that a reader must not see."""
    labels = {
        "account": _("Social media account"),
        "item": _("Public information"),
        "post": _("Social media post"),
        "missing": _("Required information not yet published"),
        "request": _("Information request"),
        "objection": _("Objection"),
        "order": _("Objection decision to carry out"),
        "case": _("Aspiration case"),
        "comment": _("Reviewer's comment"),
        "contest": _("Contest by the OPD"),
    }
    return str(labels.get(kind, kind))


def kabupaten_url(report: MonthlyReport) -> str:
    return absolute_url(
        reverse("evaluations:report", kwargs={"month": report.month})
        + ("?versi={}".format(report.version) if report.version > 1 else "")
    )


def opd_url(opd_score: OpdScore) -> str:
    report = opd_score.report
    return absolute_url(
        reverse(
            "evaluations:opd",
            kwargs={"month": report.month, "slug": opd_score.opd.slug},
        )
        + ("?versi={}".format(report.version) if report.version > 1 else "")
    )


def file_name(
    report: MonthlyReport, fmt: str, opd: Any = None, suffix: str = ""
) -> str:
    """``kesiapan-kip-2026-10[-v2][-pratinjau-2026-10-07][-dinkes][-bukti].pdf``"""
    parts = ["kesiapan-kip", "{:%Y-%m}".format(report.month)]
    if report.version > 1:
        parts.append("v{}".format(report.version))
    if report.as_of is not None:
        parts.append("pratinjau-{:%Y-%m-%d}".format(report.as_of))
    if opd is not None:
        parts.append(opd.slug)
    if suffix:
        parts.append(suffix)
    return "{}.{}".format("-".join(parts), fmt)


def current(report: MonthlyReport) -> MonthlyReport:
    """The report as stored: a caller's copy may predate a write (its
    hash, its status), and the file must show what the database holds."""
    return MonthlyReport.objects.select_related("framework").get(pk=report.pk)


def current_score(opd_score: OpdScore) -> OpdScore:
    return OpdScore.objects.select_related("opd", "report__framework").get(
        pk=opd_score.pk
    )


def all_scores(report: MonthlyReport):
    return OpdScore.objects.filter(report=report)


def heat_colour(share: Decimal | None) -> str:
    if share is None:
        return HEAT_NONE
    return HEAT_COLOURS[min(4, int(share * 5))]
