"""Scores that follow the law (issue 17): a request or objection whose legal
deadline passed without an answer counts as late, and as unanswered, in
the month its deadline passed and every later month it stays unanswered;
ignoring must never score better than answering late. These sit beside
the band-edge tests of test_services.py."""

import datetime
from decimal import Decimal

import pytest

from evaluations import services
from ppid.calendar.workdays import WorkingCalendar
from ppid.requests.models import Dispute, InformationRequest, Objection
from tests.evaluations.conftest import MONTH
from tests.evaluations.deadlines import InformationRequestFactory, ObjectionFactory
from tests.evaluations.scenario import item, publish_every_required_subtype, score

pytestmark = pytest.mark.django_db
D = datetime.date
NOVEMBER = D(2026, 11, 1)
# November has ended: both months may be built.
AFTER_NOVEMBER = D(2026, 12, 3)
REQUEST_ITEMS = ("permohonan_tepat_waktu", "median_hari_kerja")
ALL_SERVICE_ITEMS = (*REQUEST_ITEMS, "keberatan_tepat_waktu")


@pytest.fixture
def alike(opds):
    """Three OPDs alike in everything but their requests: each published
    every required sub-type, so an item that does not apply raises the
    others' share (the old reward for ignoring)."""
    for opd in opds:
        publish_every_required_subtype(opd)
    return opds


def test_an_opd_that_ignores_a_request_scores_lower_than_one_that_answers_late(
    alike, on
):
    late, ignoring, quiet = alike
    answered = InformationRequestFactory(opd=late, answered_on=D(2026, 10, 14))
    ignored = InformationRequestFactory(opd=ignoring)
    # Both were due on the same day in October, UU Pasal 22(7).
    assert ignored.answer_due_on == answered.answer_due_on
    assert MONTH < answered.answer_due_on < answered.answered_on
    on(AFTER_NOVEMBER)
    report = services.build_report(MONTH)

    for opd in (late, ignoring):
        on_time = item(report, opd, "permohonan_tepat_waktu")
        assert on_time.applies and on_time.ratio == 0
    # 12 working days is within the law's 10 + 7: half the median's marks;
    # the unanswered request is the worst case and earns nothing.
    assert item(report, late, "median_hari_kerja").ratio == Decimal("0.5")
    assert item(report, ignoring, "median_hari_kerja").ratio == 0
    assert score(report, ignoring).score < score(report, late).score

    # The unanswered request is shown apart, with its deadline.
    on_time = item(report, ignoring, "permohonan_tepat_waktu")
    assert "1 permohonan belum dijawab" in on_time.detail
    (entry,) = on_time.evidence
    assert entry["state"] == "unanswered" and not entry["on_time"]
    assert "belum dijawab" in entry["label"]
    assert entry["due_on"] == ignored.answer_due_on.isoformat()
    assert entry["url"].endswith("/{}/".format(ignored.url_key))
    assert "belum dijawab" in item(report, ignoring, "median_hari_kerja").detail
    assert "state" not in item(report, late, "permohonan_tepat_waktu").evidence[0]

    # An OPD without any request is still not scored on them.
    for code in ALL_SERVICE_ITEMS:
        assert not item(report, quiet, code).applies, code


