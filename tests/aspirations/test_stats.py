"""The inbox's figures per OPD and month, and the public statistics page:
counts on a hand-built August 2026 with a holiday, the median first
response in office hours, on time against late, the row of cases not yet
routed, and no personal data on the page or in its CSV."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from aspirations.inbox import clocks
from aspirations.inbox.models import Case
from aspirations.stats import selectors
from ppid.calendar.models import CalendarOverride
from tests.aspirations.stats_scenario import (
    AUGUST,
    CITIZEN_NAME,
    CITIZEN_PHONE,
    CITIZEN_TEXT,
    build_august,
    local,
    mover,
    stub_sending,
)
from tests.factories import OpdFactory

pytestmark = pytest.mark.django_db
HOURS = datetime.timedelta(hours=1)


# --- Office time ----------------------------------------------------------------


def test_office_time_skips_nights_weekends_and_holidays():
    # Friday 14 August 15:00 to Tuesday 18 at 10:00: one hour on Friday,
    # the weekend and Monday 17 (Hari Kemerdekaan) closed, 2.5 on Tuesday.
    assert clocks.office_time_between(local(14, 15), local(18, 10)) == 3.5 * HOURS


def test_office_time_counts_a_working_day_a_calendar_override_closes():
    CalendarOverride.objects.create(
        date=datetime.date(2026, 8, 19), is_working_day=False, reason="Cuti lokal"
    )
    # Tuesday 18 at 15:00 to Thursday 20 at 08:30: 1 + 0 + 1 hours.
    assert clocks.office_time_between(local(18, 15), local(20, 8, 30)) == 2 * HOURS


def test_office_time_outside_office_hours_is_nothing():
    assert clocks.office_time_between(local(18, 17), local(19, 7)) == 0 * HOURS
    assert clocks.office_time_between(local(19, 9), local(18, 9)) == 0 * HOURS
    # Saturday to Sunday.
    assert clocks.office_time_between(local(15, 8), local(16, 15)) == 0 * HOURS


def test_office_time_is_the_inverse_of_adding_office_time():
    start = local(14, 15)
    due = clocks.first_response_due(start)
    assert due == local(18, 15)
    assert clocks.office_time_between(start, due) == 8.5 * HOURS


# --- The month's figures ---------------------------------------------------------------


@pytest.fixture
def at(monkeypatch):
    return mover(monkeypatch)


@pytest.fixture
def august(at, monkeypatch):
    stub_sending(monkeypatch)
    return build_august(at)


def rows_by_name(rows):
    return {row.short_name or "unrouted": row for row in rows}


def test_the_figures_of_a_hand_built_month(august):
    rows = selectors.monthly_figures(AUGUST)
    # The OPDs by name, then the cases not yet routed.
    assert [row.short_name for row in rows] == ["DINKES", "DINHUB", ""]
    assert rows[-1].is_unrouted and rows[-1].opd_id is None
    found = rows_by_name(rows)

    dinkes = found["DINKES"]
    assert (dinkes.received, dinkes.routed, dinkes.routed_on_time) == (3, 3, 3)
    # Followed up: on time (the 21st, due the 24th) and late (the 12th, due
    # the 10th); the portal case never, past its clock and still open.
    assert (dinkes.answered, dinkes.answered_on_time) == (2, 1)
    assert dinkes.follow_up_missed == 1
    assert dinkes.answered_on_time_share == Decimal(1) / 3
    # 1×24 jam: the WhatsApp message over the holiday weekend in time, the
    # Instagram comment late; the portal's form has no such clock.
    assert dinkes.first_response_clocked == 2
    assert (dinkes.first_response_on_time, dinkes.first_response_judged) == (1, 2)
    assert dinkes.first_response_on_time_share == Decimal("0.5")
    # 3.5, 17 and 4 office hours.
    assert dinkes.first_responded == 3
    assert dinkes.median_first_response == 4 * HOURS
    assert dinkes.median_first_response_hours == Decimal("4.0")
    assert (dinkes.closed, dinkes.open, dinkes.overdue) == (1, 2, 1)

    dinhub = found["DINHUB"]
    assert (dinhub.received, dinhub.routed, dinhub.answered) == (2, 2, 0)
    assert (dinhub.converted_ppid, dinhub.referred_lapor) == (1, 1)
    # Both left the inbox unanswered: judged elsewhere, not here.
    assert dinhub.first_response_judged == 0 and dinhub.follow_up_missed == 0
    assert dinhub.answered_on_time_share is None
    assert dinhub.median_first_response is None
    assert (dinhub.open, dinhub.overdue) == (0, 0)

    unrouted = found["unrouted"]
    assert (unrouted.received, unrouted.routed, unrouted.archived) == (2, 0, 1)
    assert (unrouted.open, unrouted.overdue) == (1, 1)
    assert unrouted.first_response_judged == 1
    assert unrouted.first_response_on_time == 0


def test_the_month_is_counted_in_local_time(august):
    # 31 July 23:00 and 1 September 00:30 in Purbalingga fall outside
    # August, though 1 September 00:30 is still 31 August in UTC.
    received = sum(row.received for row in selectors.monthly_figures(AUGUST))
    assert received == 7
    september = selectors.monthly_figures(datetime.date(2026, 9, 1))
    assert september[-1].received == 1


def test_routed_late_is_not_routed_on_time(august, at):
    late = Case.objects.get(pk=august.unrouted.pk)
    at(local(27, 9))
    from aspirations.inbox import services

    services.route(case=late, by=august.coordinator, opd=august.dinhub)
    found = rows_by_name(selectors.monthly_figures(AUGUST))
    assert (found["DINHUB"].routed, found["DINHUB"].routed_on_time) == (3, 2)


def test_figures_for_chosen_opds_have_a_row_even_without_cases(august):
    quiet = OpdFactory(short_name="DINSOS", name="Dinas Sosial")
    rows = selectors.monthly_figures(AUGUST, opds=[august.dinkes, quiet])
    assert [row.short_name for row in rows] == ["DINKES", "DINSOS"]
    assert rows[0].received == 3 and rows[1].received == 0
    assert rows[1].median_first_response is None


def test_the_figures_take_a_fixed_number_of_queries(
    august, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3 + 1):
        selectors.month_statistics(AUGUST)


def test_the_regency_total_sums_the_rows_and_takes_the_median_of_every_wait(
    august,
):
    stats = selectors.month_statistics(AUGUST)
    total = stats.total
    assert total.is_total and total.received == 7
    assert (total.closed, total.overdue, total.archived) == (1, 2, 1)
    assert total.median_first_response == 4 * HOURS
    channels = {t.code: t.count for t in stats.by_channel}
    assert channels == {
        "whatsapp": 3,
        "instagram_comment": 1,
        "instagram_message": 0,
        "facebook_comment": 1,
        "messenger": 0,
        "youtube_comment": 1,
        "tiktok_comment": 0,
        "portal": 1,
    }
    topics = [(t.code, t.count) for t in stats.by_topic]
    # As the triage read them: six about a road, one it could not place.
    assert topics == [("roads", 6), ("other", 1)]


def test_the_months_to_pick_run_from_the_first_case_to_this_one(august):
    months = selectors.months_with_cases(datetime.date(2026, 10, 5))
    assert months == [
        datetime.date(2026, 10, 1),
        datetime.date(2026, 9, 1),
        datetime.date(2026, 8, 1),
        datetime.date(2026, 7, 1),
    ]


# --- The public page ------------------------------------------------------------------


def page(client, month="2026-08", **params):
    return client.get(reverse("aspirations:stats"), {"bulan": month, **params})


def test_the_public_page_shows_the_figures_per_opd(august, client):
    response = page(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dinas Kesehatan" in html and "Dinas Perhubungan" in html
    stats = response.context["stats"]
    assert stats.month == AUGUST and stats.total.received == 7
    assert "<caption" in html and 'scope="col"' in html


def test_the_public_page_shows_no_personal_data(august, client):
    html = page(client).content.decode()
    csv = client.get(reverse("aspirations:stats-csv"), {"bulan": "2026-08"})
    body = csv.content.decode("utf-8-sig")
    for text in (html, body):
        assert CITIZEN_NAME not in text
        assert CITIZEN_PHONE not in text and "••" not in text
        assert CITIZEN_TEXT not in text
        assert "Promo pinjaman" not in text
        for case in Case.objects.all():
            assert case.number not in text
            assert case.title not in text


def test_the_csv_has_a_row_per_opd_the_unrouted_and_the_total(august, client):
    response = client.get(reverse("aspirations:stats-csv"), {"bulan": "2026-08"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "statistik-aspirasi-2026-08.csv" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 4
    assert lines[1].startswith("Dinas Kesehatan,3,3,3,2,1,")


def test_a_month_not_in_the_list_is_not_found(august, client):
    assert page(client, "2027-01").status_code == 404
    assert page(client, "2026-13").status_code == 404
    assert page(client, "kemarin").status_code == 404


def test_without_a_month_the_page_shows_this_month(august, client):
    response = client.get(reverse("aspirations:stats"))
    assert response.status_code == 200
    assert response.context["stats"].month == datetime.date(2026, 9, 1)


def test_the_page_works_before_any_case(client, db):
    response = client.get(reverse("aspirations:stats"))
    assert response.status_code == 200
    assert response.context["stats"].total.received == 0


def test_visitors_get_the_page_from_the_cache(
    august, client, django_assert_num_queries
):
    first = page(client)
    with django_assert_num_queries(0):
        again = page(client)
    assert again.content == first.content
