"""Objections (UU 14/2008 Pasal 35-36): each ground's precondition, ground b
against an OPD with no request, and the order that follows a granted
objection (its deadline, the PPID's new answer, the flags when it is missed)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ppid.calendar.models import CalendarOverride
from ppid.calendar.workdays import WorkingCalendar
from ppid.requests import grounds
from ppid.requests import services as rs
from ppid.requests.models import InformationRequest, Objection, RequestEvent, Tariff
from tests.factories import ExclusionDecisionFactory, pdf_bytes
from tests.ppid.test_requests import recorded

pytestmark = pytest.mark.django_db
D = datetime.date
RECEIVED = D(2026, 3, 16)
DECIDED = D(2026, 4, 1)  # a Wednesday
OBJECTOR = {
    "full_name": "Budi Santoso",
    "address": "Jl. Ahmad Yani 5, Purbalingga",
    "phone": "081298765432",
    "email": "budi@example.id",
}


def answered(by, on, decision="not_documented", day=RECEIVED, **kwargs):
    """A request received and answered on ``day``."""
    on(day)
    info_request = recorded(by, day)
    rs.answer_request(
        info_request=info_request,
        by=by,
        decision=decision,
        letter="Jawaban",
        **kwargs,
    )
    info_request.refresh_from_db()
    return info_request


def file_b(opd, **overrides):
    kwargs = {
        "reason": "b",
        "opd": opd,
        "description": "Laporan keuangan 2025 belum diumumkan.",
        "objector": dict(OBJECTOR),
    }
    kwargs.update(overrides)
    return rs.file_objection(**kwargs)


def granted(objection, atasan, on, day=DECIDED):
    on(day)
    rs.answer_objection(
        objection=objection,
        by=atasan,
        decision="overturned",
        answer="Keberatan dikabulkan; PPID wajib memberikan informasi.",
    )
    objection.refresh_from_db()
    return objection


# --- Ground b: no request --------------------------------------------------------


def test_ground_b_is_filed_against_an_opd_with_no_request(opd, on):
    on(D(2026, 3, 16))
    objection = file_b(opd)
    assert objection.request is None and objection.opd == opd
    assert objection.objection_number == "KEB-PBG/2026/000001"
    assert objection.full_name == "Budi Santoso"
    # Its own tracking code, given once and stored as a hash.
    assert objection.tracking_code
    assert objection.tracking_code not in objection.tracking_code_hash
    assert rs.find_objection_by_code(objection.url_key, objection.tracking_code) == (
        objection
    )
    assert rs.find_objection_by_code(objection.url_key, "AAAAAAAAAAAA") is None
    # The Atasan's 30 working days (Pasal 36(2)) run as for any objection.
    assert objection.due_on == WorkingCalendar(D(2026, 3, 16), D(2026, 3, 16)).add(
        D(2026, 3, 16), 30
    )


def test_ground_b_without_an_opd_is_refused_naming_the_field(on):
    on(D(2026, 3, 16))
    with pytest.raises(ValidationError) as exc:
        file_b(None)
    assert set(exc.value.message_dict) == {"opd"}
    assert "perangkat daerah" in exc.value.message_dict["opd"][0]
    assert not Objection.objects.exists()


def test_ground_b_needs_who_objects_and_how_to_reach_them(opd, on):
    on(D(2026, 3, 16))
    with pytest.raises(ValidationError) as exc:
        file_b(opd, objector={"full_name": "", "address": "", "email": "bukan"})
    assert {"full_name", "address", "email"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        file_b(opd, objector={**OBJECTOR, "phone": "", "email": ""})
    assert "phone" in exc.value.message_dict
    assert not Objection.objects.exists()


def test_ground_b_is_not_filed_on_a_request(ppid_utama, on):
    info_request = answered(ppid_utama, on)
    with pytest.raises(ValidationError) as exc:
        rs.file_objection(info_request=info_request, reason="b", description="x")
    assert "reason" in exc.value.message_dict
    assert not Objection.objects.exists()


def test_request_grounds_need_a_request(opd, on):
    on(D(2026, 3, 16))
    with pytest.raises(ValidationError) as exc:
        rs.file_objection(reason="c", opd=opd, description="x")
    assert "request" in exc.value.message_dict


# --- Grounds on a request -----------------------------------------------------------


def test_ground_a_needs_a_refusal_on_an_exclusion(ppid_utama, opd, on):
    not_held = answered(ppid_utama, on)
    with pytest.raises(ValidationError) as exc:
        rs.file_objection(info_request=not_held, reason="a", description="x")
    assert "Pasal 17" in exc.value.message_dict["reason"][0]
    assert not Objection.objects.exists()
    dik = ExclusionDecisionFactory(item__opd=opd, ground="h")
    refused = answered(
        ppid_utama, on, decision="refused_excluded", excluded_item=dik.item
    )
    assert rs.file_objection(info_request=refused, reason="a", description="x")
    # A grant in part refuses the blacked-out parts on a Pasal 17 ground.
    partial = answered(
        ppid_utama, on, decision="granted_partial", redaction_notes="NIK (17 h)"
    )
    assert rs.file_objection(info_request=partial, reason="a", description="x")


def test_ground_c_is_for_no_answer_and_g_for_a_late_one(ppid_utama, on):
    on_time = answered(ppid_utama, on)
    for reason in ("c", "g"):
        with pytest.raises(ValidationError) as exc:
            rs.file_objection(info_request=on_time, reason=reason, description="x")
        assert "reason" in exc.value.message_dict
    on(D(2026, 3, 16))
    late = recorded(ppid_utama, D(2026, 3, 16))  # due 7 April
    on(D(2026, 4, 8))
    with pytest.raises(ValidationError) as exc:
        rs.file_objection(info_request=late, reason="g", description="x")
    assert "reason" in exc.value.message_dict  # not answered yet: ground c
    rs.answer_request(
        info_request=late, by=ppid_utama, decision="granted_full", letter="x"
    )
    assert rs.file_objection(info_request=late, reason="g", description="terlambat")
    with pytest.raises(ValidationError):
        rs.file_objection(info_request=late, reason="c", description="x")


def test_ground_d_needs_an_answer(ppid_utama, on):
    on(D(2026, 3, 16))
    info_request = recorded(ppid_utama, D(2026, 3, 16))
    on(D(2026, 4, 8))  # the deadline passed without an answer
    with pytest.raises(ValidationError) as exc:
        rs.file_objection(info_request=info_request, reason="d", description="x")
    assert "reason" in exc.value.message_dict
    assert rs.file_objection(info_request=info_request, reason="e", description="x")


def test_ground_f_needs_a_cost_in_the_written_notice(ppid_utama, opd, on):
    """UU Pasal 35(1)f: unreasonable fees can only be claimed once the written
    notice set a cost at the OPD's tariff (Pasal 22(7)g)."""
    free = answered(ppid_utama, on, decision="granted_full")
    assert not grounds.request_has_cost_set(free)
    with pytest.raises(ValidationError) as exc:
        rs.file_objection(info_request=free, reason="f", description="x")
    assert "reason" in exc.value.message_dict
    Tariff.objects.create(
        opd=opd, copy_per_page=500, payment_methods="Tunai di loket PPID"
    )
    charged = recorded(ppid_utama, RECEIVED, opd=opd, copy_format="hardcopy")
    rs.answer_request(
        info_request=charged,
        by=ppid_utama,
        decision="granted_full",
        letter="Terlampir.",
        copy_pages=40,
    )
    charged.refresh_from_db()
    assert charged.cost == 20_000
    objection = rs.file_objection(
        info_request=charged, reason="f", description="Biaya fotokopi tinggi"
    )
    assert objection.reason == "f"


