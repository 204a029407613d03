"""The audit log: log-ins, refusals and changes recorded with who, when,
what and from where; append-only; shown and exported to superusers only."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import services as evaluations
from evaluations.models import Contest, ItemScore, OpdScore
from opds import audit
from opds.models import AuditEvent, AuditLogIsAppendOnly
from ppid.catalogue.models import InformationItem
from ppid.requests import services as rs
from ppid.requests.models import InformationRequest
from tests.factories import PASSWORD, InformationItemFactory, UserFactory, pdf_bytes

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action
D = datetime.date
NIK = "3303014507900001"
PHONE = "081234567890"
EMAIL = "siti@example.id"
MONTH = D(2026, 10, 1)


def events(action: str, **filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("id"))


@contextmanager
def as_user(user, ip: str = "192.0.2.1") -> Iterator[None]:
    """Run services as a view would: inside a request by ``user``."""
    web = RequestFactory().post("/dasbor/", REMOTE_ADDR=ip)
    web.user = user
    with audit.context(AuditEvent.Source.REQUEST, web.path, web):
        yield


def row_text(event: AuditEvent) -> str:
    """Every column of the stored row, as the database holds it."""
    values = AuditEvent.objects.filter(pk=event.pk).values().get()
    return json.dumps(values, default=str, ensure_ascii=False)


# --- Log-ins ---------------------------------------------------------------------


def test_login_failure_success_and_logout_are_recorded_with_name_and_ip(
    client, opd_admin
):
    login = reverse("login")
    client.post(
        login,
        {"username": "admin-dinkes", "password": "salah-sekali-2026"},
        REMOTE_ADDR="198.51.100.7",
    )
    (failed,) = events(Action.LOGIN_FAILED)
    assert failed.actor_id is None
    assert failed.actor_username == "admin-dinkes"
    assert failed.ip == "198.51.100.7"
    assert failed.source == AuditEvent.Source.REQUEST
    assert "salah-sekali-2026" not in row_text(failed)

    client.post(
        login,
        {"username": "admin-dinkes", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.8",
    )
    (success,) = events(Action.LOGIN)
    assert (success.actor_id, success.actor_username) == (opd_admin.pk, "admin-dinkes")
    assert success.ip == "198.51.100.8"
    assert PASSWORD not in row_text(success)

    client.post(reverse("logout"), REMOTE_ADDR="198.51.100.9")
    (logout,) = events(Action.LOGOUT)
    assert (logout.actor_id, logout.ip) == (opd_admin.pk, "198.51.100.9")


def test_a_token_log_in_is_recorded_without_the_token(api_client, opd_admin):
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "admin-dinkes", "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    (login,) = events(Action.LOGIN)
    assert login.actor_id == opd_admin.pk and login.detail == {"method": "token"}
    assert response.json()["token"] not in row_text(login)


def test_the_address_is_forwarded_only_by_trusted_proxies(client, opd_admin, settings):
    forged = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}
    data = {"username": "admin-dinkes", "password": "salah"}
    client.post(reverse("login"), data, REMOTE_ADDR="10.0.0.2", **forged)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client.post(reverse("login"), data, REMOTE_ADDR="10.0.0.2", **forged)
    direct, proxied = events(Action.LOGIN_FAILED)
    # No proxy trusted: the header is the client's own claim and is ignored.
    assert direct.ip == "10.0.0.2"
    # One proxy: the entry it appended, never the one the client wrote.
    assert proxied.ip == "203.0.113.9"


# --- Refusals --------------------------------------------------------------------


def test_a_refused_api_action_is_recorded_with_its_view(api_client, opd, opd_admin):
    item = InformationItemFactory(opd=opd, status=InformationItem.Status.SUBMITTED)
    api_client.force_authenticate(opd_admin)
    url = "/api/v1/information/{}/publish/".format(item.pk)
    assert api_client.post(url, REMOTE_ADDR="192.0.2.44").status_code == 403
    (refused,) = events(Action.DENIED)
    assert refused.actor_id == opd_admin.pk and refused.ip == "192.0.2.44"
    assert refused.source_name == "POST " + url
    assert refused.detail["status"] == 403
    assert refused.detail["action"] == "publish"
    assert refused.detail["view"].endswith("ViewSet")


def test_an_html_403_is_recorded_and_a_404_is_not(client, opd, opd_admin):
    client.force_login(opd_admin)
    assert client.get("/api/v1/information/999999/").status_code == 404
    assert client.get("/halaman-yang-tidak-ada/").status_code == 404
    assert not events(Action.DENIED)
    assert client.get(reverse("admin:opds_auditevent_changelist")).status_code in (
        302,
        403,
    )
    staff = UserFactory(role="dinkominfo", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:opds_auditevent_changelist")).status_code == 403
    (refused,) = events(Action.DENIED)
    assert refused.actor_id == staff.pk
    assert refused.detail == {
        "status": 403,
        "url_name": "admin:opds_auditevent_changelist",
    }


# --- Changes to the catalogue ----------------------------------------------------


def test_an_item_change_through_its_service_has_actor_ip_and_diff(
    api_client, opd, opd_admin
):
    item = InformationItemFactory(
        opd=opd, status=InformationItem.Status.DRAFT, period=""
    )
    (created,) = events(Action.CREATED, object_id=str(item.pk))
    assert created.object_type == "ppid.informationitem"
    assert created.changes["title"] == [None, item.title]
    api_client.force_authenticate(opd_admin)
    response = api_client.patch(
        "/api/v1/information/{}/".format(item.pk),
        {"period": "Semester I"},
        format="json",
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 200
    (updated,) = events(Action.UPDATED, object_type="ppid.informationitem")
    assert updated.actor_id == opd_admin.pk
    assert updated.actor_username == "admin-dinkes"
    assert updated.ip == "192.0.2.10"
    assert updated.object_id == str(item.pk) and updated.object_repr == item.title
    assert updated.changes["period"] == ["", "Semester I"]
    # The clock of the content restarts; the bookkeeping column is not news.
    assert "last_updated_at" in updated.changes
    assert "updated_at" not in updated.changes


def test_an_item_filed_through_the_service_is_created_once(opd, opd_admin):
    from ppid.catalogue import services
    from tests.factories import item_data

    with as_user(opd_admin, "192.0.2.20"):
        item = services.create_item(opd=opd, by=opd_admin, data=item_data())
    # The service saves the row twice (its text is indexed after the insert).
    (created,) = events(Action.CREATED, object_type="ppid.informationitem")
    assert created.object_id == str(item.pk)
    assert (created.actor_id, created.ip) == (opd_admin.pk, "192.0.2.20")
    assert created.changes["status"] == [None, "draft"]
    assert not events(Action.UPDATED, object_type="ppid.informationitem")


def test_an_audited_save_costs_one_select_and_an_insert(opd):
    with CaptureQueriesContext(connection) as created:
        item = InformationItemFactory.build(opd=opd, subtype=None)
        item.save()
    assert not [q for q in created if q["sql"].startswith("SELECT")]
    item.title = "Judul baru"
    with CaptureQueriesContext(connection) as updated:
        item.save()
    kinds = sorted(q["sql"].split()[0] for q in updated)
    assert kinds == ["INSERT", "SELECT", "UPDATE"], kinds
    with CaptureQueriesContext(connection) as unchanged:
        item.save()
    # Nothing changed: the stored row is read, nothing is written to the log.
    assert sorted(q["sql"].split()[0] for q in unchanged) == ["SELECT", "UPDATE"]


def test_a_deleted_draft_is_recorded_with_what_it_held(opd, opd_admin):
    from ppid.catalogue import services

    item = InformationItemFactory(opd=opd, status=InformationItem.Status.DRAFT)
    item_id = str(item.pk)
    services.delete_item(item=item, by=opd_admin)
    (deleted,) = events(Action.DELETED, object_id=item_id)
    assert deleted.changes["title"] == [item.title, None]
    assert deleted.actor_id is None  # no request: the service's caller is code
    assert deleted.source == AuditEvent.Source.SYSTEM


# --- Requests: personal data -------------------------------------------------------


def test_requester_personal_data_is_recorded_as_changed_never_by_value(
    api_client, ppid_utama
):
    response = api_client.post(
        "/api/v1/requests/",
        {
            "requester_type": "perorangan",
            "full_name": "Siti Aminah",
            "nik": NIK,
            "address": "Jl. Jenderal Sudirman 1",
            "phone": PHONE,
            "email": EMAIL,
            "requested_information": "Daftar penerima bansos 2025",
            "purpose": "Penelitian",
            "access_method": "salinan",
            "copy_format": "softcopy",
            "delivery_method": "email",
        },
        format="json",
        REMOTE_ADDR="192.0.2.77",
    )
    assert response.status_code == 201, response.content
    request = InformationRequest.objects.get()
    (created,) = events(Action.CREATED, object_type="ppid.informationrequest")
    assert created.ip == "192.0.2.77" and created.actor_id is None
    assert created.object_repr == request.registration_number
    assert created.changes["phone"] == [None, audit.REDACTED]
    assert created.changes["nik_encrypted"] == [None, audit.REDACTED]
    assert created.changes["status"] == [None, "submitted"]

    # A correction of the requester's details, then a step by staff.
    request.phone, request.email = "089876543210", "lain@example.id"
    request.nik_masked = "3303********0002"
    request.save()
    with as_user(ppid_utama):
        rs.register_request(info_request=request, by=ppid_utama)
    (corrected, registered) = events(
        Action.UPDATED, object_type="ppid.informationrequest"
    )
    assert corrected.changes == {
        "phone": [audit.REDACTED, audit.REDACTED],
        "email": [audit.REDACTED, audit.REDACTED],
        "nik_masked": [audit.REDACTED, audit.REDACTED],
    }
    assert registered.changes == {"status": ["submitted", "registered"]}
    assert registered.actor_id == ppid_utama.pk

    secrets = [NIK, "3303", PHONE, "089876543210", EMAIL, "Siti Aminah", "Sudirman"]
    secrets += ["bansos", "Penelitian", request.tracking_code_hash]
    for event in AuditEvent.objects.all():
        text = row_text(event)
        assert not [s for s in secrets if s in text], (event.action, text)


def test_an_identity_scan_is_logged_without_its_file_name(monkeypatch):
    monkeypatch.setattr(rs, "today", lambda: D(2026, 5, 4))
    rs.submit_request(
        data={
            "requester_type": "perorangan",
            "full_name": "Siti Aminah",
            "nik": NIK,
            "address": "Jl. Jenderal Sudirman 1",
            "requested_information": "Daftar penerima bansos 2025",
            "purpose": "Penelitian",
            "access_method": "melihat",
            "delivery_method": "langsung",
        },
        identity_scan=SimpleUploadedFile("ktp-siti-aminah.pdf", pdf_bytes("KTP")),
    )
    (scan,) = events(Action.CREATED, object_type="ppid.requestfile")
    assert scan.changes["original_name"] == [None, audit.REDACTED]
    assert scan.changes["kind"] == [None, "identity"]
    assert "siti" not in row_text(scan).lower()


# --- Tasks -------------------------------------------------------------------------


def test_a_task_records_no_actor_even_when_a_request_ran_it(
    ppid_utama, monkeypatch, settings
):
    from ppid.requests.tasks import delete_expired_identity_scans_task

    settings.PPID_IDENTITY_RETENTION_DAYS = 30
    monkeypatch.setattr(rs, "today", lambda: D(2026, 1, 5))
    request, _code = rs.submit_request(
        data={
            "requester_type": "perorangan",
            "full_name": "Siti Aminah",
            "nik": NIK,
            "address": "Jl. Jenderal Sudirman 1",
            "requested_information": "Daftar penerima bansos 2025",
            "purpose": "Penelitian",
            "access_method": "melihat",
            "delivery_method": "langsung",
        },
        identity_scan=SimpleUploadedFile("ktp.pdf", pdf_bytes("KTP")),
    )
    rs.answer_request(
        info_request=request, by=ppid_utama, decision="granted_full", letter="x"
    )
    rs.close_request(info_request=request, by=ppid_utama)
    monkeypatch.setattr(rs, "today", lambda: D(2026, 2, 5))
    # In-process tasks (no broker) run inside the request that queued them.
    with as_user(ppid_utama, "192.0.2.5"):
        assert delete_expired_identity_scans_task.delay().get() == 1
        audit.record(Action.UPDATED, detail={"after": "task"})
    (deleted,) = events(Action.DELETED, object_type="ppid.requestfile")
    assert deleted.actor_id is None and deleted.actor_username == ""
    assert deleted.ip is None
    assert deleted.source == AuditEvent.Source.TASK
    assert (
        deleted.source_name == "ppid.requests.tasks.delete_expired_identity_scans_task"
    )
    # Once the task has ended, the request is the context again.
    after = AuditEvent.objects.get(detail={"after": "task"})
    assert (after.actor_id, after.ip) == (ppid_utama.pk, "192.0.2.5")


# --- Evaluations -------------------------------------------------------------------


@pytest.fixture
def evaluation(db, monkeypatch):
    from tests.factories import OpdFactory

    monkeypatch.setattr(evaluations, "today", lambda: D(2026, 11, 3))
    opds = [OpdFactory(short_name="AUDIT{}".format(n)) for n in range(3)]
    team = UserFactory(username="tim-dinkominfo", role="dinkominfo")
    return opds, team


def test_build_report_is_one_event_and_reads_nothing_more(evaluation):
    opds, team = evaluation
    with CaptureQueriesContext(connection) as queries:
        report = evaluations.build_report(MONTH, by=team)
    audit_sql = [q["sql"] for q in queries if "opds_auditevent" in q["sql"]]
    assert audit_sql and all(sql.startswith("INSERT") for sql in audit_sql)
    (built,) = events(Action.REPORT_BUILT)
    assert built.actor_id == team.pk and built.object_id == str(report.pk)
    assert built.detail["opd_scores"] == OpdScore.objects.count() == 3
    assert built.detail["item_scores"] == ItemScore.objects.count()
    assert built.changes == {"sha256": ["", report.sha256]}
    assert not AuditEvent.objects.filter(
        object_type__in=["evaluations.opdscore", "evaluations.itemscore"]
    ).exists()
    evaluations.build_report(MONTH, by=team)
    assert len(events(Action.REPORT_BUILT)) == 2


def test_a_manual_score_and_a_contest_decision_are_recorded(evaluation):
    opds, team = evaluation
    report = evaluations.build_report(MONTH)
    manual = ItemScore.objects.select_related("item", "opd_score").get(
        opd_score__report=report, opd_score__opd=opds[0], item__code="sk_ppid"
    )
    evaluations.score_manual_item(
        manual, by=team, ratio=Decimal("0.5"), comment="SK 2026 ada"
    )
    (scored,) = events(Action.UPDATED, object_type="evaluations.itemscore")
    assert scored.actor_id == team.pk and scored.object_id == str(manual.pk)
    assert scored.changes == {
        "ratio": [None, "0.5000"],
        "comment": ["", "SK 2026 ada"],
    }

    evaluations.open_for_reply(report, by=team, deadline=D(2026, 11, 10))
    (opened,) = events(Action.UPDATED, object_type="evaluations.monthlyreport")
    assert opened.changes["status"] == ["draft", "reply"]
    admin = UserFactory(role="opd_admin", opd=opds[0])
    disputed = ItemScore.objects.select_related("item", "opd_score__report").get(
        opd_score__report=report, opd_score__opd=opds[0], item__code="dip_lengkap"
    )
    with as_user(admin, "192.0.2.30"):
        filed = evaluations.contest(disputed, by=admin, argument="Sudah terbit")
    (contested,) = events(Action.CREATED, object_type="evaluations.contest")
    assert (contested.actor_id, contested.ip) == (admin.pk, "192.0.2.30")
    (reply,) = events(Action.UPDATED, object_type="evaluations.opdscore")
    assert reply.changes == {"reply": ["", "contest"]}
    old_ratio = None if disputed.ratio is None else str(disputed.ratio)

    with as_user(team):
        evaluations.decide_contest(
            filed, by=team, accept=True, response="Bukti diterima", ratio=Decimal(1)
        )
    (decided,) = events(Action.UPDATED, object_type="evaluations.contest")
    assert decided.actor_id == team.pk
    assert decided.changes["status"] == ["pending", "accepted"]
    assert decided.changes["response"] == ["", "Bukti diterima"]
    rescored = events(Action.UPDATED, object_type="evaluations.itemscore")[-1]
    assert rescored.object_id == str(disputed.pk)
    assert rescored.changes["ratio"] == [old_ratio, "1.0000"]
    assert Contest.objects.get().status == Contest.Status.ACCEPTED


# --- Append-only -------------------------------------------------------------------


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm():
    event = audit.record(Action.LOGIN_FAILED, username="siapa")
    event.actor_username = "orang-lain"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(actor_username="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["actor_username"])
    assert AuditEvent.objects.get().actor_username == "siapa"


def test_deleting_an_account_keeps_its_history(opd_admin):
    audit.record(Action.LOGIN, actor=opd_admin)
    opd_admin.delete()
    event = AuditEvent.objects.get()
    assert event.actor_username == "admin-dinkes"


@pytest.mark.needs_postgres
def test_the_database_refuses_raw_sql_that_rewrites_history():
    audit.record(Action.LOGIN_FAILED, username="siapa")
    statements = [
        "UPDATE opds_auditevent SET actor_username = 'orang-lain'",
        "DELETE FROM opds_auditevent",
        # The test database allows TRUNCATE for its flushes; production
        # never sets this.
        "SET LOCAL portal.audit_allow_truncate = 'off'; TRUNCATE opds_auditevent",
    ]
    for sql in statements:
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    assert AuditEvent.objects.get().actor_username == "siapa"


# --- Admin -------------------------------------------------------------------------


def test_only_superusers_see_the_audit_log(client, superuser, opd_admin):
    from django.contrib.auth.models import Permission

    audit.record(Action.LOGIN_FAILED, username="penyusup")
    changelist = reverse("admin:opds_auditevent_changelist")
    export = reverse("admin:opds_auditevent_export")
    assert client.get(changelist).status_code == 302  # to the admin log-in
    assert client.get(export).status_code == 302
    staff = UserFactory(role="ppid_utama", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename="view_auditevent"))
    client.force_login(staff)
    assert client.get(changelist).status_code == 403
    assert client.get(export).status_code == 403
    assert b"auditevent" not in client.get(reverse("admin:index")).content
    client.force_login(superuser)
    page = client.get(changelist, {"q": "penyusup"})
    assert page.status_code == 200 and b"penyusup" in page.content
    assert b"export.csv" in page.content
    detail = client.get(
        reverse("admin:opds_auditevent_change", args=[AuditEvent.objects.first().pk])
    )
    assert detail.status_code == 200 and b'name="_save"' not in detail.content


def test_the_csv_export_follows_the_filters_and_defuses_formulas(client, superuser):
    audit.record(Action.LOGIN_FAILED, username='=HYPERLINK("http://x")')
    audit.record(Action.LOGIN_FAILED, username="tamu")
    audit.record(Action.LOGOUT, actor=superuser)
    client.force_login(superuser)
    response = client.get(
        reverse("admin:opds_auditevent_export"), {"action__exact": "login_failed"}
    )
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="audit-')
    assert disposition.endswith('.csv"')
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["action"] for r in rows] == ["login_failed", "login_failed"]
    assert {r["actor_username"] for r in rows} == {
        "tamu",
        '\'=HYPERLINK("http://x")',
    }
    assert rows[0]["changes"] == "{}"
    (exported,) = events(Action.EXPORTED)
    assert exported.actor_id == superuser.pk
    assert exported.detail == {"query": "action__exact=login_failed"}


def test_a_path_with_a_nul_is_recorded_without_it():
    # PostgreSQL refuses NUL in text: a 404 for /…%00/ must not fail to log.
    request = RequestFactory().get("/dasbor/permohonan/PPID-PBG-2026-%00/")
    event = audit.record(Action.LOGIN_FAILED, username="siapa", request=request)
    event.refresh_from_db()
    assert "\x00" not in event.source_name
    assert event.source_name.startswith("GET /dasbor/permohonan/PPID-PBG-2026-")
