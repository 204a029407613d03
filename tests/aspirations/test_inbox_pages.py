"""The inbox's staff pages: the queue and its filters, a case with its
conversation and steps, the ready answers, and the staff bar."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from aspirations import events
from aspirations.inbox import services
from aspirations.inbox.models import CannedResponse, Case, CaseEvent, Message, State
from tests.aspirations import inbox_helpers as helpers
from tests.aspirations.inbox_helpers import (
    T0,
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


QUEUE = reverse("aspirations:queue")


def gettext(msgid: str) -> str:
    with translation.override("id"):
        return translation.gettext(msgid)


def case_url(case: Case) -> str:
    return reverse("aspirations:case", kwargs={"pk": case.pk})


def action(case: Case, name: str) -> str:
    return reverse("aspirations:case-action", kwargs={"pk": case.pk, "action": name})


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Access ------------------------------------------------------------------------------


def test_visitors_are_sent_to_log_in(client, clock):
    case = wa_case(1)
    for url in (QUEUE, case_url(case), reverse("aspirations:canned")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert client.post(action(case, "verify")).status_code == 302
    assert Case.objects.get().state == State.NEW


def test_an_account_without_a_role_is_refused(client, clock):
    client.force_login(UserFactory(username="warga"))
    assert client.get(QUEUE).status_code == 403


# --- The queue ---------------------------------------------------------------------------


def test_the_coordinator_starts_on_the_cases_to_verify_and_route(
    client, coordinator, opd, clock
):
    waiting = wa_case(1, text="Jalan berlubang di Bojongsari")
    done = routed(wa_case(2, text="Sampah menumpuk di pasar"), coordinator, opd)
    client.force_login(coordinator)
    html = client.get(QUEUE).content.decode()
    assert waiting.number in html and done.number not in html
    assert 'data-count="unrouted">1<' in html
    html = client.get(QUEUE + "?view=open").content.decode()
    assert waiting.number in html and done.number in html
    assert "DINKES" in html


def test_an_opd_admin_sees_its_opds_cases_only(
    client, coordinator, opd, other_opd, opd_admin, clock
):
    ours = routed(wa_case(1), coordinator, opd)
    theirs = routed(wa_case(2), coordinator, other_opd)
    unrouted = wa_case(3)
    client.force_login(opd_admin)
    html = client.get(QUEUE).content.decode()
    assert ours.number in html
    assert theirs.number not in html and unrouted.number not in html
    assert 'data-count="unrouted"' not in html


def test_the_filters_of_the_queue(client, coordinator, opd, clock):
    old = wa_case(1, text="Jalan rusak parah", at=moment("2026-11-23", "09:00"))
    new = wa_case(2, text="Lampu PJU mati")
    comment = services.create_case(
        channel=events.INSTAGRAM_COMMENT,
        text="Kapan jalan diperbaiki?",
        received_at=T0,
        thread_key="ig:1",
    )
    client.force_login(coordinator)
    html = client.get(QUEUE + "?view=&due=overdue").content.decode()
    assert old.number in html and new.number not in html
    html = client.get(QUEUE + "?view=&channel=instagram_comment").content.decode()
    assert comment.number in html and new.number not in html
    html = client.get(QUEUE + "?view=&q=lampu").content.decode()
    assert new.number in html and old.number not in html
    routed(new, coordinator, opd)
    html = client.get(QUEUE + "?view=&opd=" + opd.slug).content.decode()
    assert new.number in html and old.number not in html


def test_the_queue_pages_keep_its_filters(client, coordinator, clock):
    for n in range(21):
        wa_case(n + 1, text="Lampu PJU mati")
    client.force_login(coordinator)
    html = client.get(QUEUE + "?view=&q=lampu").content.decode()
    assert 'href="?view=&amp;q=lampu&amp;page=2" rel="next"' in html
    assert 'aria-current="page"><span class="page-link">1<' in html
    html = client.get(QUEUE + "?view=&q=lampu&page=2").content.decode()
    assert 'href="?view=&amp;q=lampu&amp;page=1" rel="prev"' in html


# --- A case -------------------------------------------------------------------------------


def test_the_case_page_shows_the_conversation_in_order_with_its_marks(
    client, coordinator, opd, opd_admin, clock, sent
):
    case = routed(wa_case(1), coordinator, opd)
    services.receive(
        event=events.Inbound(
            platform=events.WHATSAPP,
            channel=events.WHATSAPP,
            account_external_id="109876543210",
            external_id="wamid.echo",
            thread_key="620000",
            author_id="620000",
            author_name="Admin Dinkes",
            text="Dibalas dari aplikasi WhatsApp Business",
            sent_at=T0 + datetime.timedelta(minutes=5),
            direction=events.OUT,
        )
    )
    # The echo is of another conversation: none opens a case.
    Message.objects.create(
        case=case,
        platform="whatsapp",
        external_id="wamid.native",
        direction=Message.Direction.OUT,
        reply_kind=Message.ReplyKind.MESSAGE,
        author_name="Admin Dinkes",
        text="Dibalas dari aplikasi WhatsApp Business",
        sent_at=T0 + datetime.timedelta(minutes=5),
        from_native_app=True,
        delivery=Message.Delivery.DELIVERED,
    )
    clock(T0 + datetime.timedelta(minutes=10))
    services.reply(
        case=case,
        by=opd_admin,
        text="Catatan: cek ke lapangan besok",
        reply_kind=Message.ReplyKind.NOTE,
    )
    client.force_login(opd_admin)
    html = client.get(case_url(case)).content.decode()
    first = html.index("Lampu jalan di Desa Kutasari")
    second = html.index("Dibalas dari aplikasi")
    assert first < second < html.index("Catatan: cek ke lapangan")
    assert gettext("sent from the platform's app") in html
    assert gettext("internal note") in html
    with translation.override("id"):
        assert str(Message.Delivery.DELIVERED.label) in html
    assert 'data-clock="follow_up"' in html


def test_verify_then_route_with_the_suggested_opd_preselected(
    client, coordinator, opd, clock
):
    case = wa_case(1)
    Case.objects.filter(pk=case.pk).update(suggested_opd=opd)
    client.force_login(coordinator)
    html = client.get(case_url(case)).content.decode()
    assert '<option value="{}" selected>'.format(opd.pk) in html
    response = client.post(action(case, "verify"), {"verify-note": ""})
    assert response.status_code == 302
    assert gettext("The case was verified.") in said(response)
    response = client.post(
        action(case, "route"), {"route-opd": opd.pk, "route-note": "Mohon segera"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.ROUTED and case.opd == opd
    with translation.override("id"):
        expected = translation.gettext("The case was routed to %(opd)s.") % {
            "opd": opd.name
        }
    assert expected in said(response)


def test_a_refused_step_names_the_field_and_changes_nothing(client, coordinator, clock):
    case = wa_case(1)
    client.force_login(coordinator)
    response = client.post(action(case, "postpone"), {"postpone-reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert gettext("Write the reason.") in html
    assert any(
        m.startswith(gettext("Reason")) and gettext("Write the reason.") in m
        for m in said(response)
    )
    case.refresh_from_db()
    assert case.state == State.NEW
    assert list(case.events.values_list("action", flat=True)) == ["received"]
    # A step in the wrong state: the state's message, nothing written.
    response = client.post(action(case, "close"), {"close-note": ""})
    assert response.status_code == 400
    with translation.override("id"):
        assert str(State.NEW.label) in " ".join(said(response))
    assert Case.objects.get(pk=case.pk).state == State.NEW


def test_the_opd_cannot_take_the_coordinators_steps(
    client, coordinator, opd, opd_admin, clock
):
    case = routed(wa_case(1), coordinator, opd)
    client.force_login(opd_admin)
    html = client.get(case_url(case)).content.decode()
    assert action(case, "archive") not in html
    assert action(case, "take-up") in html
    assert (
        client.post(action(case, "archive"), {"archive-reason": "x"}).status_code == 403
    )
    assert client.post(action(case, "tidak-ada")).status_code == 404
    assert Case.objects.get(pk=case.pk).state == State.ROUTED


def test_take_up_reply_with_a_ready_answer_as_the_follow_up_then_close(
    client, coordinator, opd, opd_admin, clock, sent
):
    case = routed(wa_case(1), coordinator, opd)
    services.ensure_default_canned_responses()
    answer = CannedResponse.objects.create(
        opd=opd, title="Lampu diganti", text="Lampu sudah diganti oleh petugas."
    )
    client.force_login(opd_admin)
    response = client.post(action(case, "take-up"))
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS
    html = client.get(case_url(case) + "?jawaban={}".format(answer.pk)).content.decode()
    assert '<option value="{}" selected>'.format(answer.pk) in html
    assert "Terima kasih, laporan diterima" in html  # regency-wide answers offered
    response = client.post(
        action(case, "reply"),
        {
            "reply-canned": answer.pk,
            "reply-text": "",
            "reply-reply_kind": "message",
            "reply-follow_up": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reply = case.messages.get(direction=Message.Direction.OUT)
    assert reply.text == answer.text and reply.delivery == Message.Delivery.QUEUED
    case.refresh_from_db()
    assert case.state == State.ANSWERED
    assert gettext("It was recorded as the follow-up.") in " ".join(said(response))
    response = client.post(action(case, "close"), {"close-note": "Warga puas"})
    assert Case.objects.get(pk=case.pk).state == State.CLOSED
    assert gettext("The case was closed.") in said(response)


def test_not_ours_sends_it_back_with_the_reason(
    client, coordinator, opd, opd_admin, clock
):
    case = routed(wa_case(1), coordinator, opd)
    client.force_login(opd_admin)
    response = client.post(action(case, "not-ours"), {"not-ours-reason": ""})
    assert response.status_code == 400
    response = client.post(
        action(case, "not-ours"), {"not-ours-reason": "Kewenangan DLH"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.VERIFIED and case.opd is None
    # The OPD no longer sees it.
    assert client.get(case_url(case)).status_code == 404


def test_mark_duplicate_and_correct_the_triage(client, coordinator, clock):
    lead = wa_case(1, text="Jalan rusak di Desa Karangreja")
    same = wa_case(2, text="Jalan Karangreja rusak parah")
    client.force_login(coordinator)
    response = client.post(
        action(same, "duplicate"), {"duplicate-duplicate_of": "ASP-TIDAK-ADA"}
    )
    assert response.status_code == 400
    assert gettext("No case you may see has this number.") in response.content.decode()
    response = client.post(
        action(same, "duplicate"), {"duplicate-duplicate_of": lead.number}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=same.pk).duplicate_of == lead
    html = client.get(case_url(same)).content.decode()
    assert lead.number in html
    response = client.post(
        action(same, "triage"),
        {"triage-kind": "aspiration", "triage-topic": "drainage"},
    )
    assert response.status_code == 302
    same.refresh_from_db()
    assert (same.kind, same.topic, same.triage_corrected) == (
        "aspiration",
        "drainage",
        True,
    )
    event = same.events.get(action=CaseEvent.Action.CORRECTED)
    # The triage read a complaint about roads; the correction keeps both.
    assert event.detail["changes"]["kind"] == ["complaint", "aspiration"]


def test_the_personal_data_flag_and_the_reply_windows(
    client, coordinator, clock, monkeypatch
):
    case = services.create_case(
        channel=events.INSTAGRAM_COMMENT,
        text="Hubungi saya di 081234567890",
        received_at=T0,
        thread_key="ig:9",
        permalink="https://www.instagram.com/p/Cx1/",
    )
    client.force_login(coordinator)
    html = client.get(case_url(case)).content.decode()
    assert 'data-flag="personal-data"' in html
    # A comment a day old: a public reply any time, one private reply
    # within 7 days of the comment (aspirations.windows).
    assert 'data-windows="1"' in html
    assert gettext("Private reply") in html
    assert gettext("Public reply") in html


def test_the_conversion_links_need_their_routes(client, coordinator, clock):
    case = wa_case(1)
    client.force_login(coordinator)
    response = client.get(case_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("aspirations:convert-ppid", "aspirations:refer-lapor"):
        assert reverse(name, kwargs={"pk": case.pk}) in html


# --- Ready answers --------------------------------------------------------------------------


def test_ready_answers_per_opd_and_regency_wide(
    client, coordinator, opd, opd_admin, other_opd_admin
):
    assert services.ensure_default_canned_responses() == 5
    assert services.ensure_default_canned_responses() == 0
    regency = CannedResponse.objects.filter(opd=None).first()
    url = reverse("aspirations:canned")
    client.force_login(opd_admin)
    response = client.post(url, {"title": "", "text": ""})
    assert response.status_code == 400
    response = client.post(
        url, {"title": "Jadwal posyandu", "text": "Posyandu buka setiap Selasa."}
    )
    assert response.status_code == 302
    ours = CannedResponse.objects.get(title="Jadwal posyandu")
    assert ours.opd == opd
    html = client.get(url).content.decode()
    assert regency.title in html and ours.title in html
    edit_regency = reverse("aspirations:canned-edit", kwargs={"pk": regency.pk})
    assert edit_regency not in html
    assert client.get(edit_regency).status_code == 403
    client.force_login(other_opd_admin)
    assert "Jadwal posyandu" not in client.get(url).content.decode()
    edit_ours = reverse("aspirations:canned-edit", kwargs={"pk": ours.pk})
    assert client.get(edit_ours).status_code == 404
    client.force_login(coordinator)
    response = client.post(
        edit_regency,
        {"title": regency.title, "text": "Teks baru", "whatsapp_template": ""},
    )
    assert response.status_code == 302
    assert CannedResponse.objects.get(pk=regency.pk).text == "Teks baru"
    response = client.post(url, {"title": "Umum", "text": "Untuk semua OPD."})
    assert CannedResponse.objects.get(title="Umum").opd is None
    response = client.post(
        reverse("aspirations:canned-delete", kwargs={"pk": regency.pk})
    )
    assert not CannedResponse.objects.filter(pk=regency.pk).exists()


# --- The staff bar and the dashboard ------------------------------------------------------------


def test_the_staff_bar_counts_the_inbox(client, coordinator, opd, opd_admin, clock):
    wa_case(1)
    wa_case(2, at=moment("2026-11-20", "09:00"))  # overdue to route
    ours = routed(wa_case(3), coordinator, opd)
    client.force_login(coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'href="{}"'.format(QUEUE) in html
    assert "Aspirations" in html or gettext("Aspirations") in html
    from config import queues

    counts = queues.nav_counts(coordinator)
    assert (counts.cases.total, counts.cases.overdue) == (2, 1)
    assert queues.nav_counts(opd_admin).cases.total == 1
    client.force_login(opd_admin)
    html = client.get(reverse("dashboard")).content.decode()
    assert ours.number in html