def test_every_ground_cites_its_article():
    assert set(grounds.GROUNDS) == set(Objection.Reason.values)
    for letter, ground in grounds.GROUNDS.items():
        assert ground.article == "UU 14/2008 Pasal 35(1){}".format(letter)
        assert ground.needs_request == (letter != "b")


# --- The order after a granted objection ------------------------------------------------


def test_a_granted_objection_orders_the_ppid_with_a_deadline(ppid_utama, atasan, on):
    info_request = answered(ppid_utama, on)
    objection = rs.file_objection(
        info_request=info_request, reason="d", description="Tidak sesuai"
    )
    objection = granted(objection, atasan, on)  # Wed 1 April 2026
    # 10 working days (PPID_OBJECTION_ORDER_WORKING_DAYS) on the calendar:
    # Good Friday (3 April) skipped.
    assert objection.order_due_on == D(2026, 4, 16)
    assert objection.order_due_on == WorkingCalendar(D(2026, 4, 1), D(2026, 4, 1)).add(
        D(2026, 4, 1), 10
    )
    event = info_request.events.get(action=RequestEvent.Action.ORDER_ISSUED)
    assert event.is_public and "16-04-2026" in event.note
    assert objection.order_pending


def test_the_order_deadline_is_a_setting(ppid_utama, atasan, on, settings):
    settings.PPID_OBJECTION_ORDER_WORKING_DAYS = 3
    objection = rs.file_objection(
        info_request=answered(ppid_utama, on), reason="d", description="x"
    )
    assert granted(objection, atasan, on).order_due_on == D(2026, 4, 7)


