"""Working-day arithmetic: the statutory examples, holidays, cuti bersama and
the admin overrides that beat both."""

from __future__ import annotations

import time
from datetime import date, datetime

import pytest

from ppid.calendar.models import CalendarOverride
from ppid.calendar.workdays import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db

MON_16_MAR_2026 = date(2026, 3, 16)
TUE_7_APR_2026 = date(2026, 4, 7)


def override(day: date, working: bool, reason: str = "test") -> CalendarOverride:
    return CalendarOverride.objects.create(
        date=day, is_working_day=working, reason=reason, source="SK Bupati"
    )


@pytest.fixture
def cuti_is_working(settings) -> None:
    settings.WORKDAYS_CUTI_BERSAMA_IS_WORKING = True


@pytest.fixture
def cuti_not_working(settings) -> None:
    settings.WORKDAYS_CUTI_BERSAMA_IS_WORKING = False


# The statutory examples.


def test_ten_working_days_across_idul_fitri(cuti_not_working) -> None:
    # 18-24 March 2026 is Nyepi, Idul Fitri and their cuti bersama; 3 April is
    # Good Friday.
    assert add_working_days(MON_16_MAR_2026, 10) == TUE_7_APR_2026


def test_ten_working_days_when_cuti_bersama_counts(cuti_is_working) -> None:
    assert add_working_days(MON_16_MAR_2026, 10) == date(2026, 3, 31)


def test_seven_more_working_days(cuti_not_working) -> None:
    assert add_working_days(TUE_7_APR_2026, 7) == date(2026, 4, 16)


def test_closing_override_moves_the_extension(cuti_not_working) -> None:
    override(date(2026, 4, 8), working=False, reason="Banjir")
    assert add_working_days(TUE_7_APR_2026, 7) == date(2026, 4, 17)


def test_opening_override_on_a_saturday(cuti_not_working) -> None:
    override(date(2026, 3, 28), working=True, reason="Hari kerja pengganti")
    assert add_working_days(MON_16_MAR_2026, 10) == date(2026, 4, 6)


# What counts as a working day.


@pytest.mark.parametrize("day", [date(2026, 3, 7), date(2026, 3, 8)])
def test_weekend_is_not_working(day: date) -> None:
    assert is_working_day(day) is False


def test_ordinary_weekday_is_working() -> None:
    assert is_working_day(date(2026, 3, 10)) is True


def test_independence_day_is_not_working(cuti_is_working) -> None:
    # A public holiday stays closed whatever the cuti bersama setting says.
    assert is_working_day(date(2026, 8, 17)) is False


def test_cuti_bersama_not_working_by_default(cuti_not_working) -> None:
    assert is_working_day(date(2026, 12, 24)) is False


def test_cuti_bersama_working_when_setting_on(cuti_is_working) -> None:
    assert is_working_day(date(2026, 12, 24)) is True


def test_explicit_argument_beats_the_setting(cuti_is_working) -> None:
    day = date(2026, 12, 24)
    calendar = WorkingCalendar(day, day, cuti_bersama_is_working=False)
    assert calendar.is_working_day(day) is False


def test_override_opens_a_cuti_bersama_day(cuti_not_working) -> None:
    override(date(2026, 12, 24), working=True, reason="Pelayanan tetap buka")
    assert is_working_day(date(2026, 12, 24)) is True


def test_override_closes_a_day_the_setting_opens(cuti_is_working) -> None:
    override(date(2026, 12, 24), working=False, reason="SK Bupati")
    assert is_working_day(date(2026, 12, 24)) is False


def test_override_closes_an_ordinary_weekday() -> None:
    override(date(2026, 3, 10), working=False, reason="Pilkada")
    assert is_working_day(date(2026, 3, 10)) is False


def test_override_opens_a_public_holiday() -> None:
    override(date(2026, 8, 17), working=True, reason="Piket")
    assert is_working_day(date(2026, 8, 17)) is True


