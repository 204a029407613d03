"""Working days (hari kerja) for the deadlines of UU 14/2008.

A working day is Monday to Friday, minus national public holidays and minus
cuti bersama unless the rule in force on that day (``CutiBersamaRule``, or
before the first rule ``settings.WORKDAYS_CUTI_BERSAMA_IS_WORKING``) counts
it as a working day. A ``CalendarOverride`` row beats all of that, weekends
included, because late decrees and local decisions arrive after the
``holidays`` package is released.

The holidays are read from a snapshot per year (``CalendarYear``), taken
from the ``holidays`` package the first time a year is used: upgrading the
package never moves a stored deadline (domain.md §8). ``refresh_snapshot``
takes a year again on purpose; the admin then recomputes open requests.

The day something is received is not counted: N working days after a date is
the N-th working day strictly after it.
"""

from __future__ import annotations

import bisect
import datetime
from functools import lru_cache

import holidays
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.utils import timezone

from ppid.calendar.models import (
    CalendarHoliday,
    CalendarOverride,
    CalendarYear,
    CutiBersamaRule,
)

__all__ = [
    "WorkingCalendar",
    "add_working_days",
    "is_working_day",
    "package_holidays",
    "refresh_snapshot",
    "working_days_between",
]

_ONE_DAY = datetime.timedelta(days=1)
# A year without a single working day can only be a data-entry mistake in the
# overrides; stopping there keeps a walk from running forever.
_MAX_IDLE_DAYS = 366
# Extending a calendar costs a query, so it grows by a generous step at once
# instead of one day at a time during a walk.
_MIN_EXTENSION_DAYS = 90

PUBLIC = CalendarHoliday.Kind.PUBLIC
CUTI_BERSAMA = CalendarHoliday.Kind.CUTI_BERSAMA
# Tags of the calendar's one query besides the holiday kinds.
_OVERRIDE = "override"
_RULE = "rule"
# The package's categories: cuti bersama lives in ``government`` only
# (domain.md §7.2).
_PACKAGE_CATEGORIES = (("public", PUBLIC), ("government", CUTI_BERSAMA))


def package_holidays(year: int) -> dict[datetime.date, tuple[str, str]]:
    """The ``holidays`` package's days of ``year``: ``{day: (name, kind)}``.

    Read only when a year's snapshot is taken; a public holiday wins over a
    cuti bersama on the same day.
    """
    return dict(_package_days(year, _package_source()))


@lru_cache(maxsize=32)
def _package_days(
    year: int, version: str
) -> tuple[tuple[datetime.date, tuple[str, str]], ...]:
    # The installed package's answer never changes while a process runs;
    # keyed by its version all the same.
    days: dict[datetime.date, tuple[str, str]] = {}
    for category, kind in _PACKAGE_CATEGORIES:
        calendar = holidays.country_holidays(
            "ID", years=year, categories=(category,), language="id"
        )
        for day, name in calendar.items():
            days.setdefault(day, (name, kind))
    return tuple(sorted(days.items()))


def _package_source() -> str:
    return "holidays {}".format(getattr(holidays, "__version__", "?"))


def _holiday_rows(
    record: CalendarYear, days: dict[datetime.date, tuple[str, str]]
) -> list[CalendarHoliday]:
    return [
        CalendarHoliday(
            calendar_year=record,
            date=day,
            name=name[:200],
            kind=kind,
            # The package marks lunar dates not yet decreed "(perkiraan)".
            is_estimate="perkiraan" in name.lower(),
        )
        for day, (name, kind) in sorted(days.items())
    ]


def _take_snapshot(year: int) -> dict[datetime.date, tuple[str, str]]:
    """Store ``year`` from the package the first time it is used."""
    days = package_holidays(year)
    try:
        with transaction.atomic():
            record = CalendarYear.objects.create(year=year, source=_package_source())
            CalendarHoliday.objects.bulk_create(_holiday_rows(record, days))
    except IntegrityError:
        # Another process took the year first: count with its snapshot.
        return {
            day: (name, kind)
            for day, name, kind in CalendarHoliday.objects.filter(
                calendar_year__year=year
            ).values_list("date", "name", "kind")
        }
    return days