def test_an_upheld_answer_orders_nothing(ppid_utama, atasan, on):
    objection = rs.file_objection(
        info_request=answered(ppid_utama, on), reason="d", description="x"
    )
    rs.answer_objection(
        objection=objection, by=atasan, decision="upheld", answer="Alasan"
    )
    objection.refresh_from_db()
    assert objection.order_due_on is None
    assert not Objection.objects.orders_pending().exists()


def test_ppid_records_a_new_answer_after_a_granted_objection(
    ppid_utama, atasan, opd, opd_admin, other_opd_admin, on
):
    on(D(2026, 3, 16))
    info_request = recorded(opd_admin, D(2026, 3, 16))
    rs.answer_request(
        info_request=info_request, by=opd_admin, decision="not_documented", letter="x"
    )
    rs.close_request(info_request=info_request, by=opd_admin)
    objection = rs.file_objection(
        info_request=info_request, reason="e", description="Tidak dipenuhi"
    )
    assert objection.opd == opd
    granted(objection, atasan, on)
    info_request.refresh_from_db()
    # The closed request opens again until the PPID acts on the decision.
    assert info_request.status == InformationRequest.Status.ANSWERED
    with pytest.raises(ValidationError) as exc:
        rs.close_request(info_request=info_request, by=opd_admin)
    assert "status" in exc.value.message_dict
    for outsider in (atasan, other_opd_admin):
        with pytest.raises(PermissionDenied):
            rs.comply_with_objection(objection=objection, by=outsider, answer="x")
    with pytest.raises(ValidationError) as exc:
        rs.comply_with_objection(objection=objection, by=opd_admin, answer=" ")
    assert "answer" in exc.value.message_dict
    on(D(2026, 4, 10))
    rs.comply_with_objection(
        objection=objection,
        by=opd_admin,
        answer="Informasi kami berikan seluruhnya; terlampir.",
        files=[SimpleUploadedFile("data.pdf", pdf_bytes(), "application/pdf")],
    )
    objection.refresh_from_db()
    assert objection.order_done_on == D(2026, 4, 10)
    assert objection.order_done_by == opd_admin
    assert not objection.order_is_missed(D(2026, 5, 1))
    event = info_request.events.get(action=RequestEvent.Action.ORDER_COMPLIED)
    assert event.is_public and objection.objection_number in event.note
    assert info_request.files.filter(kind="objection_answer").count() == 1
    # The request's first answer and its dates are its legal record.
    info_request.refresh_from_db()
    assert info_request.answered_on == D(2026, 3, 16)
    assert info_request.decision == "not_documented"
    with pytest.raises(ValidationError):
        rs.comply_with_objection(objection=objection, by=opd_admin, answer="lagi")
    rs.close_request(info_request=info_request, by=opd_admin)


