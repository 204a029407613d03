"""True dates (issue 17): the moment of receipt and the working day it counts
from, paper answers dated by their letter, the clock while a request is
incomplete, the Perbup's deadlines flagged, and the calendar's rules as data
that an upgrade of the ``holidays`` package does not move."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from opds.models import AuditEvent
from ppid.calendar import workdays
from ppid.calendar.models import CalendarYear, CutiBersamaRule
from ppid.calendar.workdays import WorkingCalendar, is_working_day
from ppid.requests import selectors
from ppid.requests import services as rs
from ppid.requests.models import (
    InformationRequest,
    LocalDeadlineRule,
    RequestEvent,
    RequestFile,
)
from tests.factories import pdf_bytes
from tests.ppid.test_requests import recorded, request_data

pytestmark = pytest.mark.django_db
D = datetime.date
T = datetime.time


def letter_scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("surat-jawaban.pdf", pdf_bytes("Surat jawaban PPID"))


# --- Receipt outside working days and office hours ---------------------------------


def test_web_request_on_saturday_night_counts_from_monday(on):
    # Saturday 7 February 2026, 22:00: Monday 9 Feb is the first day the
    # office reads it, so the 10 working days run from Tuesday; Imlek (17
    # Feb) and its cuti bersama (16 Feb) are skipped.
    on(D(2026, 2, 7), at=T(22, 0))
    request, _code = rs.submit_request(data=request_data())
    request.refresh_from_db()
    assert request.received_on == D(2026, 2, 7)
    assert timezone.localtime(request.received_at).time() == T(22, 0)
    assert request.deemed_received_on == D(2026, 2, 9)
    assert request.due_on == D(2026, 2, 25)
    assert request.completeness_due_on == D(2026, 2, 12)


def test_web_request_on_a_public_holiday_counts_from_the_next_working_day(on):
    # Tuesday 17 February 2026 is Imlek.
    on(D(2026, 2, 17), at=T(9, 0))
    request, _code = rs.submit_request(data=request_data())
    assert request.deemed_received_on == D(2026, 2, 18)
    assert request.due_on == D(2026, 3, 4)


@pytest.mark.parametrize(
    ("at", "counted", "due"),
    [
        (T(6, 45), D(2026, 7, 7), D(2026, 7, 21)),  # before opening: that day
        (T(15, 59), D(2026, 7, 7), D(2026, 7, 21)),
        (T(16, 0), D(2026, 7, 8), D(2026, 7, 22)),  # closing time
        (T(20, 0), D(2026, 7, 8), D(2026, 7, 22)),
    ],
)
def test_weekday_request_after_office_hours_counts_from_the_next_day(
    on, at, counted, due
):
    on(D(2026, 7, 7), at=at)  # a Tuesday without holidays around it
    request, _code = rs.submit_request(data=request_data())
    assert (request.deemed_received_on, request.due_on) == (counted, due)


def test_office_hours_are_a_setting(on, settings):
    settings.PPID_OFFICE_HOURS = (T(8, 0), T(21, 0))
    on(D(2026, 7, 7), at=T(20, 0))
    request, _code = rs.submit_request(data=request_data())
    assert request.deemed_received_on == D(2026, 7, 7)


def test_same_day_setting_counts_from_the_calendar_day(on, settings):
    settings.PPID_RECEIPT_OUTSIDE_HOURS = "SAME_DAY"
    on(D(2026, 7, 7), at=T(20, 0))
    request, _code = rs.submit_request(data=request_data())
    assert (request.deemed_received_on, request.due_on) == (
        D(2026, 7, 7),
        D(2026, 7, 21),
    )


def test_staff_record_the_time_of_receipt_when_known(ppid_utama, on):
    on(D(2026, 7, 10), at=T(9, 0))
    late = rs.submit_request(
        data=request_data(),
        by=ppid_utama,
        channel="langsung",
        received_on=D(2026, 7, 7),
        received_time=T(17, 30),
    )[0]
    assert timezone.localtime(late.received_at).time() == T(17, 30)
    assert late.deemed_received_on == D(2026, 7, 8)
    # A letter dated by the day only counts from that day, unless the day is
    # not a working day (Saturday 11 July counts as Monday 13 July).
    on(D(2026, 7, 13), at=T(9, 0))
    undated = recorded(ppid_utama, D(2026, 7, 7))
    saturday = recorded(ppid_utama, D(2026, 7, 11))
    assert (undated.received_at, undated.deemed_received_on) == (None, D(2026, 7, 7))
    assert saturday.deemed_received_on == D(2026, 7, 13)


def test_time_of_receipt_cannot_be_in_the_future(ppid_utama, on):
    on(D(2026, 7, 7), at=T(10, 0))
    with pytest.raises(ValidationError) as exc:
        rs.submit_request(
            data=request_data(),
            by=ppid_utama,
            channel="langsung",
            received_on=D(2026, 7, 7),
            received_time=T(11, 0),
        )
    assert set(exc.value.message_dict) == {"received_time"}
    assert not InformationRequest.objects.exists()


def test_staff_page_records_the_time_and_shows_the_day_counted(client, ppid_utama, on):
    on(D(2026, 7, 8), at=T(9, 0))
    client.force_login(ppid_utama)
    post = {
        **{k: v for k, v in request_data().items() if v is not None},
        "channel": "langsung",
        "received_on": "2026-07-07",
        "received_time": "18:15",
    }
    response = client.post(reverse("ppid:request-record"), post)
    assert response.status_code == 302, response.content.decode()[:2000]
    request = InformationRequest.objects.get()
    assert request.deemed_received_on == D(2026, 7, 8)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "18:15" in page
    assert "Dihitung diterima pada" in page and "8 Juli 2026" in page


def test_public_form_states_the_office_hours(client):
    page = client.get(reverse("ppid:request-form")).content.decode()
    assert "07.30–16.00" in page


# --- Paper answers dated by their letter ------------------------------------------


def test_paper_answer_dated_by_its_letter_counts_on_time(ppid_utama, on):
    on(D(2026, 3, 16))
    request = recorded(ppid_utama, D(2026, 3, 16))
    assert request.answer_due_on == D(2026, 4, 7)
    # The letter went out on 6 April; staff enter it on 10 April.
    on(D(2026, 4, 10))
    rs.answer_request(
        info_request=request,
        by=ppid_utama,
        decision="granted_full",
        letter="Terlampir.",
        letter_date=D(2026, 4, 6),
        letter_scan=letter_scan(),
    )
    request.refresh_from_db()
    assert (request.answered_on, request.answer_entered_on) == (
        D(2026, 4, 6),
        D(2026, 4, 10),
    )
    assert request.answered_on_time() is True
    figures = selectors.request_statistics(2026)
    assert (figures["on_time"], figures["late"]) == (1, 0)
    evidence = request.files.get(kind=RequestFile.Kind.ANSWER_LETTER)
    entry = AuditEvent.objects.get(
        object_type="ppid.informationrequest",
        object_id=str(request.pk),
        detail__dated_by="letter",
    )
    assert entry.actor == ppid_utama
    assert entry.detail["answered_on"] == "2026-04-06"
    assert entry.detail["entered_on"] == "2026-04-10"
    assert entry.detail["evidence_sha256"] == evidence.sha256
    assert "06-04-2026" in request.events.get(action=RequestEvent.Action.ANSWERED).note


def test_an_answer_entered_late_without_its_letter_date_is_late(ppid_utama, on):
    on(D(2026, 3, 16))
    request = recorded(ppid_utama, D(2026, 3, 16))
    on(D(2026, 4, 10))
    rs.answer_request(
        info_request=request, by=ppid_utama, decision="granted_full", letter="x"
    )
    figures = selectors.request_statistics(2026)
    assert (figures["on_time"], figures["late"]) == (0, 1)
    assert not AuditEvent.objects.filter(detail__dated_by="letter").exists()


@pytest.mark.parametrize(
    ("letter_date", "scan", "field"),
    [
        (D(2026, 4, 6), False, "letter_scan"),  # a past date needs its scan
        (D(2026, 4, 11), True, "letter_date"),  # in the future
        (D(2026, 3, 13), True, "letter_date"),  # before the request came
    ],
)
def test_letter_date_needs_evidence_and_a_possible_date(
    ppid_utama, on, letter_date, scan, field
):
    on(D(2026, 3, 16))
    request = recorded(ppid_utama, D(2026, 3, 16))
    on(D(2026, 4, 10))
    with pytest.raises(ValidationError) as exc:
        rs.answer_request(
            info_request=request,
            by=ppid_utama,
            decision="granted_full",
            letter="x",
            letter_date=letter_date,
            letter_scan=letter_scan() if scan else None,
        )
    assert set(exc.value.message_dict) == {field}
    request.refresh_from_db()
    assert request.answered_on is None and not request.files.exists()


def test_staff_page_answers_with_the_letter_date(client, ppid_utama, on):
    on(D(2026, 3, 16))
    request = recorded(ppid_utama, D(2026, 3, 16))
    on(D(2026, 4, 10))
    client.force_login(ppid_utama)
    response = client.post(
        reverse("ppid:request-action", args=[request.url_key, "answer"]),
        {
            "decision": "granted_full",
            "letter": "Terlampir.",
            "letter_date": "2026-04-06",
            "letter_scan": letter_scan(),
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.answered_on == D(2026, 4, 6)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "dimasukkan pada 10 April 2026" in page


# --- The legal clock while a request is incomplete ----------------------------------


def test_pause_setting_moves_the_deadline_by_the_paused_working_days(
    ppid_utama, on, settings
):
    settings.PPID_CLOCK_PAUSES_WHILE_INCOMPLETE = True
    on(D(2026, 7, 6))
    request = recorded(ppid_utama, D(2026, 7, 6))
    assert request.due_on == D(2026, 7, 20)
    on(D(2026, 7, 8))
    rs.mark_incomplete(info_request=request, by=ppid_utama, reason="KTP belum ada")
    # While paused the legal clock is not flagged, even past its old date.
    on(D(2026, 7, 22))
    request.refresh_from_db()
    assert request.is_paused
    limit = rs.due_soon_limit()
    assert request not in InformationRequest.objects.needing_attention(limit)
    assert selectors.request_statistics(2026)["late"] == 0
    on(D(2026, 7, 24))
    rs.mark_complete(info_request=request, by=ppid_utama)
    request.refresh_from_db()
    # 9, 10, 13 ... 24 July: 12 working days paused; 20 July + 12.
    calendar = WorkingCalendar(D(2026, 7, 1), D(2026, 8, 31))
    assert calendar.count_between(D(2026, 7, 8), D(2026, 7, 24)) == 12
    assert request.due_on == calendar.add(D(2026, 7, 20), 12) == D(2026, 8, 5)
    assert request.answer_due_on == D(2026, 8, 5)


def test_without_the_setting_the_legal_clock_runs_on(ppid_utama, on):
    on(D(2026, 7, 6))
    request = recorded(ppid_utama, D(2026, 7, 6))
    on(D(2026, 7, 8))
    rs.mark_incomplete(info_request=request, by=ppid_utama, reason="KTP belum ada")
    on(D(2026, 7, 24))
    rs.mark_complete(info_request=request, by=ppid_utama)
    request.refresh_from_db()
    assert (request.clock_paused, request.due_on) == (False, D(2026, 7, 20))


def test_the_setting_in_force_when_declared_incomplete_decides(
    ppid_utama, on, settings
):
    settings.PPID_CLOCK_PAUSES_WHILE_INCOMPLETE = True
    on(D(2026, 7, 6))
    request = recorded(ppid_utama, D(2026, 7, 6))
    on(D(2026, 7, 8))
    rs.mark_incomplete(info_request=request, by=ppid_utama, reason="KTP belum ada")
    settings.PPID_CLOCK_PAUSES_WHILE_INCOMPLETE = False
    on(D(2026, 7, 10))
    rs.mark_complete(info_request=request, by=ppid_utama)
    request.refresh_from_db()
    assert request.due_on == D(2026, 7, 22)  # 9 and 10 July paused


def test_an_answer_while_paused_ends_the_pause(ppid_utama, on, settings):
    settings.PPID_CLOCK_PAUSES_WHILE_INCOMPLETE = True
    on(D(2026, 7, 6))
    request = recorded(ppid_utama, D(2026, 7, 6))
    on(D(2026, 7, 8))
    rs.mark_incomplete(info_request=request, by=ppid_utama, reason="KTP belum ada")
    on(D(2026, 7, 27))
    rs.answer_request(
        info_request=request,
        by=ppid_utama,
        decision="incomplete_request",
        letter="Persyaratan tidak dilengkapi.",
    )
    request.refresh_from_db()
    assert request.answered_on_time() is True
    assert request.due_on == WorkingCalendar(D(2026, 7, 6), D(2026, 7, 6)).add(
        D(2026, 7, 20), 13
    )


def test_a_pause_after_the_deadline_moves_nothing(ppid_utama, on, settings):
    settings.PPID_CLOCK_PAUSES_WHILE_INCOMPLETE = True
    on(D(2026, 7, 6))
    request = recorded(ppid_utama, D(2026, 7, 6))
    on(D(2026, 7, 21))
    rs.mark_incomplete(info_request=request, by=ppid_utama, reason="Terlambat")
    on(D(2026, 7, 24))
    rs.mark_complete(info_request=request, by=ppid_utama)
    request.refresh_from_db()
    assert request.due_on == D(2026, 7, 20)


# --- The Perbup's deadlines flagged --------------------------------------------------


def test_perbup_completeness_deadline_is_flagged_once_passed(
    ppid_utama, opd_admin, on, client, mailoutbox
):
    from ppid.requests.tasks import send_request_digests_task

    on(D(2026, 7, 6))
    request = recorded(opd_admin, D(2026, 7, 6))
    assert request.completeness_due_on == D(2026, 7, 9)
    assert not InformationRequest.objects.needing_attention(rs.due_soon_limit())
    on(D(2026, 7, 10))
    # The legal answer (20 July) is not near; the completeness check is late.
    assert rs.due_soon_limit() < request.answer_due_on
    assert list(InformationRequest.objects.needing_attention(rs.due_soon_limit())) == [
        request
    ]
    client.force_login(opd_admin)
    page = client.get(reverse("ppid:request-register")).content.decode()
    assert "Pemeriksaan kelengkapan (Perbup 31/2022): terlambat" in page
    assert send_request_digests_task.delay().get() == 2
    body = mailoutbox[0].body
    assert request.registration_number in body
    assert "Pemeriksaan kelengkapan (Perbup 31/2022)" in body
    # Checked: the completeness flag goes, the Perbup's answer clock starts.
    rs.mark_complete(info_request=request, by=opd_admin)
    assert not InformationRequest.objects.needing_attention(rs.due_soon_limit())


def test_perbup_answer_deadline_is_flagged_once_passed(opd_admin, on, client):
    on(D(2026, 7, 6))
    request = recorded(opd_admin, D(2026, 7, 6))
    on(D(2026, 7, 7))
    rs.mark_complete(info_request=request, by=opd_admin)
    on(D(2026, 7, 20))
    rs.extend_request(info_request=request, by=opd_admin, reason="Arsip di gudang")
    request.refresh_from_db()
    assert (request.local_due_on, request.answer_due_on) == (
        D(2026, 7, 21),
        D(2026, 7, 29),
    )
    on(D(2026, 7, 22))
    assert rs.due_soon_limit() < request.answer_due_on
    assert request in InformationRequest.objects.needing_attention(rs.due_soon_limit())
    client.force_login(opd_admin)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Jawaban (Perbup 31/2022): terlambat" in page


# --- The rules as data ----------------------------------------------------------------


def test_perbup_periods_follow_the_rule_in_force_at_receipt(ppid_utama, on):
    assert LocalDeadlineRule.objects.get().source.startswith("Perbup Purbalingga")
    LocalDeadlineRule.objects.create(
        effective_from=D(2026, 7, 1),
        completeness_days=5,
        answer_days=7,
        source="Perbup Purbalingga (perubahan, contoh uji)",
    )
    on(D(2026, 7, 6))
    before = recorded(ppid_utama, D(2026, 6, 26))
    after = recorded(ppid_utama, D(2026, 7, 6))
    assert before.completeness_due_on == D(2026, 7, 1)  # 3 working days
    assert after.completeness_due_on == D(2026, 7, 13)  # 5 working days
    on(D(2026, 7, 7))
    rs.mark_complete(info_request=after, by=ppid_utama)
    after.refresh_from_db()
    assert after.local_due_on == D(2026, 7, 16)  # 7 working days


def test_cuti_bersama_rule_applies_from_its_effective_date(settings):
    settings.WORKDAYS_CUTI_BERSAMA_IS_WORKING = False
    CutiBersamaRule.objects.create(
        effective_from=D(2026, 5, 1),
        counts_as_working_day=True,
        source="SE Bupati (contoh uji)",
    )
    assert is_working_day(D(2026, 3, 23)) is False  # before: the setting
    assert is_working_day(D(2026, 5, 15)) is True
    assert is_working_day(D(2026, 12, 24)) is True
    CutiBersamaRule.objects.create(
        effective_from=D(2026, 12, 1),
        counts_as_working_day=False,
        source="SE Bupati berikutnya (contoh uji)",
    )
    assert is_working_day(D(2026, 5, 15)) is True
    assert is_working_day(D(2026, 12, 24)) is False
    # A public holiday stays closed whatever the rule.
    assert is_working_day(D(2026, 5, 14)) is False


def test_saving_a_rule_in_the_admin_recomputes_open_requests(
    client, superuser, ppid_utama, on, django_capture_on_commit_callbacks
):
    on(D(2026, 3, 16))
    request = recorded(ppid_utama, D(2026, 3, 16))
    assert request.due_on == D(2026, 4, 7)
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:ppid_cutibersamarule_add"),
            {
                "effective_from": "2026-01-01",
                "counts_as_working_day": "on",
                "source": "SE Bupati (contoh uji)",
                "note": "",
            },
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.due_on == D(2026, 3, 31)
    assert AuditEvent.objects.filter(object_type="ppid.cutibersamarule").exists()


def test_saving_an_override_in_the_admin_recomputes_open_requests(
    client, superuser, ppid_utama, on, django_capture_on_commit_callbacks
):
    on(D(2026, 3, 16))
    request = recorded(ppid_utama, D(2026, 3, 16))
    assert request.due_on == D(2026, 4, 7)
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:ppid_calendaroverride_add"),
            {"date": "2026-03-30", "reason": "Libur daerah (contoh uji)", "source": ""},
        )
    assert response.status_code == 302
    request.refresh_from_db()
    # A working day fewer before the deadline: it moves a day later.
    assert request.due_on == D(2026, 4, 8)


# --- The holiday snapshot ------------------------------------------------------------


def _upgraded_package(monkeypatch, extra: dict) -> None:
    """What a newer ``holidays`` release would answer: ``extra`` days more."""
    original = workdays.package_holidays

    def newer(year):
        days = original(year)
        days.update({d: v for d, v in extra.items() if d.year == year})
        return days

    monkeypatch.setattr(workdays, "package_holidays", newer)


def test_2026_is_the_skb_list(settings):
    year = CalendarYear.objects.get(year=2026)
    assert year.source.startswith("SKB 3 Menteri")
    kinds = dict(year.days.values_list("date", "kind"))
    assert len(kinds) == 25
    assert kinds[D(2026, 3, 19)] == "public"
    assert kinds[D(2026, 3, 23)] == "cuti_bersama"
    # The SKB agrees with the package the portal pins.
    assert {d: k for d, (_n, k) in workdays.package_holidays(2026).items()} == kinds


def test_upgrading_holidays_moves_no_stored_deadline_until_the_admin_refreshes(
    client, superuser, ppid_utama, on, monkeypatch, django_capture_on_commit_callbacks
):
    on(D(2026, 3, 16))
    request = recorded(ppid_utama, D(2026, 3, 16))
    assert request.due_on == D(2026, 4, 7)
    # A new release declares Thursday 26 March a holiday.
    _upgraded_package(monkeypatch, {D(2026, 3, 26): ("Libur baru", "public")})
    assert rs.recompute_open_deadlines() == 0
    request.refresh_from_db()
    assert request.due_on == D(2026, 4, 7)
    assert is_working_day(D(2026, 3, 26)) is True
    assert recorded(ppid_utama, D(2026, 3, 16)).due_on == D(2026, 4, 7)
    # The admin takes the year again on purpose: open requests follow.
    client.force_login(superuser)
    year = CalendarYear.objects.get(year=2026)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:ppid_calendaryear_changelist"),
            {"action": "refresh_from_package", "_selected_action": [year.pk]},
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.due_on == D(2026, 4, 8)
    assert request.events.filter(
        action=RequestEvent.Action.DEADLINES_RECOMPUTED
    ).exists()
    year.refresh_from_db()
    assert year.source.startswith("holidays ")
    assert year.days.get(date=D(2026, 3, 26)).name == "Libur baru"
    assert AuditEvent.objects.filter(
        object_type="ppid.calendaryear", detail__days_changed=1
    ).exists()


def test_a_year_is_taken_from_the_package_the_first_time_it_is_used(monkeypatch):
    assert not CalendarYear.objects.filter(year=2030).exists()
    assert is_working_day(D(2030, 1, 1)) is False
    taken = CalendarYear.objects.get(year=2030)
    assert taken.source.startswith("holidays ")
    assert taken.days.filter(date=D(2030, 1, 1)).exists()
    _upgraded_package(monkeypatch, {D(2030, 1, 2): ("Libur baru", "public")})
    assert is_working_day(D(2030, 1, 2)) is True


def test_estimated_lunar_dates_are_marked():
    WorkingCalendar(D(2027, 1, 1), D(2027, 12, 31))
    estimated = CalendarYear.objects.get(year=2027).days.filter(is_estimate=True)
    assert estimated.exists()
    assert all("perkiraan" in day.name for day in estimated)


def test_a_snapshot_day_must_fall_in_its_year():
    from ppid.calendar.models import CalendarHoliday

    day = CalendarHoliday(
        calendar_year=CalendarYear.objects.get(year=2026),
        date=D(2027, 1, 1),
        name="Tahun Baru Masehi",
        kind="public",
    )
    with pytest.raises(ValidationError) as exc:
        day.full_clean()
    assert "date" in exc.value.message_dict
