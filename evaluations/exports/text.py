"""The month as text for WhatsApp: the kabupaten's summary and an OPD's."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.months import previous_month
from evaluations import selectors
from evaluations.exports import common
from evaluations.models import MonthlyReport, OpdScore


def _notice(report: MonthlyReport) -> list[str]:
    """A preview's notice, in bold, as the summary's second line."""
    notice = common.preview_notice(report)
    return ["*{}*".format(notice)] if notice else []


@common.in_indonesian
def whatsapp_summary(report: MonthlyReport) -> str:
    """A few lines for the kabupaten's WhatsApp groups: month, OPDs per
    band, the top three, the biggest movers and the link."""
    report = common.current(report)
    view = selectors.kabupaten(report, common.all_scores(report))
    lines = [
        "*{}*".format(
            _("KIP readiness of Purbalingga Regency, %(month)s")
            % {"month": common.month_title(report)}
        ),
        _("Version %(version)s, %(status)s · %(count)s OPDs · average %(average)s")
        % {
            "version": report.version,
            "status": common.status_label(report),
            "count": len(view.rows),
            "average": common.number(view.average),
        },
        "",
        "*{}*".format(_("OPDs per band")),
    ]
    lines[1:1] = _notice(report)
    lines += ["• {}: {}".format(row.label, row.count) for row in view.distribution]
    lines += ["", "*{}*".format(_("Top three"))]
    lines += [
        "{}. {} {} ({})".format(
            row.opd_score.rank,
            row.opd_score.opd.name,
            common.number(row.opd_score.score),
            common.band_label(row.opd_score.band),
        )
        for row in view.rows[:3]
    ]
    if view.movers:
        lines += ["", "*{}*".format(_("Biggest movers"))]
        lines += [
            "{} {} {} ({} → {})".format(
                "▲" if row.change > 0 else "▼",
                row.opd_score.opd.name,
                common.signed(row.change),
                common.number(row.previous),
                common.number(row.opd_score.score),
            )
            for row in view.movers
        ]
    lines += ["", _("Details: %(url)s") % {"url": common.kabupaten_url(report)}]
    return "\n".join(lines)


@common.in_indonesian
def opd_whatsapp_summary(opd_score: OpdScore) -> str:
    """A few lines for an OPD: its score, band and rank, the change, the
    five actions and the link."""
    opd_score = common.current_score(opd_score)
    view = selectors.opd_view(opd_score)
    report = opd_score.report
    previous = (
        view.trend[-2]
        if len(view.trend) > 1 and view.trend[-2].month == previous_month(report.month)
        else None
    )
    lines = [
        "*{}*".format(
            _("KIP readiness of %(opd)s, %(month)s")
            % {"opd": opd_score.opd.name, "month": common.month_title(report)}
        ),
        _("Score *%(score)s* (%(band)s), rank %(rank)s of %(total)s")
        % {
            "score": common.number(opd_score.score),
            "band": common.band_label(opd_score.band),
            "rank": opd_score.rank,
            "total": report.scores.count(),
        },
    ]
    lines[1:1] = _notice(report)
    if previous is not None:
        lines.append(
            _("Change from last month: %(change)s")
            % {"change": common.signed(opd_score.score - previous.score)}
        )
    if view.actions:
        lines += ["", "*{}*".format(_("Five actions that raise the score most"))]
        lines += [
            "{}. {} (+{})".format(
                n, a.item.guidance or a.item.name, common.number(a.gain)
            )
            for n, a in enumerate(view.actions, start=1)
        ]
    lines += ["", _("Details: %(url)s") % {"url": common.opd_url(opd_score)}]
    return "\n".join(lines)