def test_an_unanswered_request_weighs_on_every_month_until_it_is_answered(alike, on):
    late, ignoring, _quiet = alike
    InformationRequestFactory(opd=late, answered_on=D(2026, 10, 14))
    ignored = InformationRequestFactory(opd=ignoring)
    on(AFTER_NOVEMBER)
    november = services.build_report(NOVEMBER)

    # Answered late in October: that was its month; November is not scored.
    for code in REQUEST_ITEMS:
        assert not item(november, late, code).applies, code
    on_time = item(november, ignoring, "permohonan_tepat_waktu")
    assert on_time.applies and on_time.ratio == 0
    assert item(november, ignoring, "median_hari_kerja").ratio == 0
    assert score(november, ignoring).score < score(november, late).score
    # The working days shown are those elapsed by the month's end.
    elapsed = WorkingCalendar(ignored.received_on, D(2026, 11, 30)).count_between(
        ignored.received_on, D(2026, 11, 30)
    )
    assert on_time.evidence[0]["working_days"] == elapsed

    # Answered in December: October and November, rebuilt, still judge it
    # as it stood at their end.
    InformationRequest.objects.filter(pk=ignored.pk).update(
        status=InformationRequest.Status.ANSWERED,
        decision=InformationRequest.Decision.GRANTED_FULL,
        answered_on=D(2026, 12, 2),
    )
    for month in (MONTH, NOVEMBER):
        rebuilt = services.build_report(month)
        evidence = item(rebuilt, ignoring, "permohonan_tepat_waktu").evidence
        assert [e.get("state") for e in evidence] == ["unanswered"], month


def test_a_request_whose_deadline_has_not_passed_at_the_months_end_does_not_count(
    alike, on
):
    waiting, extended, _quiet = alike
    # Due in November.
    InformationRequestFactory(opd=waiting, received_on=D(2026, 10, 26))
    # Its first deadline (26 October) passed, but it was extended in
    # writing before, to 4 November (UU Pasal 22(8)).
    request = InformationRequestFactory(
        opd=extended, received_on=D(2026, 10, 12), extended_on=D(2026, 10, 20)
    )
    assert request.due_on <= D(2026, 10, 31) < request.answer_due_on
    on(AFTER_NOVEMBER)
    report = services.build_report(MONTH)
    for opd in (waiting, extended):
        for code in REQUEST_ITEMS:
            assert not item(report, opd, code).applies, (opd, code)


def test_a_request_whose_clock_waits_for_the_requester_does_not_count(alike, on):
    """With PPID_CLOCK_PAUSES_WHILE_INCOMPLETE the legal clock stands still
    while the requester completes the request: its first deadline passing
    is not late, as the register and the statistics already read it."""
    waiting, _other, _quiet = alike
    request = InformationRequestFactory(
        opd=waiting,
        received_on=D(2026, 10, 1),
        status=InformationRequest.Status.INCOMPLETE,
        incomplete_on=D(2026, 10, 2),
        clock_paused=True,
    )
    assert request.answer_due_on <= D(2026, 10, 31)
    assert not InformationRequest.objects.needing_attention(D(2026, 12, 3)).exists()
    on(AFTER_NOVEMBER)
    report = services.build_report(MONTH)
    for code in REQUEST_ITEMS:
        assert not item(report, waiting, code).applies, code
    # Without the pause its deadline passed unanswered: late.
    InformationRequest.objects.filter(pk=request.pk).update(clock_paused=False)
    report = services.build_report(MONTH)
    assert item(report, waiting, "permohonan_tepat_waktu").ratio == 0


def test_an_opd_that_ignores_an_objection_scores_lower_than_one_that_answers_late(
    alike, on
):
    late, ignoring, quiet = alike
    answered = ObjectionFactory(request__opd=late, answered_on=D(2026, 10, 20))
    ignored = ObjectionFactory(request__opd=ignoring)
    # The Atasan PPID's 30 working days (UU Pasal 36(2)) ended in October.
    assert ignored.due_on == answered.due_on
    assert MONTH < answered.due_on < answered.answered_on
    on(AFTER_NOVEMBER)
    october = services.build_report(MONTH)
    november = services.build_report(NOVEMBER)

    for opd in (late, ignoring):
        objections = item(october, opd, "keberatan_tepat_waktu")
        assert objections.applies and objections.ratio == 0
    # In the month the deadline passed both missed it; the OPD that never
    # answers keeps paying in every month after.
    assert score(october, ignoring).score <= score(october, late).score
    assert not item(november, late, "keberatan_tepat_waktu").applies
    assert item(november, ignoring, "keberatan_tepat_waktu").ratio == 0
    assert score(november, ignoring).score < score(november, late).score

    objections = item(october, ignoring, "keberatan_tepat_waktu")
    assert "1 keberatan belum dijawab" in objections.detail
    (entry,) = objections.evidence
    assert entry["kind"] == "objection" and entry["state"] == "unanswered"
    assert "belum dijawab atasan PPID" in entry["label"]
    assert entry["due_on"] == ignored.due_on.isoformat()

    for code in ALL_SERVICE_ITEMS:
        assert not item(october, quiet, code).applies, code


