"""The monthly report's files. ``report_bytes`` is the canonical content
whose SHA-256 the report keeps: the same data gives the same bytes."""

from __future__ import annotations

import csv
import io

from evaluations.models import ItemScore, MonthlyReport


def report_bytes(report: MonthlyReport) -> bytes:
    """Every OPD's score, band, rank and item fulfilments, in a fixed
    order, as UTF-8 CSV; nothing that depends on when it is computed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["bulan", "versi", "opd", "nilai", "kualifikasi", "peringkat"])
    scores = list(
        report.scores.select_related("opd").order_by("rank", "opd__name", "opd_id")
    )
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
    items = (
        ItemScore.objects.filter(opd_score__report=report)
        .order_by(
            "opd_score__opd__slug",
            "item__indicator__position",
            "item__position",
            "item__code",
        )
        .values_list("opd_score__opd__slug", "item__code", "ratio", "applies", "detail")
    )
    for slug, code, ratio, applies, detail in items:
        writer.writerow(
            [slug, code, "" if ratio is None else ratio, int(applies), detail]
        )
    return out.getvalue().encode("utf-8")
