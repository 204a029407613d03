"""The inbox's clocks, on the portal's working-day calendar.

Every limit is a setting with its source (config/settings.py, "Aspiration
inbox"): the first response (1×24 jam of the Matur Mas Bupati SOP, in office
hours on working days), SP4N-LAPOR!'s routing (3 working days), the OPD's
follow-up (5) and the automatic close (10 without a reply from the citizen).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from ppid.calendar.workdays import WorkingCalendar

# A year of calendar is plenty for any of these limits; loaded once per call.
_SPAN = datetime.timedelta(days=60)


def _calendar(day: datetime.date) -> WorkingCalendar:
    return WorkingCalendar(day - datetime.timedelta(days=7), day + _SPAN)


def _office() -> tuple[datetime.time, datetime.time]:
    return settings.ASPIRATION_OFFICE_HOURS


def _office_day() -> datetime.timedelta:
    opens, closes = _office()
    return datetime.datetime.combine(
        datetime.date.min, closes
    ) - datetime.datetime.combine(datetime.date.min, opens)


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def counted_from(
    at: datetime.datetime, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The working day a message counts as received: that day if it came on a
    working day before closing, else the next working day (like the PPID's
    requests, ``ppid.requests.services.clock_start``)."""
    local = timezone.localtime(at)
    day = local.date()
    calendar = calendar or _calendar(day)
    if calendar.is_working_day(day) and local.time() < _office()[1]:
        return day
    return calendar.add(day, 1)


def add_office_time(
    at: datetime.datetime,
    amount: datetime.timedelta,
    calendar: WorkingCalendar | None = None,
) -> datetime.datetime:
    """``at`` plus ``amount`` of office time: only the hours the office is
    open on working days count."""
    opens, closes = _office()
    local = timezone.localtime(at)
    day = local.date()
    calendar = calendar or _calendar(day)
    remaining = amount
    # Start at the first open moment at or after ``at``.
    if not calendar.is_working_day(day) or local.time() >= closes:
        day = calendar.add(day, 1)
        cursor = _at(day, opens)
    elif local.time() < opens:
        cursor = _at(day, opens)
    else:
        cursor = local
    while True:
        left_today = _at(day, closes) - cursor
        if remaining <= left_today:
            return cursor + remaining
        remaining -= left_today
        day = calendar.add(day, 1)
        cursor = _at(day, opens)


def office_time_between(
    start: datetime.datetime,
    end: datetime.datetime,
    calendar: WorkingCalendar | None = None,
) -> datetime.timedelta:
    """The office time from ``start`` to ``end``: only the hours the office
    is open on working days count (the inverse of ``add_office_time``);
    nothing when ``end`` is not after ``start``."""
    if end <= start:
        return datetime.timedelta()
    opens, closes = _office()
    first = timezone.localtime(start)
    last = timezone.localtime(end)
    day = first.date()
    calendar = calendar or WorkingCalendar(day, last.date())
    total = datetime.timedelta()
    while day <= last.date():
        if calendar.is_working_day(day):
            low = max(first, _at(day, opens))
            high = min(last, _at(day, closes))
            if high > low:
                total += high - low
        day += datetime.timedelta(days=1)
    return total


def first_response_due(
    received_at: datetime.datetime, calendar: WorkingCalendar | None = None
) -> datetime.datetime:
    """When the first response is due (1×24 jam in office time)."""
    hours = settings.ASPIRATION_FIRST_RESPONSE_OFFICE_HOURS
    amount = datetime.timedelta(hours=hours) if hours else _office_day()
    return add_office_time(received_at, amount, calendar)


def routing_due(
    received_at: datetime.datetime, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The last working day to verify and route (disposisi) a case."""
    calendar = calendar or _calendar(timezone.localdate(received_at))
    start = counted_from(received_at, calendar)
    return calendar.add(start, settings.ASPIRATION_ROUTING_WORKING_DAYS)


def follow_up_due(
    since: datetime.datetime, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The last working day for the OPD's follow-up, counted from ``since``
    (the first routing: a case sent back as "not ours" keeps its clock)."""
    calendar = calendar or _calendar(timezone.localdate(since))
    start = counted_from(since, calendar)
    return calendar.add(start, settings.ASPIRATION_FOLLOW_UP_WORKING_DAYS)


def auto_close_on(
    answered_at: datetime.datetime, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The working day a followed-up case closes if the citizen stays silent."""
    calendar = calendar or _calendar(timezone.localdate(answered_at))
    start = counted_from(answered_at, calendar)
    return calendar.add(start, settings.ASPIRATION_AUTO_CLOSE_WORKING_DAYS)


@dataclass(frozen=True)
class Clock:
    """One deadline of a case as a page shows it."""

    name: str
    due: datetime.date | datetime.datetime
    met_at: datetime.datetime | None
    overdue: bool
    due_soon: bool


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def flags(
    due: datetime.date | datetime.datetime | None,
    met_at: datetime.datetime | None,
    now: datetime.datetime,
    calendar: WorkingCalendar | None = None,
) -> tuple[bool, bool]:
    """(overdue, due soon) of one deadline, as of ``now``."""
    if due is None:
        return False, False
    if isinstance(due, datetime.datetime):
        late = (met_at or now) > due
    else:
        late = timezone.localdate(met_at or now) > due
    if met_at is not None:
        return late, False
    if late:
        return True, False
    today = timezone.localdate(now)
    calendar = calendar or _calendar(today)
    soon = calendar.count_between(today, _as_date(due)) <= (
        settings.ASPIRATION_DUE_SOON_WORKING_DAYS
    )
    return False, soon