def test_an_ignored_objection_on_ground_b_weighs_on_the_opd_it_is_about(alike, on):
    """Ground b (UU Pasal 35(1)b) hangs on no request: the Atasan PPID's 30
    working days still run, against the OPD named in the objection."""
    ignoring, _late, quiet = alike
    ObjectionFactory(
        request=None,
        opd=ignoring,
        reason=Objection.Reason.B,
        full_name="Forum Warga Bojong",
    )
    on(AFTER_NOVEMBER)
    report = services.build_report(MONTH)
    objections = item(report, ignoring, "keberatan_tepat_waktu")
    assert objections.applies and objections.ratio == 0
    (entry,) = objections.evidence
    assert entry["state"] == "unanswered"
    assert "/dasbor/keberatan/" in entry["url"]
    assert not item(report, quiet, "keberatan_tepat_waktu").applies


def test_an_order_after_a_granted_objection_missed_costs_the_score(alike, on):
    """After the Atasan PPID grants an objection the PPID must act by its
    deadline (PPID_OBJECTION_ORDER_WORKING_DAYS): one that never acts scores
    lower than one that acted in time, and the missed order is shown."""
    complying, ignoring, _quiet = alike
    granted = {
        "answered_on": D(2026, 9, 15),
        "decision": Objection.Decision.OVERTURNED,
        "order_due_on": D(2026, 10, 13),
    }
    ObjectionFactory(request__opd=complying, order_done_on=D(2026, 10, 12), **granted)
    missed = ObjectionFactory(request__opd=ignoring, **granted)
    on(AFTER_NOVEMBER)
    report = services.build_report(MONTH)

    done = item(report, complying, "keberatan_tepat_waktu")
    assert done.applies and done.ratio == 1
    assert "1 dari 1 putusan atasan PPID dilaksanakan tepat waktu" in done.detail
    ignored = item(report, ignoring, "keberatan_tepat_waktu")
    assert ignored.applies and ignored.ratio == 0
    assert "1 belum dilaksanakan" in ignored.detail
    (entry,) = ignored.evidence
    assert entry["kind"] == "order" and entry["state"] == "unanswered"
    assert "putusan atasan PPID belum dilaksanakan" in entry["label"]
    assert entry["due_on"] == missed.order_due_on.isoformat()
    assert score(report, ignoring).score < score(report, complying).score


def test_an_ignored_objection_stops_weighing_once_it_is_taken_to_the_komisi(alike, on):
    """UU Pasal 37(1): the objector takes the Atasan PPID's silence to the
    Komisi Informasi; the Atasan can no longer answer, so the objection costs
    the months up to the dispute, not every month after it."""
    disputed_opd, silent_opd, _quiet = alike
    disputed = ObjectionFactory(request__opd=disputed_opd, status="disputed")
    ObjectionFactory(request__opd=silent_opd)
    assert MONTH < disputed.due_on < D(2026, 10, 20)
    Dispute.objects.create(
        objection=disputed, filed_on=D(2026, 10, 20), filing_deadline=D(2026, 11, 9)
    )
    on(AFTER_NOVEMBER)
    october = services.build_report(MONTH)
    november = services.build_report(NOVEMBER)
    for opd in (disputed_opd, silent_opd):
        assert item(october, opd, "keberatan_tepat_waktu").ratio == 0
    assert not item(november, disputed_opd, "keberatan_tepat_waktu").applies
    assert item(november, silent_opd, "keberatan_tepat_waktu").ratio == 0
