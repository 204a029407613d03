"""Information requests: clocks, lifecycle, objections, scope and personal data."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from opds import permissions as perms
from ppid.calendar.models import CalendarOverride
from ppid.catalogue.models import Category
from ppid.requests import services as rs
from ppid.requests.models import (
    InformationRequest,
    Objection,
    RequestEvent,
    RequestFile,
)
from tests.factories import (
    ExclusionDecisionFactory,
    InformationItemFactory,
    UserFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db
D = datetime.date
NIK = "3303014507900001"  # Purbalingga, a woman born 5 July 1990


def request_data(**overrides):
    data = {
        "requester_type": "perorangan",
        "full_name": "Siti Aminah",
        "nik": NIK,
        "address": "Jl. Jenderal Sudirman 1, Purbalingga",
        "phone": "081234567890",
        "email": "siti@example.id",
        "occupation": "Guru",
        "requested_information": "Daftar penerima bantuan sosial Desa Bojong 2025",
        "purpose": "Penelitian skripsi",
        "access_method": "salinan",
        "copy_format": "softcopy",
        "delivery_method": "email",
        "opd": None,
    }
    data.update(overrides)
    return data


def recorded(by, received_on, **overrides):
    request, _code = rs.submit_request(
        data=request_data(**overrides), by=by, channel="surat", received_on=received_on
    )
    return request


# --- Clocks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due", "extended", "completeness"),
    [
        # Nyepi (19 Mar), Idul Fitri (21-22 Mar), cuti bersama 18, 20, 23, 24
        # Mar and Good Friday (3 Apr) are skipped; the day of receipt is not
        # counted.
        (D(2026, 3, 16), D(2026, 4, 7), D(2026, 4, 16), D(2026, 3, 26)),
        (D(2026, 3, 17), D(2026, 4, 8), D(2026, 4, 17), D(2026, 3, 27)),
        (D(2026, 3, 13), D(2026, 4, 6), D(2026, 4, 15), D(2026, 3, 25)),
        # Received on a Saturday: it counts as received on Monday (the
        # default PPID_RECEIPT_OUTSIDE_HOURS), so Tuesday is the first
        # working day; Imlek (17 Feb) and its cuti bersama (16 Feb) are
        # skipped.
        (D(2026, 2, 7), D(2026, 2, 25), D(2026, 3, 6), D(2026, 2, 12)),
    ],
)
def test_clocks_skip_weekends_holidays_and_cuti_bersama(
    ppid_utama, on, received, due, extended, completeness
):
    on(D(2026, 3, 20) if received < D(2026, 3, 20) else received)
    request = recorded(ppid_utama, received)
    assert (request.due_on, request.answer_due_on) == (due, due)
    assert request.completeness_due_on == completeness
    on(due)
    rs.extend_request(
        info_request=request, by=ppid_utama, reason="Dokumen di arsip pusat"
    )
    request.refresh_from_db()
    assert (request.extended_due_on, request.answer_due_on) == (extended, extended)


def test_cuti_bersama_can_count_as_working(ppid_utama, on, settings):
    settings.WORKDAYS_CUTI_BERSAMA_IS_WORKING = True
    on(D(2026, 3, 16))
    assert recorded(ppid_utama, D(2026, 3, 16)).due_on == D(2026, 3, 31)


def test_local_clock_runs_from_completeness(ppid_utama, on):
    on(D(2026, 3, 16))
    request = recorded(ppid_utama, D(2026, 3, 16))
    on(D(2026, 3, 25))
    rs.mark_complete(info_request=request, by=ppid_utama)
    request.refresh_from_db()
    # 10 working days after 25 Mar, Good Friday skipped; the legal clock
    # still runs from receipt.
    assert (request.completed_on, request.local_due_on) == (
        D(2026, 3, 25),
        D(2026, 4, 9),
    )
    assert request.answer_due_on == D(2026, 4, 7)


def test_override_table_moves_deadlines_and_open_requests_follow(ppid_utama, on):
    on(D(2026, 3, 16))
    request = recorded(ppid_utama, D(2026, 3, 16))
    answered = recorded(ppid_utama, D(2026, 3, 16))
    rs.answer_request(
        info_request=answered,
        by=ppid_utama,
        decision="granted_full",
        letter="Terlampir.",
    )
    CalendarOverride.objects.create(
        date=D(2026, 3, 26),
        is_working_day=False,
        reason="Libur daerah",
        source="SE Bupati",
    )
    assert rs.recompute_open_deadlines() == 1
    request.refresh_from_db()
    answered.refresh_from_db()
    assert request.due_on == D(2026, 4, 8)
    assert answered.due_on == D(2026, 4, 7)  # answered: its record stays as it was
    assert request.events.filter(
        action=RequestEvent.Action.DEADLINES_RECOMPUTED
    ).exists()
    # A Saturday opened as a working day counts.
    CalendarOverride.objects.create(
        date=D(2026, 3, 28), is_working_day=True, reason="Ganti hari"
    )
    assert recorded(ppid_utama, D(2026, 3, 16)).due_on == D(2026, 4, 7)


def test_flagged_when_due_within_two_working_days_or_overdue(ppid_utama, on):
    on(D(2026, 4, 1))
    due_7_apr = recorded(ppid_utama, D(2026, 3, 16))
    due_8_apr = recorded(ppid_utama, D(2026, 3, 17))
    # Checked complete (late for the Perbup, which flags that on its own):
    # only the legal deadline is left to flag here.
    for request in (due_7_apr, due_8_apr):
        rs.mark_complete(info_request=request, by=ppid_utama)
    # 2 working days after Fri 3 Apr (Good Friday) is Tue 7 Apr.
    limit = rs.due_soon_limit(D(2026, 4, 2))
    assert limit == D(2026, 4, 7)
    flagged = InformationRequest.objects.needing_attention(limit)
    assert list(flagged) == [due_7_apr]
    assert set(InformationRequest.objects.needing_attention(D(2026, 4, 9))) == {
        due_7_apr,
        due_8_apr,
    }


# --- Submission ------------------------------------------------------------------


def test_web_request_gets_number_code_and_encrypted_nik(on):
    on(D(2026, 5, 4))
    first, code = rs.submit_request(data=request_data())
    second, other_code = rs.submit_request(data=request_data(full_name="Budi"))
    assert first.registration_number == "PPID-PBG/2026/000001"
    assert second.registration_number == "PPID-PBG/2026/000002"
    assert first.status == InformationRequest.Status.SUBMITTED
    assert (first.channel, first.received_on) == ("web", D(2026, 5, 4))
    assert code != other_code and len(code) == 12
    assert rs.find_by_code(first.registration_number, code) == first
    assert rs.find_by_code("PPID-PBG-2026-000001", code.lower()) == first
    assert rs.find_by_code(first.registration_number, other_code) is None
    stored = InformationRequest.objects.filter(pk=first.pk).values().get()
    assert NIK not in str(stored) and code not in str(stored)
    assert first.nik_masked == "3303********0001"


def test_anonymous_cannot_backdate_or_choose_channel(on):
    on(D(2026, 5, 4))
    request, _code = rs.submit_request(
        data=request_data(), channel="surat", received_on=D(2026, 1, 2)
    )
    assert (request.channel, request.received_on) == ("web", D(2026, 5, 4))


def test_staff_record_paper_request_with_past_date(opd_admin, opd, on):
    on(D(2026, 5, 4))
    request = recorded(opd_admin, D(2026, 4, 27), opd=None)
    assert request.status == InformationRequest.Status.REGISTERED
    assert request.opd == opd  # a PPID Pelaksana records for its own OPD
    assert (request.channel, request.received_on, request.recorded_by) == (
        "surat",
        D(2026, 4, 27),
        opd_admin,
    )
    with pytest.raises(ValidationError) as exc:
        recorded(opd_admin, D(2026, 5, 5))
    assert "received_on" in exc.value.message_dict


@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("330301450790000", "16"),
        ("33030145079000a1", "16"),
        ("9903014507900001", "provinsi"),
        ("3303013102900001", "tanggal lahir"),  # 31 February
        ("3303017104900001", "tanggal lahir"),  # a woman "born" 31 April
        ("3303014507900000", "0000"),
    ],
)
def test_bad_nik_is_refused_naming_the_field(nik, fragment):
    with pytest.raises(ValidationError) as exc:
        rs.submit_request(data=request_data(nik=nik))
    assert fragment in " ".join(exc.value.message_dict["nik"])
    assert not InformationRequest.objects.exists()


def test_missing_fields_and_rules_are_named():
    with pytest.raises(ValidationError) as exc:
        rs.submit_request(
            data=request_data(
                full_name="",
                nik="",
                copy_format="",
                email="",
                requester_type="badan_hukum",
            )
        )
    assert set(exc.value.message_dict) == {
        "full_name",
        "copy_format",
        "email",
        "legal_entity_decree_no",
    }
    with pytest.raises(ValidationError) as exc:
        rs.submit_request(data=request_data(nik=""))
    assert set(exc.value.message_dict) == {"nik"}


def test_length_limits_hold_in_the_service_too():
    with pytest.raises(ValidationError) as exc:
        rs.submit_request(data=request_data(full_name="x" * 201, purpose="y" * 4001))
    assert set(exc.value.message_dict) == {"full_name", "purpose"}
    assert "200" in exc.value.message_dict["full_name"][0]
    assert not InformationRequest.objects.exists()


def test_bad_identity_scan_saves_nothing():
    with pytest.raises(ValidationError) as exc:
        rs.submit_request(
            data=request_data(),
            identity_scan=SimpleUploadedFile("ktp.jpg", b"<html>not an image</html>"),
        )
    assert "identity_scan" in exc.value.message_dict
    assert not InformationRequest.objects.exists()
    assert not RequestFile.objects.exists()


# --- Lifecycle ---------------------------------------------------------------------


def test_full_lifecycle_records_every_step(ppid_utama, opd, opd_admin, on):
    on(D(2026, 6, 1))
    request, _code = rs.submit_request(data=request_data())
    rs.route_request(info_request=request, by=ppid_utama, opd=opd)
    rs.mark_incomplete(info_request=request, by=opd_admin, reason="Lampirkan KTP")
    rs.mark_complete(info_request=request, by=opd_admin)
    rs.extend_request(info_request=request, by=opd_admin, reason="Data di 3 bidang")
    rs.answer_request(
        info_request=request,
        by=opd_admin,
        decision="granted_full",
        letter="Informasi kami kirim lewat surel.",
        files=[SimpleUploadedFile("jawaban.pdf", pdf_bytes("Data bansos"))],
    )
    rs.close_request(info_request=request, by=opd_admin)
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.CLOSED
    assert request.files.get().kind == RequestFile.Kind.ANSWER
    assert list(request.events.values_list("action", flat=True)) == [
        "submitted",
        "registered",
        "routed",
        "incomplete",
        "completed",
        "extended",
        "answered",
        "closed",
    ]


def test_wrong_state_actions_are_refused_and_change_nothing(ppid_utama, opd, on):
    on(D(2026, 6, 1))
    request = recorded(ppid_utama, D(2026, 6, 1))
    with pytest.raises(ValidationError):
        rs.close_request(info_request=request, by=ppid_utama)
    rs.mark_complete(info_request=request, by=ppid_utama)
    with pytest.raises(ValidationError):
        rs.mark_incomplete(info_request=request, by=ppid_utama, reason="x")
    rs.extend_request(info_request=request, by=ppid_utama, reason="alasan")
    with pytest.raises(ValidationError) as exc:
        rs.extend_request(info_request=request, by=ppid_utama, reason="lagi")
    assert "sekali" in str(exc.value)
    rs.answer_request(
        info_request=request,
        by=ppid_utama,
        decision="not_documented",
        letter="Belum ada.",
    )
    rs.close_request(info_request=request, by=ppid_utama)
    events = request.events.count()
    for action in (
        lambda: rs.answer_request(
            info_request=request, by=ppid_utama, decision="granted_full", letter="x"
        ),
        lambda: rs.extend_request(info_request=request, by=ppid_utama, reason="x"),
        lambda: rs.route_request(info_request=request, by=ppid_utama, opd=opd),
        lambda: rs.mark_complete(info_request=request, by=ppid_utama),
    ):
        with pytest.raises(ValidationError) as exc:
            action()
        assert set(exc.value.message_dict) == {"status"}
    request.refresh_from_db()
    assert (request.status, request.decision) == ("closed", "not_documented")
    assert request.events.count() == events


def test_extension_after_the_first_deadline_is_refused(ppid_utama, on):
    on(D(2026, 3, 16))
    request = recorded(ppid_utama, D(2026, 3, 16))
    on(D(2026, 4, 8))
    with pytest.raises(ValidationError) as exc:
        rs.extend_request(info_request=request, by=ppid_utama, reason="terlambat")
    assert "07-04-2026" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        rs.extend_request(info_request=request, by=ppid_utama, reason="  ")
    assert "reason" in exc.value.message_dict


def test_answer_decisions_need_their_details(ppid_utama, opd, on):
    on(D(2026, 6, 1))
    request = recorded(ppid_utama, D(2026, 6, 1))
    for decision, field in [
        ("granted_partial", "redaction_notes"),
        ("refused_excluded", "excluded_item"),
        ("maybe", "decision"),
    ]:
        with pytest.raises(ValidationError) as exc:
            rs.answer_request(
                info_request=request, by=ppid_utama, decision=decision, letter="Surat"
            )
        assert field in exc.value.message_dict
    public_item = InformationItemFactory(opd=opd)
    with pytest.raises(ValidationError) as exc:
        rs.answer_request(
            info_request=request,
            by=ppid_utama,
            decision="refused_excluded",
            letter="Surat",
            excluded_item=public_item,
        )
    assert "excluded_item" in exc.value.message_dict
    decision = ExclusionDecisionFactory(item__opd=opd, ground="h")
    with pytest.raises(ValidationError) as exc:
        rs.answer_request(
            info_request=request,
            by=ppid_utama,
            decision="refused_excluded",
            letter="Surat",
            excluded_item=decision.item,
            exclusion_ground="a",
        )
    assert "exclusion_ground" in exc.value.message_dict
    request.refresh_from_db()
    assert request.status == "registered"
    rs.answer_request(
        info_request=request,
        by=ppid_utama,
        decision="refused_excluded",
        letter="Ditolak berdasarkan Pasal 17 huruf h.",
        excluded_item=decision.item,
    )
    request.refresh_from_db()
    assert (request.exclusion_ground, request.excluded_item) == ("h", decision.item)
    assert decision.item.category == Category.DIKECUALIKAN


def test_bad_answer_file_leaves_request_and_storage_untouched(ppid_utama, on, settings):
    on(D(2026, 6, 1))
    request = recorded(ppid_utama, D(2026, 6, 1))
    with pytest.raises(ValidationError) as exc:
        rs.answer_request(
            info_request=request,
            by=ppid_utama,
            decision="granted_full",
            letter="Terlampir",
            files=[
                SimpleUploadedFile("a.pdf", pdf_bytes("ok")),
                SimpleUploadedFile("b.svg", b"<svg><script>alert(1)</script></svg>"),
            ],
        )
    assert "files" in exc.value.message_dict
    request.refresh_from_db()
    assert request.status == "registered" and not request.files.exists()
    media = settings.MEDIA_ROOT / "requests"
    assert not media.exists() or not any(media.iterdir())


# --- Scope ---------------------------------------------------------------------------


def test_opd_admin_sees_and_acts_only_on_its_own_opd(
    ppid_utama, opd, other_opd, opd_admin, other_opd_admin, atasan, on
):
    on(D(2026, 6, 1))
    mine = recorded(opd_admin, D(2026, 6, 1))
    theirs = recorded(other_opd_admin, D(2026, 6, 1))
    unrouted = recorded(ppid_utama, D(2026, 6, 1))
    assert list(perms.requests_visible_to(opd_admin)) == [mine]
    assert set(perms.requests_visible_to(atasan)) == {mine, theirs, unrouted}
    assert not perms.requests_visible_to(UserFactory(username="warga")).exists()
    for action in (
        lambda: rs.mark_complete(info_request=theirs, by=opd_admin),
        lambda: rs.answer_request(
            info_request=unrouted, by=opd_admin, decision="granted_full", letter="x"
        ),
        lambda: rs.route_request(info_request=mine, by=opd_admin, opd=other_opd),
        lambda: rs.extend_request(info_request=mine, by=atasan, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            action()
    assert rs.full_nik(mine, opd_admin) == NIK
    assert rs.full_nik(mine, ppid_utama) == "3303********0001"
    assert rs.full_nik(unrouted, ppid_utama) == NIK
    assert rs.full_nik(theirs, opd_admin) == "3303********0001"


# --- Objections and disputes ------------------------------------------------------


def _answered(ppid_utama, on):
    day = D(2026, 3, 16)
    on(day)
    request = recorded(ppid_utama, day)
    rs.answer_request(
        info_request=request,
        by=ppid_utama,
        decision="not_documented",
        letter="Belum ada",
    )
    request.refresh_from_db()
    return request


def test_objection_window_is_thirty_working_days(ppid_utama, atasan, on):
    request = _answered(ppid_utama, on)
    start, end = rs.objection_window(request)
    assert start == D(2026, 3, 16)
    # 30 working days: Nyepi, Idul Fitri, cuti bersama, Good Friday and
    # Labour Day (1 May) skipped.
    assert end == D(2026, 5, 6)
    on(D(2026, 5, 7))
    with pytest.raises(ValidationError) as exc:
        rs.file_objection(
            info_request=request, reason="e", description="Tidak dipenuhi"
        )
    assert "06-05-2026" in str(exc.value.message_dict["filed_on"])
    on(end)
    objection = rs.file_objection(
        info_request=request, reason="e", description="Tidak dipenuhi"
    )
    assert objection.objection_number == "KEB-PBG/2026/000001"
    # 30 working days after 6 May: Ascension (14 May) and its cuti bersama,
    # Idul Adha (27 May) and its cuti bersama, Pancasila Day (1 June) and
    # Islamic New Year (16 June) skipped.
    assert objection.due_on == D(2026, 6, 25)


def test_objection_before_answer_or_deadline_is_refused(ppid_utama, on):
    on(D(2026, 3, 16))
    request = recorded(ppid_utama, D(2026, 3, 16))
    with pytest.raises(ValidationError) as exc:
        rs.file_objection(
            info_request=request, reason="c", description="Tidak ditanggapi"
        )
    assert "07-04-2026" in str(exc.value)
    on(D(2026, 4, 8))  # the deadline passed without an answer
    objection = rs.file_objection(
        info_request=request, reason="c", description="Tidak ditanggapi"
    )
    assert objection.filed_on == D(2026, 4, 8)


@pytest.mark.parametrize("reason", ["h", "", "A"])
def test_objection_reason_must_be_a_to_g(ppid_utama, on, reason):
    request = _answered(ppid_utama, on)
    with pytest.raises(ValidationError) as exc:
        rs.file_objection(info_request=request, reason=reason, description="x")
    assert "reason" in exc.value.message_dict
    assert not Objection.objects.exists()


def test_atasan_answers_then_dispute_within_fourteen_working_days(
    ppid_utama, atasan, opd_admin, on
):
    request = _answered(ppid_utama, on)
    objection = rs.file_objection(
        info_request=request, reason="d", description="Tidak sesuai"
    )
    with pytest.raises(ValidationError):
        rs.close_request(info_request=request, by=ppid_utama)  # objection still open
    with pytest.raises(PermissionDenied):
        rs.answer_objection(
            objection=objection, by=ppid_utama, decision="upheld", answer="x"
        )
    with pytest.raises(ValidationError) as exc:
        rs.respond_to_objection_answer(objection=objection, accept=False)
    assert "status" in exc.value.message_dict
    on(D(2026, 4, 1))
    rs.answer_objection(
        objection=objection, by=atasan, decision="upheld", answer="Alasan ..."
    )
    with pytest.raises(ValidationError):
        rs.answer_objection(
            objection=objection, by=atasan, decision="overturned", answer="x"
        )
    # 14 working days after Wed 1 Apr: Good Friday skipped.
    on(D(2026, 4, 23))
    with pytest.raises(ValidationError) as exc:
        rs.respond_to_objection_answer(objection=objection, accept=False)
    assert "22-04-2026" in str(exc.value)
    on(D(2026, 4, 22))
    rs.respond_to_objection_answer(
        objection=objection, accept=False, ki_register_number="KI/1"
    )
    objection.refresh_from_db()
    assert objection.status == Objection.Status.DISPUTED
    assert objection.dispute.filing_deadline == D(2026, 4, 22)
    rs.close_request(info_request=request, by=ppid_utama)


# --- Personal data ------------------------------------------------------------------


def test_identity_scans_are_deleted_after_retention(
    ppid_utama, on, settings, django_capture_on_commit_callbacks
):
    settings.PPID_IDENTITY_RETENTION_DAYS = 30
    on(D(2026, 1, 5))
    request, _code = rs.submit_request(
        data=request_data(),
        identity_scan=SimpleUploadedFile("ktp.pdf", pdf_bytes("KTP")),
    )
    scan = request.files.get()
    path = settings.MEDIA_ROOT / scan.file.name
    assert path.exists()
    rs.answer_request(
        info_request=request, by=ppid_utama, decision="granted_full", letter="x"
    )
    rs.close_request(info_request=request, by=ppid_utama)
    assert rs.delete_expired_identity_scans(D(2026, 2, 4)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert rs.delete_expired_identity_scans(D(2026, 2, 5)) == 1
    assert not request.files.exists() and not path.exists()
    assert request.events.filter(action="identity_deleted").exists()


# --- Digests -----------------------------------------------------------------------


def test_daily_digest_goes_to_the_opd_admin_and_ppid_utama(
    ppid_utama, opd_admin, other_opd_admin, on, mailoutbox
):
    from ppid.requests.tasks import send_request_digests_task

    on(D(2026, 3, 16))
    overdue = recorded(opd_admin, D(2026, 3, 16))
    recorded(opd_admin, D(2026, 3, 16))  # answered below: no longer flagged
    rs.answer_request(
        info_request=InformationRequest.objects.order_by("-id").first(),
        by=opd_admin,
        decision="granted_full",
        letter="x",
    )
    on(D(2026, 4, 8))
    assert send_request_digests_task.delay().get() == 2
    recipients = {message.to[0]: message for message in mailoutbox}
    assert set(recipients) == {opd_admin.email, ppid_utama.email}
    body = recipients[opd_admin.email].body
    assert overdue.registration_number in body and "terlambat sejak" in body
    assert body.count("PPID-PBG/") == 1
    assert NIK not in body


def test_nothing_due_sends_nothing(ppid_utama, on, mailoutbox):
    from ppid.requests.tasks import send_request_digests_task

    on(D(2026, 3, 16))
    recorded(ppid_utama, D(2026, 3, 16))
    assert send_request_digests_task.delay().get() == 0
    assert mailoutbox == []


# --- Review findings ------------------------------------------------------------------


def test_only_published_dik_entries_of_ones_own_opd_can_be_cited(
    ppid_utama, opd, other_opd, opd_admin, on
):
    on(D(2026, 6, 1))
    request = recorded(opd_admin, D(2026, 6, 1))
    draft = ExclusionDecisionFactory(item__opd=opd, item__status="draft", ground="h")
    foreign = ExclusionDecisionFactory(item__opd=other_opd, ground="h")
    own = ExclusionDecisionFactory(item__opd=opd, ground="c")
    for decision in (draft, foreign):
        with pytest.raises(ValidationError) as exc:
            rs.answer_request(
                info_request=request,
                by=opd_admin,
                decision="refused_excluded",
                letter="Ditolak",
                excluded_item=decision.item,
            )
        assert "excluded_item" in exc.value.message_dict
    from ppid.requests.selectors import citable_exclusions

    assert list(citable_exclusions(opd_admin)) == [own.item]
    assert set(citable_exclusions(ppid_utama)) == {own.item, foreign.item}
    rs.answer_request(
        info_request=request,
        by=opd_admin,
        decision="refused_excluded",
        letter="Ditolak",
        excluded_item=own.item,
    )
    request.refresh_from_db()
    assert request.exclusion_ground == "c"


def test_staff_cannot_backdate_objections_or_disputes(ppid_utama, atasan, on):
    request = _answered(ppid_utama, on)  # answered 16 March 2026
    with pytest.raises(ValidationError) as exc:
        rs.file_objection(
            info_request=request,
            reason="e",
            description="x",
            by=ppid_utama,
            filed_on=D(2020, 1, 2),
        )
    assert "16-03-2026" in str(exc.value.message_dict["filed_on"])
    objection = rs.file_objection(
        info_request=request,
        reason="e",
        description="x",
        by=ppid_utama,
        filed_on=D(2026, 3, 16),
    )
    on(D(2026, 3, 25))
    rs.answer_objection(
        objection=objection, by=atasan, decision="upheld", answer="Alasan"
    )
    for day in (D(2026, 3, 20), D(2026, 3, 26)):  # before the answer; in the future
        with pytest.raises(ValidationError) as exc:
            rs.respond_to_objection_answer(
                objection=objection, accept=False, by=ppid_utama, filed_on=day
            )
        assert "filed_on" in exc.value.message_dict
    objection.refresh_from_db()
    assert objection.status == "answered"


def test_one_objection_per_ground(ppid_utama, atasan, on):
    request = _answered(ppid_utama, on)
    first = rs.file_objection(info_request=request, reason="e", description="x")
    rs.answer_objection(objection=first, by=atasan, decision="upheld", answer="Alasan")
    rs.respond_to_objection_answer(objection=first, accept=False)
    with pytest.raises(ValidationError) as exc:
        rs.file_objection(info_request=request, reason="e", description="lagi")
    assert first.objection_number in str(exc.value.message_dict["reason"])
    second = rs.file_objection(info_request=request, reason="d", description="lain")
    assert second.reason == "d"


def test_lapsed_deadline_window_starts_the_next_day(ppid_utama, on):
    on(D(2026, 3, 16))
    request = recorded(ppid_utama, D(2026, 3, 16))  # due 7 April
    on(D(2026, 4, 9))
    # 30 working days after 7 April; Labour Day, Ascension and its cuti
    # bersama skipped.
    assert rs.objection_window(request) == (D(2026, 4, 8), D(2026, 5, 22))
    with pytest.raises(ValidationError):
        rs.file_objection(
            info_request=request,
            reason="c",
            description="x",
            by=ppid_utama,
            filed_on=D(2026, 4, 7),
        )


def test_answered_but_unclosed_requests_lose_their_scan_too(
    ppid_utama, atasan, on, settings, django_capture_on_commit_callbacks
):
    settings.PPID_IDENTITY_RETENTION_DAYS = 30
    on(D(2026, 1, 5))
    kept, _code = rs.submit_request(
        data=request_data(),
        identity_scan=SimpleUploadedFile("ktp.pdf", pdf_bytes("KTP 1")),
    )
    dropped, _code = rs.submit_request(
        data=request_data(),
        identity_scan=SimpleUploadedFile("ktp.pdf", pdf_bytes("KTP 2")),
    )
    for request in (kept, dropped):
        rs.answer_request(
            info_request=request, by=ppid_utama, decision="granted_full", letter="x"
        )
    rs.file_objection(info_request=kept, reason="d", description="Tidak sesuai")
    with django_capture_on_commit_callbacks(execute=True):
        assert rs.delete_expired_identity_scans(D(2026, 3, 1)) == 1
    assert kept.files.exists() and not dropped.files.exists()


def test_a_failure_after_files_are_stored_removes_them(
    ppid_utama, on, settings, monkeypatch
):
    on(D(2026, 6, 1))
    request = recorded(ppid_utama, D(2026, 6, 1))
    real_event = rs._event

    def failing_event(request, by, action, *args, **kwargs):
        if action == RequestEvent.Action.ANSWERED:
            raise RuntimeError("database went away")
        return real_event(request, by, action, *args, **kwargs)

    monkeypatch.setattr(rs, "_event", failing_event)
    with pytest.raises(RuntimeError):
        rs.answer_request(
            info_request=request,
            by=ppid_utama,
            decision="granted_full",
            letter="Terlampir",
            files=[SimpleUploadedFile("a.pdf", pdf_bytes("jawaban"))],
        )
    request.refresh_from_db()
    assert request.status == "registered" and not request.files.exists()
    stored = settings.MEDIA_ROOT / "requests"
    assert not stored.exists() or not any(stored.iterdir())


def test_nul_in_a_registration_number_finds_nothing():
    assert rs.request_by_number("PPID-PBG/2026/\x00001") is None
    assert rs.canonical_objection_number("KEB-PBG-2026-\x00") == "KEB-PBG-2026-"
