"""The inbox's clocks on the working-day calendar (aspirations/inbox/clocks.py)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from aspirations.inbox import clocks
from ppid.calendar.models import CalendarOverride

pytestmark = pytest.mark.django_db


def at(day: str, time: str) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.fromisoformat("{}T{}".format(day, time))
    )


def test_first_response_is_one_office_day_and_skips_the_weekend():
    # Friday 15:00 → Monday 15:00: the weekend does not count.
    assert clocks.first_response_due(at("2026-12-04", "15:00")) == at(
        "2026-12-07", "15:00"
    )
    # Tuesday 09:00 → Wednesday 09:00.
    assert clocks.first_response_due(at("2026-12-08", "09:00")) == at(
        "2026-12-09", "09:00"
    )


def test_first_response_of_a_message_after_closing_counts_from_next_opening():
    # Received Tuesday 20:00: the clock starts Wednesday 07:30 and runs a
    # full office day (8.5 hours), to Wednesday 16:00.
    assert clocks.first_response_due(at("2026-12-08", "20:00")) == at(
        "2026-12-09", "16:00"
    )
    # Before opening: from 07:30 that day.
    assert clocks.first_response_due(at("2026-12-08", "05:00")) == at(
        "2026-12-08", "16:00"
    )


def test_a_holiday_stops_the_clock():
    CalendarOverride.objects.create(
        date=datetime.date(2026, 12, 9), is_working_day=False, reason="uji"
    )
    assert clocks.first_response_due(at("2026-12-08", "09:00")) == at(
        "2026-12-10", "09:00"
    )
    # Routing: 3 working days from Tuesday, the holiday skipped → Monday.
    assert clocks.routing_due(at("2026-12-08", "09:00")) == datetime.date(2026, 12, 14)


def test_literal_office_hours_setting(settings):
    settings.ASPIRATION_FIRST_RESPONSE_OFFICE_HOURS = 24
    # 24 office hours of 8.5 a day from Monday 07:30: Mon 8.5 + Tue 8.5 + 7 h Wed.
    assert clocks.first_response_due(at("2026-12-07", "07:30")) == at(
        "2026-12-09", "14:30"
    )


def test_lapor_periods():
    routed = at("2026-12-04", "10:00")  # a Friday
    assert clocks.follow_up_due(routed) == datetime.date(2026, 12, 11)
    assert clocks.auto_close_on(routed) == datetime.date(2026, 12, 18)
    # After closing on Friday the count starts Monday.
    assert clocks.routing_due(at("2026-12-04", "17:00")) == datetime.date(2026, 12, 10)


def test_flags():
    now = at("2026-12-08", "10:00")
    due = datetime.date(2026, 12, 9)
    assert clocks.flags(due, None, now) == (False, True)
    assert clocks.flags(datetime.date(2026, 12, 7), None, now) == (True, False)
    assert clocks.flags(datetime.date(2026, 12, 7), at("2026-12-07", "12:00"), now) == (
        False,
        False,
    )
    assert clocks.flags(at("2026-12-08", "09:00"), None, now) == (True, False)
    assert clocks.flags(None, None, now) == (False, False)
