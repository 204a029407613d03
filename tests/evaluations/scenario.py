"""Months built through the services for the page and file tests: a final
September and a draft October, over OPDs whose data differ."""

from __future__ import annotations

import datetime
from decimal import Decimal

from evaluations import services
from evaluations.models import ItemScore, MonthlyReport, OpdScore
from opds.models import Opd, User
from ppid.catalogue.models import Category, Subtype
from tests.evaluations.conftest import MONTH
from tests.factories import InformationItemFactory, SocialAccountFactory

SEPTEMBER = datetime.date(2026, 9, 1)
# The services' today while the scenario is built: October has ended.
BUILT_ON = datetime.date(2026, 11, 3)
LONG_AGO = datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC)
IN_SEPTEMBER = datetime.datetime(2026, 9, 10, 9, tzinfo=datetime.UTC)
MANUAL = ("akurasi", "sk_ppid", "anggaran", "ruang_layanan", "akses_disabilitas")


def item(report: MonthlyReport, opd: Opd, code: str) -> ItemScore:
    return ItemScore.objects.select_related("item__indicator").get(
        opd_score__report=report, opd_score__opd=opd, item__code=code
    )


def score(report: MonthlyReport, opd: Opd) -> OpdScore:
    return OpdScore.objects.select_related("opd", "report").get(report=report, opd=opd)


def publish_every_required_subtype(opd: Opd) -> None:
    for subtype in Subtype.objects.filter(
        is_required=True,
        is_active=True,
        category__in=[Category.BERKALA, Category.SETIAP_SAAT],
    ):
        InformationItemFactory(
            opd=opd,
            category=subtype.category,
            subtype=subtype,
            published_at=IN_SEPTEMBER,
            last_updated_at=IN_SEPTEMBER,
        )


def vary(opds: list[Opd], reviewer: User) -> None:
    """The first OPD publishes its DIP, the second has a periodic item
    long overdue, the third an account that never sent data."""
    first, second, third = opds[:3]
    publish_every_required_subtype(first)
    InformationItemFactory(
        opd=second,
        category=Category.BERKALA,
        title="Laporan Keuangan Semester I",
        published_at=LONG_AGO,
        last_updated_at=LONG_AGO,
    )
    SocialAccountFactory(opd=third, handle="dinas_tanpa_data")


def finalised_september(opds: list[Opd], reviewer: User, on) -> MonthlyReport:
    """September built, its manual items scored for the first OPD, opened
    and finalised; the services' today ends two days after ``BUILT_ON``."""
    on(BUILT_ON)
    september = services.build_report(SEPTEMBER)
    for code in MANUAL:
        services.score_manual_item(
            item(september, opds[0], code), by=reviewer, ratio=Decimal(1)
        )
    services.open_for_reply(
        september, by=reviewer, deadline=BUILT_ON + datetime.timedelta(days=1)
    )
    on(BUILT_ON + datetime.timedelta(days=2))
    return services.finalise(september, by=reviewer)


def october_draft(opds: list[Opd], reviewer: User, on) -> MonthlyReport:
    """A final September, then an October draft in which the second OPD
    completed its profile (so it moves) and the manual scores carried over."""
    vary(opds, reviewer)
    finalised_september(opds, reviewer, on)
    Opd.objects.filter(pk=opds[1].pk).update(
        email="ppid@contoh.go.id",
        phone="0281 891234",
        address="Jl. Jenderal Sudirman 1, Purbalingga",
        head_name="Drs. Contoh",
        ppid_contact_name="Pejabat PPID",
        ppid_contact_email="pelaksana@contoh.go.id",
    )
    return services.build_report(MONTH)