def test_overrides_are_read_fresh_on_every_call() -> None:
    day = date(2026, 3, 10)
    assert is_working_day(day) is True
    override(day, working=False, reason="Keputusan baru")
    assert is_working_day(day) is False


# Adding and counting.


def test_add_zero_returns_start_even_on_a_holiday() -> None:
    assert add_working_days(date(2026, 8, 17), 0) == date(2026, 8, 17)
    calendar = WorkingCalendar(date(2026, 3, 7), date(2026, 3, 7))
    assert calendar.add(date(2026, 3, 7), 0) == date(2026, 3, 7)


def test_next_working_day_skips_weekend() -> None:
    assert add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 16)


def test_thirty_working_days_before(cuti_not_working) -> None:
    # Counted back by hand from Friday 10 July 2026, skipping 16 June (Tahun
    # Baru Islam), 1 June (Pancasila), 28 May (cuti bersama) and 27 May
    # (Idul Adha): the 30th working day before is Monday 25 May.
    assert add_working_days(date(2026, 7, 10), -30) == date(2026, 5, 25)


def test_thirty_working_days_before_when_cuti_bersama_counts(
    cuti_is_working,
) -> None:
    # As above, with 28 May counted: the 30th lands on Tuesday 26 May.
    assert add_working_days(date(2026, 7, 10), -30) == date(2026, 5, 26)


def test_one_working_day_before_skips_holiday_and_weekend() -> None:
    # Tuesday 18 August 2026, after Monday 17 August (Kemerdekaan).
    assert add_working_days(date(2026, 8, 18), -1) == date(2026, 8, 14)


def test_across_the_year_boundary(cuti_not_working) -> None:
    # 24 Dec cuti bersama, 25 Dec Natal, 1 Jan Tahun Baru.
    start = date(2026, 12, 23)
    assert add_working_days(start, 5) == date(2027, 1, 4)
    assert working_days_between(start, date(2027, 1, 4)) == 5
    assert add_working_days(date(2027, 1, 4), -5) == start


@pytest.fixture
def snapshots() -> None:
    """The years the query tests touch, taken once before they count."""
    WorkingCalendar(date(2026, 1, 1), date(2028, 12, 31))


def test_add_beyond_the_loaded_range_loads_its_overrides(
    snapshots, django_assert_num_queries
) -> None:
    override(date(2027, 1, 4), working=False, reason="Libur daerah")
    # The years' holidays, the overrides and the cuti bersama rules at once.
    with django_assert_num_queries(1):
        calendar = WorkingCalendar(date(2026, 12, 20), date(2026, 12, 24))
    # The walk leaves the loaded range, so it must load January's overrides
    # (and 2028, the spare year): 4 Jan closed by the override, 5 Jan is
    # Isra Mikraj.
    with django_assert_num_queries(1):
        assert calendar.add(date(2026, 12, 23), 5) == date(2027, 1, 6)


def test_add_backwards_beyond_the_loaded_range_loads_its_overrides() -> None:
    override(date(2026, 12, 31), working=False, reason="Libur daerah")
    calendar = WorkingCalendar(date(2027, 1, 4), date(2027, 1, 8))
    assert calendar.add(date(2027, 1, 4), -1) == date(2026, 12, 30)


@pytest.mark.parametrize(
    "start",
    [
        date(2026, 3, 13),  # just before Nyepi and Idul Fitri
        date(2026, 3, 21),  # a Saturday that is a holiday
        date(2026, 5, 13),  # Kenaikan, cuti bersama, Idul Adha in two weeks
        date(2026, 8, 17),  # a holiday
        date(2026, 12, 18),  # across the year end
    ],
)
def test_count_between_inverts_add(start: date) -> None:
    calendar = WorkingCalendar(start, start.replace(year=start.year + 1))
    for n in range(41):
        later = calendar.add(start, n)
        assert calendar.count_between(start, later) == n, (start, n, later)
        if n:
            # Backwards, ``earlier`` is itself counted by ``add`` but excluded
            # by count_between, while ``start`` is the other way round.
            earlier = calendar.add(start, -n)
            expected = n - 1 + calendar.is_working_day(start)
            assert calendar.count_between(earlier, start) == expected, (start, -n)