def test_ground_b_order_is_acted_on_by_the_opd_without_files(
    opd, opd_admin, other_opd_admin, atasan, on
):
    on(D(2026, 3, 16))
    objection = granted(file_b(opd), atasan, on)
    with pytest.raises(PermissionDenied):
        rs.comply_with_objection(objection=objection, by=other_opd_admin, answer="x")
    with pytest.raises(ValidationError) as exc:
        rs.comply_with_objection(
            objection=objection,
            by=opd_admin,
            answer="x",
            files=[SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf")],
        )
    assert "files" in exc.value.message_dict
    rs.comply_with_objection(
        objection=objection, by=opd_admin, answer="Sudah diumumkan di DIP."
    )
    objection.refresh_from_db()
    assert objection.order_done_on == D(2026, 4, 1)


def test_a_missed_order_is_flagged(ppid_utama, atasan, opd, on):
    on(D(2026, 3, 16))
    pending = granted(file_b(opd), atasan, on)  # due 16 April
    late = granted(file_b(opd), atasan, on)
    in_time = granted(file_b(opd), atasan, on)
    on(D(2026, 4, 16))
    rs.comply_with_objection(objection=in_time, by=ppid_utama, answer="x")
    assert not Objection.objects.order_missed(D(2026, 4, 16)).exists()
    on(D(2026, 4, 20))
    rs.comply_with_objection(objection=late, by=ppid_utama, answer="x")
    missed = Objection.objects.order_missed(D(2026, 4, 20))
    assert set(missed) == {pending, late}
    assert list(Objection.objects.order_overdue(D(2026, 4, 20))) == [pending]
    pending.refresh_from_db()
    assert pending.order_is_missed(D(2026, 4, 17))
    assert not pending.order_is_missed(D(2026, 4, 16))


def test_a_changed_calendar_moves_a_pending_order(ppid_utama, atasan, opd, on):
    on(D(2026, 3, 16))
    objection = granted(file_b(opd), atasan, on)
    assert objection.order_due_on == D(2026, 4, 16)
    CalendarOverride.objects.create(
        date=D(2026, 4, 10), is_working_day=False, reason="Libur daerah"
    )
    rs.recompute_open_deadlines()
    objection.refresh_from_db()
    assert objection.order_due_on == D(2026, 4, 17)


def test_the_daily_digest_flags_a_missed_order(
    ppid_utama, opd_admin, other_opd_admin, atasan, opd, on
):
    from ppid.requests.tasks import send_request_digests_task

    on(D(2026, 3, 16))
    objection = granted(file_b(opd), atasan, on)
    on(D(2026, 4, 17))
    assert set(rs.digest_recipients()) == {opd_admin.pk, ppid_utama.pk}
    assert send_request_digests_task.delay().get() == 2
    body = {m.to[0]: m.body for m in mail.outbox}[opd_admin.email]
    assert objection.objection_number in body
    assert "tindak lanjut terlambat sejak 16 April 2026" in body
    assert OBJECTOR["phone"] not in body and OBJECTOR["email"] not in body


# --- Pages ---------------------------------------------------------------------------


def test_public_page_files_ground_b_choosing_an_opd(
    client, opd, on, django_capture_on_commit_callbacks
):
    on(D(2026, 3, 16))
    page = client.get(reverse("ppid:objection-form"))
    assert page.status_code == 200
    assert "Nomor pendaftaran" not in page.content.decode()
    data = {
        "opd": opd.pk,
        "description": "Ringkasan laporan keuangan tidak ada.",
        **OBJECTOR,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ppid:objection-form"), data)
    assert response.status_code == 302
    sent = client.get(response["Location"]).content.decode()
    objection = Objection.objects.get()
    assert objection.request is None and objection.opd == opd
    assert objection.objection_number in sent
    code = sent.split('class="font-monospace">')[1].split("<")[0]
    assert len(mail.outbox) == 1 and code in mail.outbox[0].body
    # Followed from the tracking page with the objection number and the code.
    other = client.__class__()
    tracked = other.post(
        reverse("ppid:request-track"),
        {"registration_number": objection.objection_number, "tracking_code": code},
    )
    assert tracked["Location"] == reverse(
        "ppid:objection-status", kwargs={"number": objection.url_key}
    )
    status = other.get(tracked["Location"]).content.decode()
    assert "informasi berkala" in status and opd.name in status
    # Nobody else reads it without the code.
    # Nobody else reads it without the code: the link asks for it.
    asked = client.__class__().get(tracked["Location"])
    assert asked.status_code == 200
    assert asked.context["form"].initial["registration_number"] == (
        objection.objection_number
    )
    assert opd.name not in asked.content.decode()


def test_public_page_without_an_opd_names_the_field(client, on):
    on(D(2026, 3, 16))
    response = client.post(
        reverse("ppid:objection-form"), {"description": "x", **OBJECTOR}
    )
    assert response.status_code == 400
    assert "opd" in response.context["form"].errors
    assert "Pilih perangkat daerah" in response.content.decode()
    assert not Objection.objects.exists()


def test_tracking_page_shows_the_order_and_the_new_answer(
    client, ppid_utama, atasan, on
):
    on(D(2026, 3, 16))
    response = client.post(
        reverse("ppid:request-form"),
        {
            "requester_type": "perorangan",
            "full_name": "Siti Aminah",
            "nik": "3303014507900001",
            "address": "Jl. Jenderal Sudirman 1",
            "requested_information": "Data",
            "purpose": "Penelitian",
            "access_method": "melihat",
            "delivery_method": "langsung",
        },
    )
    assert response.status_code == 302
    info_request = InformationRequest.objects.get()
    rs.answer_request(
        info_request=info_request, by=ppid_utama, decision="not_documented", letter="x"
    )
    objection = rs.file_objection(
        info_request=info_request, reason="d", description="Tidak sesuai"
    )
    granted(objection, atasan, on)
    url = reverse("ppid:request-status", kwargs={"number": info_request.url_key})
    page = client.get(url).content.decode()
    assert "16 April 2026" in page and "PPID belum mencatat jawaban barunya" in page
    rs.comply_with_objection(
        objection=objection,
        by=ppid_utama,
        answer="Data kami berikan seluruhnya.",
        files=[SimpleUploadedFile("data.pdf", pdf_bytes(), "application/pdf")],
    )
    page = client.get(url).content.decode()
    assert "Data kami berikan seluruhnya." in page
    assert "Jawaban baru setelah keberatan" in page  # the timeline's event
    record = info_request.files.get(kind="objection_answer")
    download = client.get(
        reverse(
            "ppid:requester-file",
            kwargs={"number": info_request.url_key, "file_id": record.pk},
        )
    )
    assert download.status_code == 200


def test_staff_pages_flag_a_missed_order(
    client, ppid_utama, opd_admin, other_opd_admin, atasan, on
):
    info_request = answered(ppid_utama, on)
    objection = granted(
        rs.file_objection(info_request=info_request, reason="d", description="x"),
        atasan,
        on,
    )
    on(D(2026, 4, 17))
    client.force_login(ppid_utama)
    register = client.get(reverse("ppid:request-register")).content.decode()
    row = register.split(info_request.registration_number)[1].split("</tr>")[0]
    assert "tindak lanjut terlambat" in row
    detail = client.get(objection.get_absolute_url()).content.decode()
    assert "tindak lanjut terlambat" in detail and "Catat jawaban baru" in detail
    objections = client.get(
        reverse("ppid:objection-register") + "?order=missed"
    ).content.decode()
    assert objection.objection_number in objections
    # The PPID records the new answer from the objection's page.
    response = client.post(
        reverse("ppid:objection-comply", kwargs={"number": objection.url_key}),
        {"answer": "Informasi diberikan."},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.order_done_on == D(2026, 4, 17)
    register = client.get(reverse("ppid:request-register")).content.decode()
    assert "tindak lanjut terlambat" not in register


def test_opd_admins_see_only_their_own_ground_b_objections(
    client, opd, opd_admin, other_opd_admin, on
):
    on(D(2026, 3, 16))
    objection = file_b(opd)
    client.force_login(other_opd_admin)
    assert client.get(objection.get_absolute_url()).status_code == 404
    assert (
        objection.objection_number
        not in client.get(reverse("ppid:objection-register")).content.decode()
    )
    client.force_login(opd_admin)
    page = client.get(objection.get_absolute_url()).content.decode()
    assert objection.objection_number in page


def test_atasan_answers_a_ground_b_objection_on_its_page(client, opd, atasan, on):
    on(D(2026, 3, 16))
    objection = file_b(opd)
    client.force_login(atasan)
    response = client.post(
        reverse("ppid:objection-staff-answer", kwargs={"number": objection.url_key}),
        {"decision": "overturned", "answer": "Dikabulkan."},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    # 10 working days after 16 March: Nyepi, Idul Fitri, their cuti bersama
    # and Good Friday skipped.
    assert objection.order_due_on == D(2026, 4, 7)


def test_staff_record_a_paper_ground_b_objection(client, opd, opd_admin, on):
    on(D(2026, 3, 16))
    client.force_login(opd_admin)
    response = client.post(
        reverse("ppid:objection-record"),
        {
            "opd": opd.pk,
            "description": "Tidak ada laporan kinerja.",
            "filed_on": "2026-03-13",
            "channel": "surat",
            **OBJECTOR,
        },
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.filed_on, objection.channel, objection.filed_by) == (
        D(2026, 3, 13),
        "surat",
        opd_admin,
    )


# --- API ------------------------------------------------------------------------------


def test_api_files_ground_b_and_follows_it_with_the_code(api_client, opd, atasan, on):
    on(D(2026, 3, 16))
    url = "/api/v1/objections/"
    missing = api_client.post(url, {"description": "x", **OBJECTOR}, format="json")
    assert missing.status_code == 400 and "opd" in missing.json()
    made = api_client.post(
        url, {"opd": opd.slug, "description": "Tidak ada", **OBJECTOR}, format="json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert set(body) == {"objection_number", "due_date", "tracking_code"}
    detail = url + body["objection_number"] + "/"
    assert api_client.get(detail).status_code == 404
    shown = api_client.get(detail, HTTP_X_TRACKING_CODE=body["tracking_code"])
    assert shown.status_code == 200
    assert shown.json()["request"] is None and shown.json()["opd"] == opd.slug
    for secret in OBJECTOR.values():
        assert secret not in shown.content.decode()
    assert api_client.get(url).status_code in (401, 403)
    api_client.force_authenticate(atasan)
    api_client.post(
        detail + "answer/", {"decision": "overturned", "answer": "Dikabulkan"}
    )
    listed = api_client.get(url + "?order=pending").json()
    assert [o["objection_number"] for o in listed["results"]] == [
        body["objection_number"]
    ]
    assert listed["results"][0]["order_due_date"] == "2026-04-07"
    assert api_client.post(detail + "comply/", {"answer": "x"}).status_code == 403


# --- Ground b at the Komisi Informasi (review of the merged parts) -----------------


def _ground_b_disputed(opd, atasan, on):
    """A ground-b objection upheld by the Atasan and taken to the KI."""
    on(D(2026, 3, 16))
    objection = file_b(opd)
    on(DECIDED)
    rs.answer_objection(
        objection=objection, by=atasan, decision="upheld", answer="Sudah diumumkan."
    )
    rs.respond_to_objection_answer(objection=objection, accept=False)
    objection.refresh_from_db()
    return objection


def test_a_ground_b_dispute_result_is_recorded_by_the_objections_opd(
    opd, opd_admin, other_opd_admin, atasan, on
):
    from opds import permissions as perms

    objection = _ground_b_disputed(opd, atasan, on)
    dispute = objection.dispute
    # No request: who may record follows the objection's own agency.
    assert not perms.can_record_dispute_result(other_opd_admin, dispute)
    assert perms.can_record_dispute_result(opd_admin, dispute)
    on(D(2026, 5, 4))
    with pytest.raises(PermissionDenied):
        rs.record_dispute_result(
            dispute=dispute, by=other_opd_admin, mediation_result="failed"
        )
    rs.record_dispute_result(
        dispute=dispute,
        by=opd_admin,
        mediation_result="agreed",
        decided_on=D(2026, 4, 30),
        outcome="Laporan keuangan diumumkan setelah mediasi.",
    )
    dispute.refresh_from_db()
    assert dispute.is_decided and dispute.mediation_result == "agreed"
    # No request, so no request timeline to write on.
    assert not RequestEvent.objects.filter(action="dispute_result").exists()


def test_ground_b_dispute_result_form_on_the_objection_page(
    client, opd, opd_admin, atasan, on
):
    objection = _ground_b_disputed(opd, atasan, on)
    dispute = objection.dispute
    client.force_login(opd_admin)
    on(D(2026, 5, 4))
    page = client.get(objection.get_absolute_url())
    assert page.status_code == 200
    assert "Catat hasilnya" in page.content.decode()
    url = reverse("ppid:objection-dispute-result", args=[objection.url_key])
    prefix = "dispute-{}-".format(dispute.pk)
    bad = client.post(url, {prefix + "court_result": "overturned"})
    assert bad.status_code == 400
    good = client.post(
        url,
        {
            prefix + "adjudication_result": "granted",
            prefix + "decided_on": "2026-04-30",
            prefix + "outcome": "Informasi wajib diumumkan.",
        },
    )
    assert good.status_code == 302
    dispute.refresh_from_db()
    assert dispute.adjudication_result == "granted"


def test_an_objection_to_an_unrouted_request_follows_it_to_its_opd(ppid_utama, opd, on):
    """The objection weighs on the OPD the request is routed to (the
    evaluation reads ``Objection.opd``), as it is shown to that OPD."""
    on(RECEIVED)
    info_request = recorded(ppid_utama, RECEIVED)
    assert info_request.opd is None
    on(D(2026, 4, 8))
    objection = rs.file_objection(
        info_request=info_request, reason="c", description="Tidak ditanggapi."
    )
    assert objection.opd is None
    rs.route_request(info_request=info_request, by=ppid_utama, opd=opd)
    objection.refresh_from_db()
    assert objection.opd == opd
