"""The aspiration inbox in the monthly evaluation: the item "Responsivitas
aspirasi" scores the share of an OPD's follow-ups and first responses made
in time, and does not apply to an OPD with no clock falling to the month."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from evaluations import rules
from evaluations import services as evaluation_services
from evaluations.models import Indicator, Item, ItemScore
from tests.aspirations.stats_scenario import (
    AUGUST,
    CITIZEN_NAME,
    CITIZEN_TEXT,
    build_august,
    local,
    mover,
    stub_sending,
)
from tests.factories import OpdFactory

pytestmark = pytest.mark.django_db
CODE = "responsivitas_aspirasi"


@pytest.fixture
def august(monkeypatch):
    stub_sending(monkeypatch)
    return build_august(mover(monkeypatch))


def month(start, end, opds, as_of=None):
    return rules.Month(start, end, [opd.pk for opd in opds], as_of=as_of)


def outcomes(months_opds, **kwargs):
    return rules.compute(month(*months_opds, **kwargs), {"aspiration_responsiveness"})[
        "aspiration_responsiveness"
    ]


def test_the_item_is_in_the_2026_framework_without_changing_the_others():
    indicator = Indicator.objects.get(framework__year=2026, code="pelayanan_informasi")
    weights = dict(indicator.items.values_list("code", "weight"))
    assert weights == {
        "permohonan_tepat_waktu": 50,
        "median_hari_kerja": 30,
        "keberatan_tepat_waktu": 20,
        CODE: 15,
    }
    item = indicator.items.get(code=CODE)
    assert item.method == Item.Method.AUTOMATIC
    assert item.rule == "aspiration_responsiveness" and item.rule in rules.RULES
    # The Monev's indicator weights still make 100.
    assert sum(
        Indicator.objects.filter(framework__year=2026).values_list("weight", flat=True)
    ) == Decimal(100)


def test_an_opd_is_scored_on_its_clocks_met_or_missed_in_the_month(august):
    quiet = OpdFactory(short_name="DINSOS")
    opds = [august.dinkes, august.dinhub, quiet]
    found = outcomes((AUGUST, datetime.date(2026, 8, 31), opds))
    dinkes = found[august.dinkes.pk]
    # Follow-ups: on time, late, missed (the portal case); first responses:
    # on time over the holiday, late. Two of five in time.
    assert dinkes.ratio == Decimal("0.4")
    assert dinkes.detail == (
        "1 dari 3 tindak lanjut tepat waktu; 1 dari 2 tanggapan awal dalam "
        "1 × 24 jam; 1 aspirasi belum ditanggapi melewati batas waktu"
    )
    labels = [entry["label"] for entry in dinkes.evidence]
    # The unmet first, by case number only.
    assert labels[0] == "{} (tindak lanjut belum ada)".format(august.portal.number)
    assert dinkes.evidence[0]["state"] == "unanswered"
    assert dinkes.evidence[0]["due_on"] == "2026-08-11"
    assert len(labels) == 5
    for entry in dinkes.evidence:
        assert entry["kind"] == "case"
        assert CITIZEN_NAME not in entry["label"] and CITIZEN_TEXT not in entry["label"]
    # Both of DINHUB's cases left the inbox (LAPOR!, a PPID request) unanswered:
    # they are judged there, not here.
    assert found[august.dinhub.pk].ratio is None
    # Nobody wrote to DINSOS: not applicable, not zero.
    assert found[quiet.pk].ratio is None
    assert found[quiet.pk].detail == "tidak ada aspirasi yang jatuh tempo bulan ini"


def test_a_follow_up_still_missing_counts_again_the_next_month(august):
    found = outcomes(
        (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30), [august.dinkes])
    )
    # Only the portal case's follow-up, still missing: nothing in time.
    assert found[august.dinkes.pk].ratio == Decimal(0)
    assert [e["id"] for e in found[august.dinkes.pk].evidence] == [august.portal.pk]


def test_a_clock_met_after_the_month_is_unmet_for_it(august, monkeypatch):
    from aspirations.inbox import services

    at = mover(monkeypatch)
    at(local(2, 9, month=9))
    services.record_follow_up(case=august.portal, by=august.dinkes_admin)
    august_again = outcomes((AUGUST, datetime.date(2026, 8, 31), [august.dinkes]))
    assert august_again[august.dinkes.pk].ratio == Decimal("0.4")
    # In September it is met, late.
    september = outcomes(
        (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30), [august.dinkes])
    )
    assert september[august.dinkes.pk].ratio == Decimal(0)
    assert september[august.dinkes.pk].evidence[0]["on_time"] is False


def test_a_preview_judges_as_of_its_day(august):
    # On 12 August: the late first response (5 August) and the late
    # follow-up (due the 10th, done the 12th) are judged, the portal case's
    # follow-up due the 11th is missed by then; the on-time case is not due.
    found = outcomes(
        (AUGUST, datetime.date(2026, 8, 31), [august.dinkes]),
        as_of=datetime.date(2026, 8, 12),
    )
    assert found[august.dinkes.pk].ratio == Decimal(0)
    assert len(found[august.dinkes.pk].evidence) == 3


def test_a_first_response_due_before_routing_does_not_weigh_on_the_opd(
    august, monkeypatch
):
    from aspirations.inbox import services

    at = mover(monkeypatch)
    # Routed on 27 August, long after its first response was due (the 21st).
    at(local(27, 9))
    services.route(case=august.unrouted, by=august.coordinator, opd=august.dinhub)
    found = outcomes((AUGUST, datetime.date(2026, 8, 31), [august.dinhub]))
    assert found[august.dinhub.pk].ratio is None


def test_the_monthly_build_scores_the_item(august, monkeypatch):
    quiet = OpdFactory(short_name="DINSOS")
    monkeypatch.setattr(evaluation_services, "today", lambda: datetime.date(2026, 9, 3))
    report = evaluation_services.build_report(AUGUST)
    scores = {
        s.opd_score.opd_id: s
        for s in ItemScore.objects.filter(
            opd_score__report=report, item__code=CODE
        ).select_related("opd_score")
    }
    assert scores[august.dinkes.pk].applies
    assert scores[august.dinkes.pk].ratio == Decimal("0.4")
    assert not scores[quiet.pk].applies and scores[quiet.pk].ratio is None


def test_an_opd_given_a_case_another_sent_back_answers_from_its_own_routing(
    august, monkeypatch
):
    from aspirations.inbox import services
    from tests.aspirations.stats_scenario import answer, whatsapp

    at = mover(monkeypatch)
    # Due for DINHUB on 10 August; sent back on the 12th, re-routed to
    # DINKES on the 13th, followed up on the 18th: within DINKES's own five
    # working days (the 21st), though after LAPOR!'s original clock.
    case = whatsapp(local(3, 9), 20)
    at(local(3, 10))
    case = services.route(case=case, by=august.coordinator, opd=august.dinhub)
    at(local(12, 9))
    case = services.not_ours(case=case, by=august.dinhub_admin, reason="Bukan kami")
    at(local(13, 9))
    case = services.route(case=case, by=august.coordinator, opd=august.dinkes)
    at(local(14, 9))
    answer(case, august.dinkes_admin, "Kami tangani.")
    at(local(18, 9))
    services.record_follow_up(case=case, by=august.dinkes_admin)
    case.refresh_from_db()
    assert case.follow_up_due == datetime.date(2026, 8, 10)

    found = outcomes((AUGUST, datetime.date(2026, 8, 31), [august.dinkes]))
    mine = [e for e in found[august.dinkes.pk].evidence if e["id"] == case.pk]
    # Its follow-up, on time; not its first response, due before it had it.
    assert [(e["clock"], e["on_time"]) for e in mine] == [("follow_up", True)]
    assert found[august.dinkes.pk].ratio == Decimal("0.5")