def test_count_between_is_zero_for_empty_or_reversed_ranges() -> None:
    day = date(2026, 3, 10)
    assert working_days_between(day, day) == 0
    assert working_days_between(day, date(2026, 3, 1)) == 0


def test_count_between_excludes_start_includes_end() -> None:
    # Monday to Friday of an ordinary week: Tuesday through Friday count.
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 6)) == 4


def test_count_between_sees_overrides() -> None:
    override(date(2026, 3, 7), working=True, reason="Hari kerja pengganti")
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 9)) == 6


# Queries and speed.


def test_calendar_loads_its_range_in_one_query(
    snapshots, django_assert_num_queries
) -> None:
    override(date(2026, 3, 28), working=True)
    override(date(2026, 4, 8), working=False)
    with django_assert_num_queries(1):
        calendar = WorkingCalendar(date(2026, 3, 1), date(2026, 12, 31))
    with django_assert_num_queries(0):
        assert calendar.add(MON_16_MAR_2026, 10) == date(2026, 4, 6)
        assert calendar.is_working_day(date(2026, 4, 8)) is False
        assert calendar.count_between(date(2026, 3, 1), date(2026, 12, 1)) > 150
        assert calendar.holiday_name(date(2026, 4, 8)) == "test"


def test_thousand_additions_are_fast() -> None:
    calendar = WorkingCalendar(date(2026, 1, 1), date(2027, 12, 31))
    starts = [
        date.fromordinal(date(2026, 1, 1).toordinal() + i % 600) for i in range(1000)
    ]
    began = time.perf_counter()
    for start in starts:
        calendar.add(start, 10)
    assert time.perf_counter() - began < 1.0


# Names.


def test_holiday_name_is_indonesian() -> None:
    calendar = WorkingCalendar(date(2026, 12, 1), date(2026, 12, 31))
    assert "Natal" in calendar.holiday_name(date(2026, 12, 25))
    assert "Kemerdekaan" in WorkingCalendar(
        date(2026, 8, 17), date(2026, 8, 17)
    ).holiday_name(date(2026, 8, 17))


def test_holiday_name_of_cuti_bersama_follows_the_setting(settings) -> None:
    day = date(2026, 12, 24)
    settings.WORKDAYS_CUTI_BERSAMA_IS_WORKING = False
    assert "Cuti Bersama" in WorkingCalendar(day, day).holiday_name(day)
    settings.WORKDAYS_CUTI_BERSAMA_IS_WORKING = True
    assert WorkingCalendar(day, day).holiday_name(day) is None


def test_holiday_name_is_none_on_ordinary_days_and_weekends() -> None:
    calendar = WorkingCalendar(date(2026, 3, 1), date(2026, 3, 31))
    assert calendar.holiday_name(date(2026, 3, 10)) is None
    assert calendar.holiday_name(date(2026, 3, 7)) is None


def test_holiday_name_gives_the_override_reason() -> None:
    override(date(2026, 3, 10), working=False, reason="Pilkada serentak")
    override(date(2026, 12, 25), working=False, reason="Natal (SK Bupati)")
    calendar = WorkingCalendar(date(2026, 3, 1), date(2026, 12, 31))
    assert calendar.holiday_name(date(2026, 3, 10)) == "Pilkada serentak"
    assert calendar.holiday_name(date(2026, 12, 25)) == "Natal (SK Bupati)"


def test_holiday_name_is_none_for_an_opened_holiday() -> None:
    override(date(2026, 8, 17), working=True, reason="Piket")
    calendar = WorkingCalendar(date(2026, 8, 1), date(2026, 8, 31))
    assert calendar.holiday_name(date(2026, 8, 17)) is None


def test_datetimes_are_rejected() -> None:
    with pytest.raises(TypeError):
        is_working_day(datetime(2026, 3, 10, 9, 0))  # noqa: DTZ001
