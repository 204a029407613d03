"""The inbox's steps as the staff pages use them: every transition allowed
and refused (with its message, naming the field), the clocks kept or
restarted, what each role sees, and the queue's queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from aspirations.inbox import selectors, services
from aspirations.inbox.models import OPEN_STATES, Case, CaseEvent, Message, State
from opds import permissions as perms
from tests.aspirations import inbox_helpers as helpers
from tests.aspirations.inbox_helpers import (
    NIK,
    PHONE,
    T0,
    citizen_writes,
    in_state,
    moment,
    routed,
    wa_case,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    return helpers.install_clock(monkeypatch)


@pytest.fixture
def sent(monkeypatch):
    return helpers.capture_sends(monkeypatch)


@pytest.fixture
def coordinator(db):
    return helpers.make_coordinator()


def _refusal(exc: ValidationError, field: str) -> str:
    return exc.message_dict[field][0]


# --- The state machine -----------------------------------------------------------------

# step -> (the states it is allowed from, the step's word in the message)
STEPS = {
    "verify": ({State.NEW, State.POSTPONED}, "verified"),
    "postpone": ({State.NEW, State.VERIFIED}, "postponed"),
    "route": ({State.NEW, State.POSTPONED, State.VERIFIED}, "routed"),
    "not_ours": ({State.ROUTED, State.IN_PROGRESS}, "sent back"),
    "take_up": ({State.ROUTED}, "taken up"),
    "reply": (set(OPEN_STATES) - {State.POSTPONED}, "answered"),
    "record_follow_up": ({State.ROUTED, State.IN_PROGRESS}, "followed up"),
    "close": ({State.ANSWERED}, "closed"),
    "archive": (set(OPEN_STATES), "archived"),
}


def _run(step: str, case: Case, by, opd):
    arguments = {
        "verify": {},
        "postpone": {"until": None, "reason": "Menunggu foto lokasi"},
        "route": {"opd": opd},
        "not_ours": {"reason": "Jalan provinsi, bukan kewenangan kabupaten"},
        "take_up": {},
        "reply": {"text": "Terima kasih, sedang kami cek."},
        "record_follow_up": {},
        "close": {},
        "archive": {"reason": "Pesan uji coba"},
    }[step]
    return getattr(services, step)(case=case, by=by, **arguments)


@pytest.mark.parametrize("state", State.values)
@pytest.mark.parametrize("step", sorted(STEPS))
def test_every_step_from_every_state(step, state, coordinator, opd, clock, sent):
    allowed, word = STEPS[step]
    case = wa_case(1)
    # A reply the citizen received, so that a follow-up may be recorded.
    Message.objects.create(
        case=case,
        platform="whatsapp",
        direction=Message.Direction.OUT,
        reply_kind=Message.ReplyKind.MESSAGE,
        text="Baik, kami teruskan.",
        sent_at=T0,
        delivery=Message.Delivery.SENT,
    )
    case = in_state(case, state, opd=opd)
    events_before = CaseEvent.objects.filter(case=case).count()
    if state in allowed:
        _run(step, case, coordinator, opd)
        case.refresh_from_db()
        assert case.state != state or step in ("reply",)
        return
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        _run(step, case, coordinator, opd)
    with translation.override("id"):
        expected = translation.gettext(
            'This case is "%(state)s": it cannot be %(step)s now.'
        ) % {
            "state": State(state).label,
            "step": translation.gettext(word),
        }
        assert _refusal(refused.value, "state") == expected
    case.refresh_from_db()
    assert case.state == state
    assert CaseEvent.objects.filter(case=case).count() == events_before


def test_the_coordinators_steps_are_refused_to_an_opd_admin(opd, opd_admin, clock):
    case = wa_case(1)
    for step in ("verify", "postpone", "route", "archive"):
        with pytest.raises(PermissionDenied):
            _run(step, case, opd_admin, opd)
    case.refresh_from_db()
    assert case.state == State.NEW


def test_another_opds_admin_may_not_handle_a_case(
    coordinator, opd, other_opd_admin, clock, sent
):
    case = routed(wa_case(1), coordinator, opd)
    for step in ("take_up", "reply", "not_ours"):
        with pytest.raises(PermissionDenied):
            _run(step, case, other_opd_admin, opd)


@pytest.mark.parametrize(
    "step,arguments,field",
    [
        ("postpone", {"until": None, "reason": " "}, "reason"),
        ("postpone", {"until": datetime.date(2026, 11, 30), "reason": "x"}, "until"),
        ("route", {"opd": None}, "opd"),
        ("archive", {"reason": ""}, "reason"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    step, arguments, field, coordinator, clock
):
    case = wa_case(1)
    with pytest.raises(ValidationError) as refused:
        getattr(services, step)(case=case, by=coordinator, **arguments)
    assert field in refused.value.message_dict
    case.refresh_from_db()
    assert case.state == State.NEW
    assert list(case.events.values_list("action", flat=True)) == ["received"]


# --- Clocks ----------------------------------------------------------------------------


def test_not_ours_keeps_the_follow_up_clock(
    coordinator, opd, other_opd, opd_admin, clock
):
    case = wa_case(1)
    clock(moment("2026-12-01"))
    case = routed(case, coordinator, opd)
    due, routed_at = case.follow_up_due, case.routed_at
    assert due == datetime.date(2026, 12, 8)
    clock(moment("2026-12-03"))
    services.not_ours(case=case, by=opd_admin, reason="Urusan DLH")
    case.refresh_from_db()
    assert case.state == State.VERIFIED and case.opd is None
    # Still shown while it waits for the coordinator.
    shown = {c.key: c for c in selectors.case_clocks(case, moment("2026-12-03"))}
    assert shown["follow_up"].due == due and shown["follow_up"].met_at is None
    clock(moment("2026-12-04"))
    case = routed(case, coordinator, other_opd)
    assert case.follow_up_due == due and case.routed_at == routed_at
    # Overdue from the first routing's clock, not a fresh one.
    assert case.pk in selectors.queue_queryset(coordinator).filter(
        selectors.overdue_q(moment("2026-12-09"))
    ).values_list("pk", flat=True)


def test_a_citizen_reply_after_the_follow_up_reopens_the_case(
    coordinator, opd, opd_admin, clock, sent
):
    case = routed(wa_case(1), coordinator, opd)
    clock(moment("2026-12-02"))
    services.reply(
        case=case,
        by=opd_admin,
        text="Sudah diperbaiki.",
        follow_up=True,
        # Days after the citizen wrote: WhatsApp takes only a template.
        reply_kind=Message.ReplyKind.TEMPLATE,
        template="aspirasi_tindak_lanjut",
    )
    case.refresh_from_db()
    assert case.state == State.ANSWERED and case.auto_close_on is not None
    citizen_writes(case, 2, "Belum, lampunya masih mati", moment("2026-12-03"))
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    assert case.auto_close_on is None
    assert case.follow_up_due == datetime.date(2026, 12, 10)
    assert case.events.filter(action=CaseEvent.Action.CITIZEN_REPLIED).exists()


def test_auto_close_after_ten_working_days_on_the_real_calendar(
    coordinator, opd, opd_admin, clock, sent
):
    # Independence Day (Monday 17 August 2026) is not a working day.
    clock(moment("2026-08-03"))
    case = routed(wa_case(1, at=moment("2026-08-03", "08:00")), coordinator, opd)
    clock(moment("2026-08-05"))
    services.reply(
        case=case,
        by=opd_admin,
        text="Sudah kami tangani.",
        follow_up=True,
        # Days after the citizen wrote: WhatsApp takes only a template.
        reply_kind=Message.ReplyKind.TEMPLATE,
        template="aspirasi_tindak_lanjut",
    )
    case.refresh_from_db()
    assert case.auto_close_on == datetime.date(2026, 8, 20)
    assert services.close_silent_cases(day=datetime.date(2026, 8, 19)) == 0
    assert services.close_silent_cases(day=datetime.date(2026, 8, 20)) == 1
    case.refresh_from_db()
    assert case.state == State.AUTO_CLOSED


def test_the_first_response_clock_over_a_weekend(settings, coordinator, clock):
    settings.ASPIRATION_OFFICE_HOURS = (datetime.time(8), datetime.time(16))
    friday = moment("2026-12-04", "15:00")
    case = wa_case(1, at=friday)
    assert case.first_response_due == moment("2026-12-07", "15:00")

    def flags(at):
        first = selectors.case_clocks(case, at)[0]
        assert first.key == "first_response"
        return first.overdue, first.due_soon

    assert flags(moment("2026-12-05", "12:00")) == (False, True)
    assert flags(moment("2026-12-07", "14:59")) == (False, True)
    assert flags(moment("2026-12-07", "15:01")) == (True, False)
    overdue = Case.objects.filter(selectors.overdue_q(moment("2026-12-07", "15:01")))
    assert list(overdue) == [case]
    assert not Case.objects.filter(selectors.overdue_q(moment("2026-12-05", "12:00")))


# --- What each role sees -------------------------------------------------------------


def test_personal_data_is_masked_for_who_does_not_handle_the_case(
    client, coordinator, opd, opd_admin, ppid_utama, clock
):
    text = "Jalan rusak, hubungi saya {} NIK {}".format(PHONE, NIK)
    case = routed(wa_case(1, text=text), coordinator, opd)
    url = reverse("aspirations:case", kwargs={"pk": case.pk})
    for user, shown in ((coordinator, True), (opd_admin, True), (ppid_utama, False)):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert (NIK in html) is shown, user
        assert (PHONE in html) is shown, user
        queue = client.get(reverse("aspirations:queue") + "?view=").content.decode()
        assert NIK not in queue or shown


def test_an_anonymous_citizens_name_is_hidden_from_the_opd(
    client, coordinator, opd, opd_admin, clock
):
    case = wa_case(1, author="Bambang Sutrisno")
    Case.objects.filter(pk=case.pk).update(anonymous=True)
    case = routed(Case.objects.get(pk=case.pk), coordinator, opd)
    url = reverse("aspirations:case", kwargs={"pk": case.pk})
    client.force_login(opd_admin)
    assert "Bambang" not in client.get(url).content.decode()
    client.force_login(coordinator)
    assert "Bambang" in client.get(url).content.decode()


def test_a_confidential_case_is_hidden_from_other_opds_and_kabupaten_roles(
    client, coordinator, opd, opd_admin, other_opd_admin, ppid_utama, clock
):
    case = wa_case(1)
    Case.objects.filter(pk=case.pk).update(confidential=True)
    case = routed(Case.objects.get(pk=case.pk), coordinator, opd)
    url = reverse("aspirations:case", kwargs={"pk": case.pk})
    queue = reverse("aspirations:queue") + "?view="
    atasan = UserFactory(username="atasan", role="atasan_ppid")
    for user, sees in (
        (coordinator, True),
        (opd_admin, True),
        (other_opd_admin, False),
        (ppid_utama, False),
        (atasan, False),
    ):
        client.force_login(user)
        assert client.get(url).status_code == (200 if sees else 404), user
        assert (case.number in client.get(queue).content.decode()) is sees, user
        assert perms.can_view_case(user, case) is sees


# --- Queries ---------------------------------------------------------------------------


def test_the_queue_runs_as_many_queries_for_30_cases_as_for_5(
    client, coordinator, opd, clock, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    url = reverse("aspirations:queue") + "?view="

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for n in range(5):
        case = wa_case(n)
        if n % 2:
            routed(case, coordinator, opd)
    few = count()
    for n in range(5, 30):
        case = wa_case(n)
        if n % 2:
            routed(case, coordinator, opd)
    assert count() == few
