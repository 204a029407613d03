"""Excluded information over time: when it opens, what may still cite it, the
reminders before its end, and the checks on a decision (issue 17: 2, 3, 10)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone, translation

from config.env import EnvError, env_int_map
from opds import permissions as perms
from ppid.calendar.workdays import WorkingCalendar, add_working_days
from ppid.catalogue import selectors, services, tasks
from ppid.catalogue.models import (
    Category,
    ExclusionDecision,
    InformationItem,
    ItemChange,
)
from ppid.requests import services as request_services
from ppid.requests.selectors import citable_exclusions
from tests.factories import (
    ExclusionDecisionFactory,
    UserFactory,
    exclusion_data,
    item_data,
)

pytestmark = pytest.mark.django_db
ONE_DAY = datetime.timedelta(days=1)


def _today() -> datetime.date:
    return timezone.localdate()


def _ended_yesterday(opd, **overrides) -> ExclusionDecision:
    return ExclusionDecisionFactory(
        item__opd=opd,
        period_start=_today() - datetime.timedelta(days=400),
        period_end=_today() - ONE_DAY,
        **overrides,
    )


# --- 2. Ended exclusions open --------------------------------------------------


def test_an_exclusion_past_its_end_is_public_after_the_daily_job(client, opd):
    ended = _ended_yesterday(opd, item__title="Data Pasien Kasus TBC 2024")
    # The last excluded day is the end date itself: still closed today.
    ends_today = ExclusionDecisionFactory(
        item__opd=opd, period_end=_today(), item__title="Rekam Medis Pegawai"
    )

    assert tasks.open_ended_exclusions_task() == 1

    item = InformationItem.objects.get(pk=ended.item_id)
    ended.refresh_from_db()
    assert item.category == Category.SETIAP_SAAT
    assert item.status == InformationItem.Status.PUBLISHED
    assert item.is_public
    assert ended.opened_at is not None and ended.opened_by is None
    assert ended.opened_on_expiry
    change = item.changes.get(action=ItemChange.Action.OPENED)
    assert change.actor is None
    assert change.changes["category"] == [Category.DIKECUALIKAN, Category.SETIAP_SAAT]
    # The note is written in Indonesian, with the end date.
    assert "Pasal 11" in change.note
    assert ended.period_end.strftime("%d-%m-%Y") in change.note
    assert item in InformationItem.objects.public()
    assert client.get(item.get_absolute_url()).status_code == 200

    still = InformationItem.objects.get(pk=ends_today.item_id)
    assert still.category == Category.DIKECUALIKAN
    assert not still.is_public
    assert still not in InformationItem.objects.public()
    # Run twice: nothing more to do.
    assert tasks.open_ended_exclusions_task() == 0
    assert ItemChange.objects.filter(action=ItemChange.Action.OPENED).count() == 1


def test_the_public_catalogue_does_not_wait_for_a_late_job(client, opd):
    decision = _ended_yesterday(opd, decided_by="Bapak Rahasia Pejabat")
    item = decision.item
    # The job has not run: PP 61/2010 Pasal 11(3) makes it public anyway.
    assert item.category == Category.DIKECUALIKAN
    assert item in InformationItem.objects.public()
    assert InformationItem.objects.get(pk=item.pk).is_public
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    assert "Bapak Rahasia Pejabat" not in response.content.decode()
    # Its files follow the item.
    assert perms.can_view_item(AnonymousUser(), item)
    assert selectors.exclusion_register().filter(pk=decision.pk).count() == 0
    assert list(selectors.opened_exclusions()) == [decision]


def test_draft_setting_sends_an_ended_exclusion_back_for_review(settings, client, opd):
    settings.PPID_EXCLUSION_END_ACTION = "draft"
    decision = _ended_yesterday(opd)
    item = decision.item
    # Under this setting the information waits for the review, job or not.
    assert item not in InformationItem.objects.public()
    assert tasks.open_ended_exclusions_task() == 1
    item.refresh_from_db()
    assert item.status == InformationItem.Status.DRAFT
    assert item.category == Category.SETIAP_SAAT
    assert item not in InformationItem.objects.public()
    change = item.changes.get(action=ItemChange.Action.OPENED)
    assert change.changes["status"] == ["published", "draft"]
    # The DIK still says it was opened, and when.
    page = client.get("/informasi/dikecualikan/").content.decode()
    assert item.title in page
    assert item.get_absolute_url() not in page


def test_dik_moves_an_opened_exclusion_to_the_opened_list_with_its_date(client, opd):
    in_force = ExclusionDecisionFactory(item__opd=opd, item__title="Hasil Psikotes")
    ended = _ended_yesterday(opd, item__title="Data Pasien Menular")
    tasks.open_ended_exclusions_task()
    ended.refresh_from_db()

    response = client.get("/informasi/dikecualikan/")
    assert [d.pk for d in response.context["page"].object_list] == [in_force.pk]
    assert [d.pk for d in response.context["opened"]] == [ended.pk]
    page = response.content.decode()
    opened_part = page.split('id="opened"')[1]
    assert "Data Pasien Menular" in opened_part
    assert "Hasil Psikotes" not in opened_part
    with translation.override("id"):
        shown = dateformat.format(_today(), "j M Y")
    assert shown in opened_part
    api = client.get("/api/v1/exclusions/?state=opened").json()
    assert [row["id"] for row in api["results"]] == [ended.pk]
    assert api["results"][0]["opened_on"] == _today().isoformat()
    assert client.get("/api/v1/exclusions/").json()["count"] == 1


@pytest.mark.parametrize("state", ["0", "OPENED", "dibuka"])
def test_dik_api_refuses_an_unknown_state_and_names_the_field(client, opd, state):
    ExclusionDecisionFactory(item__opd=opd)
    response = client.get("/api/v1/exclusions/", {"state": state})
    assert response.status_code == 400
    assert list(response.json()) == ["state"]


def test_a_refusal_cannot_cite_an_ended_exclusion(opd, opd_admin):
    ended = _ended_yesterday(opd, ground="c", ground_point=1)
    in_force = ExclusionDecisionFactory(item__opd=opd, ground="h")
    assert list(citable_exclusions(opd_admin)) == [in_force.item]
    info_request, _code = request_services.submit_request(
        data={
            "requester_type": "perorangan",
            "full_name": "Siti Aminah",
            "nik": "3303014507900001",
            "address": "Jl. Jenderal Sudirman 1, Purbalingga",
            "phone": "081234567890",
            "email": "siti@example.id",
            "occupation": "Guru",
            "requested_information": "Data pasien",
            "purpose": "Penelitian",
            "access_method": "salinan",
            "copy_format": "softcopy",
            "delivery_method": "email",
            "opd": opd,
        },
        by=opd_admin,
        channel="surat",
        received_on=_today(),
    )
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        request_services.answer_request(
            info_request=info_request,
            by=opd_admin,
            decision="refused_excluded",
            letter="Ditolak",
            excluded_item=ended.item,
        )
    message = " ".join(exc.value.message_dict["excluded_item"])
    assert "Pasal 11" in message
    # Opened by the job, the same entry is no DIK entry at all.
    tasks.open_ended_exclusions_task()
    ended.item.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        request_services.answer_request(
            info_request=info_request,
            by=opd_admin,
            decision="refused_excluded",
            letter="Ditolak",
            excluded_item=ended.item,
        )
    assert "excluded_item" in exc.value.message_dict


# --- 3. Reminders before the end -------------------------------------------------


def _sent_on(decision: ExclusionDecision, day: datetime.date) -> None:
    moment = datetime.datetime.combine(day, datetime.time(7, 15))
    decision.reminder_sent_at = timezone.make_aware(moment)
    decision.save(update_fields=["reminder_sent_at"])


def _due(day: datetime.date) -> list[int]:
    return [d.pk for d in services.exclusions_needing_reminder(day)]


@pytest.mark.parametrize("field", ["period_end", "review_date"])
def test_reminders_come_50_and_30_working_days_before_then_daily(opd, field):
    end = datetime.date(2027, 9, 30)
    calendar = WorkingCalendar(datetime.date(2027, 1, 1), end)
    first = calendar.add(end, -50)
    mark = calendar.add(end, -30)
    dates = {"period_end": None, "review_date": None, field: end}
    decision = ExclusionDecisionFactory(item__opd=opd, **dates)
    assert decision.reminder_dates(calendar) == (first, mark)
    assert calendar.count_between(first, end) == 50
    assert calendar.count_between(mark, end) == 30

    assert _due(first - ONE_DAY) == []
    assert _due(first) == [decision.pk]
    _sent_on(decision, first)
    assert _due(calendar.add(first, 1)) == []
    assert _due(calendar.add(mark, -1)) == []
    assert _due(mark) == [decision.pk]
    _sent_on(decision, mark)
    assert _due(mark) == []
    late = calendar.add(mark, 1)
    assert _due(late) == [decision.pk]
    _sent_on(decision, late)
    assert _due(late) == []
    assert _due(calendar.add(late, 1)) == [decision.pk]


def test_reminder_lead_is_a_setting(settings, opd):
    settings.PPID_EXCLUSION_REMINDER_LEAD_WORKING_DAYS = 5
    end = datetime.date(2027, 9, 30)
    calendar = WorkingCalendar(datetime.date(2027, 1, 1), end)
    decision = ExclusionDecisionFactory(item__opd=opd, period_end=end)
    assert decision.reminder_dates(calendar)[0] == calendar.add(end, -35)


def test_the_daily_task_reminds_at_50_working_days_once_a_day(opd):
    UserFactory(username="ppid", role="ppid_utama", email="ppid@example.id")
    today = _today()
    due = ExclusionDecisionFactory(
        item__opd=opd, period_end=add_working_days(today, 50)
    )
    ExclusionDecisionFactory(item__opd=opd, period_end=add_working_days(today, 51))
    review = ExclusionDecisionFactory(
        item__opd=opd,
        period_end=None,
        review_date=add_working_days(today, 50),
        item__title="Hasil Evaluasi Kemampuan Pegawai",
    )
    assert tasks.send_exclusion_end_reminders_task() == 2
    subjects = sorted(m.subject for m in mail.outbox)
    assert any(due.item.title in s for s in subjects)
    assert any(review.item.title in s for s in subjects)
    bodies = " ".join(m.body for m in mail.outbox)
    assert "PP 61/2010" in bodies
    # Once a day: the same day's run stays silent.
    assert tasks.send_exclusion_end_reminders_task() == 0
    assert len(mail.outbox) == 2


def test_a_new_end_date_starts_the_reminders_again(opd, ppid_utama):
    decision = ExclusionDecisionFactory(item__opd=opd)
    _sent_on(decision, _today())
    services.update_item(
        item=decision.item,
        by=ppid_utama,
        data={},
        exclusion=exclusion_data(period_end=datetime.date(2031, 12, 31)),
    )
    decision.refresh_from_db()
    assert decision.reminder_sent_at is None


def test_staff_see_exclusions_whose_end_needs_a_decision(client, opd, ppid_utama):
    today = _today()
    soon = ExclusionDecisionFactory(
        item__opd=opd, period_end=add_working_days(today, 40), item__title="Segera"
    )
    ExclusionDecisionFactory(
        item__opd=opd, period_end=add_working_days(today, 80), item__title="Nanti"
    )
    client.force_login(ppid_utama)
    response = client.get("/dasbor/informasi/")
    rows = response.context["due_for_opening"]
    assert [row.decision.pk for row in rows] == [soon.pk]
    assert rows[0].mark == add_working_days(add_working_days(today, 40), -30)


# --- 10. Checks on a decision ------------------------------------------------------


def _create(opd, opd_admin, **exclusion):
    return services.create_item(
        opd=opd,
        by=opd_admin,
        data=item_data(category="dikecualikan", subtype=None),
        exclusion=exclusion_data(**exclusion),
    )


def test_a_point_outside_the_grounds_list_is_refused_in_indonesian(opd, opd_admin):
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        _create(opd, opd_admin, ground="b", ground_point=9)
    message = " ".join(exc.value.message_dict["exclusion.ground_point"])
    assert "Angka dasar pengecualian" in message
    assert "huruf b" in message
    assert not InformationItem.objects.exists()


@pytest.mark.parametrize(
    ("ground", "point", "ok"),
    [
        ("b", None, True),
        ("a", 5, True),
        ("a", 6, False),
        ("c", 7, True),
        ("e", 8, False),
        ("f", 4, True),
        ("f", 5, False),
        ("h", None, False),
        ("h", 5, True),
        ("j", 1, False),
    ],
)
def test_points_follow_uu_14_2008_pasal_17(opd, opd_admin, ground, point, ok):
    if ok:
        item = _create(opd, opd_admin, ground=ground, ground_point=point)
        assert item.exclusion.ground_point == point
    else:
        with pytest.raises(ValidationError) as exc:
            _create(opd, opd_admin, ground=ground, ground_point=point)
        assert "exclusion.ground_point" in exc.value.message_dict


def test_law_enforcement_lasts_at_most_30_years(opd, opd_admin):
    start = datetime.date(2026, 1, 2)
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        _create(
            opd,
            opd_admin,
            ground="a",
            ground_point=2,
            period_start=start,
            period_end=datetime.date(2056, 1, 2),
        )
    message = " ".join(exc.value.message_dict["exclusion.period_end"])
    assert "30 tahun" in message and "01-01-2056" in message
    with pytest.raises(ValidationError) as exc:
        _create(
            opd,
            opd_admin,
            ground="a",
            ground_point=2,
            period_end=None,
            review_date=datetime.date(2027, 1, 4),
        )
    assert "exclusion.period_end" in exc.value.message_dict
    item = _create(
        opd,
        opd_admin,
        ground="a",
        ground_point=2,
        period_start=start,
        period_end=datetime.date(2056, 1, 1),
    )
    assert item.exclusion.period_end == datetime.date(2056, 1, 1)


def test_a_setting_caps_other_grounds_but_never_lengthens_the_law(
    settings, opd, opd_admin
):
    settings.PPID_EXCLUSION_MAX_YEARS = {"h": 2, "a": 40}
    with pytest.raises(ValidationError) as exc:
        _create(opd, opd_admin, period_end=datetime.date(2028, 1, 2))
    assert "exclusion.period_end" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _create(
            opd,
            opd_admin,
            ground="a",
            ground_point=1,
            period_end=datetime.date(2056, 1, 2),
        )
    assert _create(opd, opd_admin, period_end=datetime.date(2028, 1, 1))


def test_env_int_map_reads_and_refuses():
    environ = {"X": "b:10, g:25"}
    assert env_int_map("X", {}, keys=list("abg"), environ=environ) == {
        "b": 10,
        "g": 25,
    }
    assert env_int_map("X", {"a": 1}, keys=["a"], environ={}) == {"a": 1}
    for bad in ("z:3", "b", "b:x", "b:0"):
        with pytest.raises(EnvError):
            env_int_map("X", {}, keys=list("abg"), environ={"X": bad})


def test_the_consequence_test_date_is_required_and_recorded(opd, opd_admin):
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        _create(opd, opd_admin, consequence_tested_on=None)
    assert "exclusion.consequence_tested_on" in exc.value.message_dict
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        _create(opd, opd_admin, consequence_tested_on=datetime.date(2026, 1, 5))
    message = " ".join(exc.value.message_dict["exclusion.consequence_tested_on"])
    assert "Tanggal uji konsekuensi" in message and "02-01-2026" in message
    item = _create(
        opd,
        opd_admin,
        consequence_tested_on=datetime.date(2025, 12, 30),
        test_occasion="on_request",
    )
    assert item.exclusion.consequence_tested_on == datetime.date(2025, 12, 30)
    assert item.exclusion.test_occasion == "on_request"
    change = item.changes.get(action=ItemChange.Action.EXCLUSION_SET)
    assert change.changes["exclusion.consequence_tested_on"] == ["", "2025-12-30"]


def test_the_item_form_asks_for_the_consequence_test_date(client, opd, opd_admin):
    client.force_login(opd_admin)
    response = client.get("/dasbor/informasi/baru/")
    assert "exclusion-consequence_tested_on" in response.content.decode()


def test_the_public_dik_shows_the_public_interest_consideration(client, opd):
    ExclusionDecisionFactory(
        item__opd=opd,
        public_interest="Melindungi privasi pasien lebih besar manfaatnya.",
    )
    page = client.get("/informasi/dikecualikan/").content.decode()
    assert "Melindungi privasi pasien lebih besar manfaatnya." in page
    assert "02 Jan 2026" in page or "2 Jan 2026" in page
    row = client.get("/api/v1/exclusions/").json()["results"][0]
    assert row["public_interest"] == "Melindungi privasi pasien lebih besar manfaatnya."
    assert row["consequence_tested_on"] == "2026-01-02"


def test_ppid_can_decide_ahead_that_it_opens_at_the_end(
    settings, client, opd, ppid_utama
):
    settings.PPID_EXCLUSION_END_ACTION = "draft"
    today = _today()
    decision = ExclusionDecisionFactory(
        item__opd=opd, period_end=add_working_days(today, 45)
    )
    item = decision.item
    assert _due(today) == [decision.pk]
    client.force_login(ppid_utama)
    response = client.post(
        "/dasbor/informasi/{}/buka/".format(item.pk),
        {"when": "at_end", "category": "berkala", "note": "Tidak lagi dibutuhkan."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    decision.refresh_from_db()
    # Decided now, still excluded until the end; the reminders stop.
    assert item.category == Category.DIKECUALIKAN and not item.is_public
    assert decision.end_decided_by == ppid_utama
    assert decision.end_opens_as == "berkala"
    assert _due(today) == []
    assert selectors.exclusions_needing_decision(today) == []

    ExclusionDecision.objects.filter(pk=decision.pk).update(period_end=today - ONE_DAY)
    # Decided, so public at the end even under the draft setting, job or not.
    assert item in InformationItem.objects.public()
    assert tasks.open_ended_exclusions_task() == 1
    item.refresh_from_db()
    decision.refresh_from_db()
    # The PPID's determination is the review: published, as it chose.
    assert item.status == InformationItem.Status.PUBLISHED
    assert item.category == Category.BERKALA and item.is_public
    assert decision.opened_by == ppid_utama
    assert "Tidak lagi dibutuhkan." in decision.opening_note


def test_opening_at_the_end_needs_an_end_still_to_come(opd, ppid_utama):
    lapsed = _ended_yesterday(opd)
    with pytest.raises(ValidationError) as exc:
        services.open_excluded_item(
            item=lapsed.item,
            by=ppid_utama,
            category="setiap_saat",
            note="Dibuka.",
            at_end=True,
        )
    assert "at_end" in exc.value.message_dict
