"""E-mail of a final month: each OPD's admins get their own score, the
Dinkominfo team the kabupaten summary."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail

from evaluations.models import MonthlyReport
from opds.models import User


def send_final_report(report_id: int) -> int:
    """Send the messages; return how many went out."""
    report = MonthlyReport.objects.get(pk=report_id)
    if report.status != MonthlyReport.Status.FINAL:
        return 0
    month = "{:%m/%Y}".format(report.month)
    messages = []
    admins: dict[int, list[str]] = {}
    for opd_id, email in (
        User.objects.filter(role=User.Role.OPD_ADMIN, is_active=True, opd__isnull=False)
        .exclude(email="")
        .values_list("opd_id", "email")
    ):
        admins.setdefault(opd_id, []).append(email)
    for score in report.scores.select_related("opd").order_by("rank", "opd__name"):
        recipients = admins.get(score.opd_id)
        if not recipients:
            continue
        body = (
            "Hasil akhir penilaian kesiapan KIP bulan {month} untuk {opd}:\n"
            "nilai {score} ({band}), peringkat {rank} dari {total}.\n\n"
            "Rincian dan langkah perbaikan: {site}/dasbor/evaluasi/{key}/{slug}/\n"
        ).format(
            month=month,
            opd=score.opd.name,
            score=score.score,
            band=score.get_band_display(),
            rank=score.rank,
            total=report.scores.count(),
            site=settings.SITE_URL.rstrip("/"),
            key="{:%Y-%m}".format(report.month),
            slug=score.opd.slug,
        )
        messages.append(
            (
                "Penilaian kesiapan KIP {} — {}".format(month, score.opd.short_name),
                body,
                settings.DEFAULT_FROM_EMAIL,
                recipients,
            )
        )
    team = list(
        User.objects.filter(role=User.Role.DINKOMINFO, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if team:
        lines = [
            "{}. {} — {} ({})".format(
                s.rank, s.opd.short_name, s.score, s.get_band_display()
            )
            for s in report.scores.select_related("opd").order_by("rank", "opd__name")
        ]
        messages.append(
            (
                "Laporan kesiapan KIP {} final".format(month),
                "Peringkat akhir bulan {}:\n\n{}\n".format(month, "\n".join(lines)),
                settings.DEFAULT_FROM_EMAIL,
                team,
            )
        )
    return send_mass_mail(messages, fail_silently=False)
