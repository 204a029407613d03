"""Working days (hari kerja) for the deadlines of UU 14/2008.

A working day is Monday to Friday, minus national public holidays and, unless
``settings.WORKDAYS_CUTI_BERSAMA_IS_WORKING`` is on, minus cuti bersama. A
``CalendarOverride`` row beats all of that, weekends included, because late
decrees and local decisions arrive after the ``holidays`` package is released.

The day something is received is not counted: N working days after a date is
the N-th working day strictly after it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

import holidays
from django.conf import settings

from ppid.calendar.models import CalendarOverride

__all__ = [
    "WorkingCalendar",
    "add_working_days",
    "is_working_day",
    "working_days_between",
]

_ONE_DAY = datetime.timedelta(days=1)
# A year without a single working day can only be a data-entry mistake in the
# overrides; stopping there keeps a walk from running forever.
_MAX_IDLE_DAYS = 366
# Extending a calendar costs a query, so it grows by a generous step at once
# instead of one day at a time during a walk.
_MIN_EXTENSION_DAYS = 90


@lru_cache(maxsize=64)
def _national_holidays(
    year: int, categories: tuple[str, ...]
) -> Mapping[datetime.date, str]:
    """The Indonesian holidays of one year and categories, as read-only data."""
    # Cached per year rather than per range of years, so calendars over
    # overlapping ranges share entries; read-only because the cache is shared.
    calendar = holidays.country_holidays(
        "ID", years=year, categories=categories, language="id"
    )
    return MappingProxyType(dict(calendar.items()))


def _require_date(value: datetime.date) -> datetime.date:
    """Reject datetimes, which never compare equal to the dates used as keys."""
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError("expected a datetime.date, got {!r}".format(value))
    return value


def _span_for(days: int) -> datetime.timedelta:
    """Calendar days that comfortably hold ``days`` working days."""
    # Idul Fitri with its cuti bersama closes offices for about two weeks;
    # three calendar days per working day plus two months covers it.
    return datetime.timedelta(days=abs(days) * 3 + 60)


class WorkingCalendar:
    """Working days between two dates, with the overrides of that range loaded once."""

    def __init__(
        self,
        start: datetime.date,
        end: datetime.date,
        *,
        cuti_bersama_is_working: bool | None = None,
    ) -> None:
        """Load the holidays and the overrides of [start, end] in one query."""
        start, end = _require_date(start), _require_date(end)
        if cuti_bersama_is_working is None:
            cuti_bersama_is_working = getattr(
                settings, "WORKDAYS_CUTI_BERSAMA_IS_WORKING", False
            )
        # Cuti bersama lives in the ``government`` category only.
        self._categories: tuple[str, ...] = (
            ("public",) if cuti_bersama_is_working else ("public", "government")
        )
        self._start = min(start, end)
        self._end = max(start, end)
        self._holidays: dict[datetime.date, str] = {}
        self._overrides: dict[datetime.date, tuple[bool, str]] = {}
        self._load()

    def _load(self) -> None:
        """(Re)load holidays and overrides for the current range."""
        merged: dict[datetime.date, str] = {}
        # One spare year past ``end`` as a safety margin; it costs almost
        # nothing because each year's holidays are cached.
        for year in range(self._start.year, self._end.year + 2):
            merged.update(_national_holidays(year, self._categories))
        self._holidays = merged
        # Never cached beyond this object: admins edit overrides at any time.
        rows = (
            CalendarOverride.objects.filter(date__range=(self._start, self._end))
            .order_by()
            .values_list("date", "is_working_day", "reason")
        )
        self._overrides = {day: (working, reason) for day, working, reason in rows}

    def _cover(
        self,
        low: datetime.date,
        high: datetime.date,
        margin: datetime.timedelta = datetime.timedelta(),
    ) -> None:
        """Extend the loaded range over [low, high], with ``margin`` to spare."""
        if self._start <= low and high <= self._end:
            return
        margin = max(margin, datetime.timedelta(days=_MIN_EXTENSION_DAYS))
        # Only the side that falls short grows; both at once cost one reload.
        if low < self._start:
            self._start = low - margin
        if high > self._end:
            self._end = high + margin
        self._load()

    def _is_working(self, day: datetime.date) -> bool:
        """Whether ``day`` is a working day; ``day`` must be in the loaded range."""
        override = self._overrides.get(day)
        if override is not None:
            return override[0]
        return day.weekday() < 5 and day not in self._holidays

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether ``day`` is a working day."""
        day = _require_date(day)
        self._cover(day, day)
        return self._is_working(day)

    def holiday_name(self, day: datetime.date) -> str | None:
        """The Indonesian holiday name, a closing override's reason, or None."""
        day = _require_date(day)
        self._cover(day, day)
        override = self._overrides.get(day)
        if override is not None:
            working, reason = override
            # A day an override opens is not a holiday, whatever it replaced.
            return None if working else reason
        return self._holidays.get(day)

    def add(self, start: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day after ``start`` (before it if negative)."""
        start = _require_date(start)
        if days == 0:
            return start
        step = _ONE_DAY if days > 0 else -_ONE_DAY
        remaining = abs(days)
        day = start
        idle = 0
        while remaining:
            day += step
            if not self._start <= day <= self._end:
                self._cover(day, day, _span_for(remaining))
            if self._is_working(day):
                remaining -= 1
                idle = 0
            else:
                idle += 1
                if idle > _MAX_IDLE_DAYS:
                    raise ValueError(
                        "no working day within {} days of {}; check the "
                        "calendar overrides".format(_MAX_IDLE_DAYS, day.isoformat())
                    )
        return day

    def count_between(self, start: datetime.date, end: datetime.date) -> int:
        """The number of working days in (start, end]; 0 if end <= start."""
        start, end = _require_date(start), _require_date(end)
        if end <= start:
            return 0
        first = start + _ONE_DAY
        self._cover(first, end)
        count = 0
        day = first
        while day <= end:
            if self._is_working(day):
                count += 1
            day += _ONE_DAY
        return count


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` (before it if negative)."""
    start = _require_date(start)
    span = _span_for(days)
    if days >= 0:
        calendar = WorkingCalendar(start, start + span)
    else:
        calendar = WorkingCalendar(start - span, start)
    return calendar.add(start, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days in (start, end]; 0 if end <= start."""
    start, end = _require_date(start), _require_date(end)
    if end <= start:
        return 0
    return WorkingCalendar(start, end).count_between(start, end)


def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a working day."""
    day = _require_date(day)
    return WorkingCalendar(day, day).is_working_day(day)