@transaction.atomic
def refresh_snapshot(year: int) -> int:
    """Take ``year`` again from the installed package, replacing what is
    stored; return how many days were added, removed or changed.

    Deadlines already stored do not move by this alone: the caller
    recomputes the open requests (``recompute_open_deadlines``).
    """
    days = package_holidays(year)
    record, _created = CalendarYear.objects.select_for_update().get_or_create(
        year=year, defaults={"source": _package_source()}
    )
    before = {
        day: (name, kind)
        for day, name, kind in record.days.values_list("date", "name", "kind")
    }
    changed = {day for day, _value in set(before.items()) ^ set(days.items())}
    record.days.all().delete()
    CalendarHoliday.objects.bulk_create(_holiday_rows(record, days))
    record.source = _package_source()
    record.taken_at = timezone.now()
    record.save(update_fields=["source", "taken_at"])
    return len(changed)


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
    """Working days between two dates, with the data of that range loaded once."""

    def __init__(
        self,
        start: datetime.date,
        end: datetime.date,
        *,
        cuti_bersama_is_working: bool | None = None,
    ) -> None:
        """Load the holidays, the overrides and the cuti bersama rules of
        [start, end] in one query, plus the writes of a year's snapshot the
        first time it is used."""
        start, end = _require_date(start), _require_date(end)
        # An explicit answer beats the rules and the setting.
        self._cuti_fixed = cuti_bersama_is_working
        self._start = min(start, end)
        self._end = max(start, end)
        self._years: set[int] = set()
        self._holidays: dict[datetime.date, tuple[str, str]] = {}
        self._overrides: dict[datetime.date, tuple[bool, str]] = {}
        # (in force from, counts as working), the oldest first.
        self._rules: list[tuple[datetime.date, bool]] = []
        self._load()

    def _load(self) -> None:
        """(Re)load what the current range needs in one query: the holidays
        of the years not yet loaded, the range's overrides and the rules."""
        # The range's years, taken if never used before, and one spare year
        # past ``end`` if already taken: a walk that leaves the range then
        # rarely needs another query.
        spare = self._end.year + 1
        years = [
            year
            for year in range(self._start.year, spare + 1)
            if year not in self._years
        ]
        # Never cached beyond this object: admins edit overrides, rules and
        # snapshots at any time. All three are (day, working, text, tag)
        # rows, read together.
        parts = [
            CalendarOverride.objects.filter(date__range=(self._start, self._end))
            .order_by()
            .annotate(tag=Value(_OVERRIDE))
            .values_list("date", "is_working_day", "reason", "tag"),
            CutiBersamaRule.objects.order_by()
            .annotate(tag=Value(_RULE))
            .values_list("effective_from", "counts_as_working_day", "source", "tag"),
        ]
        if years:
            parts.append(
                CalendarHoliday.objects.filter(calendar_year__year__in=years)
                .order_by()
                .annotate(working=Value(False))
                .values_list("date", "working", "name", "kind")
            )
        self._overrides = {}
        self._rules = []
        found: set[int] = set()
        for day, working, text, tag in parts[0].union(*parts[1:], all=True):
            if tag == _OVERRIDE:
                self._overrides[day] = (working, text)
            elif tag == _RULE:
                self._rules.append((day, working))
            else:
                self._holidays[day] = (text, tag)
                found.add(day.year)
        self._rules.sort()
        # A year with no day stored was never taken (every year has New
        # Year's Day; one emptied by hand is simply tried again).
        for year in years:
            if year not in found and year != spare:
                self._holidays.update(_take_snapshot(year))
                found.add(year)
        self._years.update(found)

    def _cuti_is_working(self, day: datetime.date) -> bool:
        """Whether a cuti bersama on ``day`` is a working day: the rule in
        force that day, else the setting (domain.md §7.1, §9 point 3)."""
        if self._cuti_fixed is not None:
            return self._cuti_fixed
        index = bisect.bisect_right(self._rules, (day, True))
        if index:
            return self._rules[index - 1][1]
        return getattr(settings, "WORKDAYS_CUTI_BERSAMA_IS_WORKING", False)

    def _closed_by(self, day: datetime.date) -> str | None:
        """The holiday that closes ``day``, or None (overrides aside)."""
        holiday = self._holidays.get(day)
        if holiday is None:
            return None
        name, kind = holiday
        if kind == CUTI_BERSAMA and self._cuti_is_working(day):
            return None
        return name

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
        return day.weekday() < 5 and self._closed_by(day) is None

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
        return self._closed_by(day)

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
