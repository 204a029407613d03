"""The request API: filing, tracking, objections, staff actions, statistics."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ppid.requests import services as rs
from ppid.requests.models import InformationRequest, Objection
from tests.factories import OpdFactory, pdf_bytes
from tests.ppid.test_requests import NIK, request_data

pytestmark = pytest.mark.django_db
URL = "/api/v1/requests/"
D = datetime.date
PERSONAL = (NIK, "081234567890", "siti@example.id")


def payload(**overrides):
    data = request_data(**overrides)
    if data["opd"] is None:
        data.pop("opd")
    return data


@pytest.fixture
def on(on):
    on(D(2026, 3, 16))
    return on


def file_request(api_client, **overrides):
    response = api_client.post(URL, payload(**overrides), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def no_personal_data(response):
    body = response.content.decode()
    for secret in PERSONAL:
        assert secret not in body


def test_anonymous_files_a_request_and_tracks_it(api_client, on, opd):
    body = file_request(api_client, opd=opd.slug)
    assert set(body) == {
        "registration_number",
        "tracking_code",
        "status",
        "received_at",
        "due_date",
    }
    assert (body["status"], body["received_at"], body["due_date"]) == (
        "submitted",
        "2026-03-16",
        "2026-04-07",
    )
    detail = "{}{}/".format(URL, body["registration_number"])
    response = api_client.get(detail, {"tracking_code": body["tracking_code"]})
    assert response.status_code == 200
    tracked = response.json()
    assert {
        "registration_number",
        "status",
        "received_at",
        "due_date",
        "extended_due_date",
        "decision",
        "answered_at",
        "events",
    } <= set(tracked)
    assert tracked["events"][0]["action"] == "submitted"
    # The code may also come in a header, which stays out of access logs.
    by_header = api_client.get(detail, HTTP_X_TRACKING_CODE=body["tracking_code"])
    assert by_header.status_code == 200
    no_personal_data(response)
    # The URL form without slashes works too.
    url_form = body["registration_number"].replace("/", "-")
    assert (
        api_client.get(
            URL + url_form + "/", {"tracking_code": body["tracking_code"]}
        ).status_code
        == 200
    )
    assert api_client.get(detail, {"tracking_code": "WRONGCODE123"}).status_code == 404
    assert api_client.get(detail).status_code == 404


def test_multipart_with_identity_scan(api_client, on):
    data = payload()
    data["identity_scan"] = SimpleUploadedFile("ktp.pdf", pdf_bytes("KTP"))
    response = api_client.post(URL, data, format="multipart")
    assert response.status_code == 201, response.content
    created = InformationRequest.objects.get()
    assert created.files.get().kind == "identity"


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"nik": "12345"}, "nik", "16 angka"),
        ({"nik": "3303013102900001"}, "nik", "tanggal lahir"),
        ({"full_name": ""}, "full_name", ""),
        ({"opd": "tidak-ada"}, "opd", ""),
        ({"access_method": "intip"}, "access_method", ""),
        ({"requested_information": "x" * 4001}, "requested_information", "4000"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    api_client, on, overrides, field, fragment
):
    response = api_client.post(URL, payload(**overrides), format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    assert fragment in " ".join(errors[field])
    assert not InformationRequest.objects.exists()


def test_staff_scope_on_list_and_detail(
    api_client, on, opd, other_opd, opd_admin, other_opd_admin, ppid_utama
):
    mine = file_request(api_client, opd=opd.slug)
    theirs = file_request(api_client, opd=other_opd.slug)
    assert api_client.get(URL).status_code in (401, 403)
    api_client.force_authenticate(opd_admin)
    listed = api_client.get(URL)
    assert [r["registration_number"] for r in listed.json()["results"]] == [
        mine["registration_number"]
    ]
    no_personal_data(listed)
    assert listed.json()["results"][0]["nik"] == "3303********0001"
    assert api_client.get(URL + theirs["registration_number"] + "/").status_code == 404
    assert api_client.get(URL + mine["registration_number"] + "/").status_code == 200
    api_client.force_authenticate(ppid_utama)
    assert api_client.get(URL).json()["count"] == 2


def test_staff_actions_and_wrong_states(
    api_client, on, opd, opd_admin, other_opd_admin, ppid_utama, atasan
):
    number = file_request(api_client)["registration_number"]
    base = URL + number + "/"
    api_client.force_authenticate(opd_admin)
    assert api_client.post(base + "complete/").status_code == 404  # not routed yet
    api_client.force_authenticate(ppid_utama)
    assert api_client.post(base + "route/", {"opd": "nope"}).status_code == 400
    routed = api_client.post(base + "route/", {"opd": opd.slug}, format="json")
    assert routed.json()["status"] == "registered"
    # Routing is internal: the requester's timeline does not show it.
    code_view = InformationRequest.objects.get()
    public_events = [e.action for e in code_view.events.filter(is_public=True)]
    assert "routed" not in public_events and "routed" in [
        e["action"] for e in routed.json()["events"]
    ]
    api_client.force_authenticate(other_opd_admin)
    assert api_client.post(base + "complete/").status_code == 404
    api_client.force_authenticate(atasan)
    assert api_client.post(base + "complete/").status_code == 403
    api_client.force_authenticate(opd_admin)
    assert api_client.post(base + "route/", {"opd": opd.slug}).status_code == 403
    assert api_client.post(base + "incomplete/", {}).status_code == 400
    assert api_client.post(base + "complete/").json()["status"] == "in_process"
    extended = api_client.post(base + "extend/", {"reason": "Arsip di gudang"})
    assert extended.json()["extended_due_date"] == "2026-04-16"
    again = api_client.post(base + "extend/", {"reason": "Lagi"})
    assert again.status_code == 400 and "status" in again.json()
    answer = api_client.post(
        base + "answer/",
        {
            "decision": "granted_full",
            "letter": "Terlampir.",
            "files": [SimpleUploadedFile("a.pdf", pdf_bytes("jawaban"))],
        },
        format="multipart",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["decision"] == "granted_full"
    assert api_client.post(base + "close/").json()["status"] == "closed"
    late = api_client.post(
        base + "answer/", {"decision": "granted_full", "letter": "x"}
    )
    assert late.status_code == 400
    assert InformationRequest.objects.get().status == "closed"


def test_objection_with_tracking_code_and_atasan_answer(
    api_client, on, ppid_utama, atasan
):
    body = file_request(api_client)
    base = URL + body["registration_number"] + "/"
    code = body["tracking_code"]
    early = api_client.post(
        base + "objections/",
        {"tracking_code": code, "reason": "c", "description": "Belum dijawab"},
        format="json",
    )
    assert early.status_code == 400
    on(D(2026, 4, 8))  # the answer deadline (7 April) has passed
    bad = api_client.post(
        base + "objections/",
        {"tracking_code": code, "reason": "z", "description": "x"},
        format="json",
    )
    assert bad.status_code == 400 and "reason" in bad.json()
    wrong_code = api_client.post(
        base + "objections/",
        {"tracking_code": "AAAAAAAAAAAA", "reason": "c", "description": "x"},
        format="json",
    )
    assert wrong_code.status_code == 404
    made = api_client.post(
        base + "objections/",
        {"tracking_code": code, "reason": "c", "description": "Tidak ditanggapi"},
        format="json",
    )
    assert made.status_code == 201
    assert set(made.json()) == {"objection_number", "due_date"}
    number = made.json()["objection_number"]
    answer_url = "/api/v1/objections/{}/answer/".format(number)
    api_client.force_authenticate(ppid_utama)
    assert (
        api_client.post(answer_url, {"decision": "upheld", "answer": "x"}).status_code
        == 403
    )
    api_client.force_authenticate(atasan)
    answered = api_client.post(
        answer_url, {"decision": "overturned", "answer": "PPID wajib menjawab."}
    )
    assert answered.status_code == 200
    assert Objection.objects.get().status == "answered"
    api_client.force_authenticate(None)
    assert api_client.post(
        answer_url, {"decision": "upheld", "answer": "x"}
    ).status_code in (401, 403, 404)


def test_objection_after_its_deadline_is_a_400(api_client, on, ppid_utama):
    body = file_request(api_client)
    found = InformationRequest.objects.get()
    rs.answer_request(
        info_request=found, by=ppid_utama, decision="not_documented", letter="x"
    )
    on(D(2026, 5, 7))
    response = api_client.post(
        URL + body["registration_number"] + "/objections/",
        {"tracking_code": body["tracking_code"], "reason": "e", "description": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "06-05-2026" in json.dumps(response.json())
    assert not Objection.objects.exists()


def test_staff_record_paper_request_in_the_past(api_client, on, ppid_utama):
    api_client.force_authenticate(ppid_utama)
    response = api_client.post(
        URL,
        {**payload(), "channel": "surat", "received_on": "2026-03-13"},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["received_at"], response.json()["due_date"]) == (
        "2026-03-13",
        "2026-04-06",
    )
    assert response.json()["status"] == "registered"


def test_submissions_are_rate_limited_per_ip(api_client, on, settings):
    for n in range(settings.PPID_REQUEST_SUBMISSIONS_PER_HOUR):
        # A forged X-Forwarded-For does not make a new client.
        api_client.credentials(HTTP_X_FORWARDED_FOR="10.0.0.{}".format(n))
        file_request(api_client)
    api_client.credentials(HTTP_X_FORWARDED_FOR="10.9.9.9")
    response = api_client.post(URL, payload(), format="json")
    assert response.status_code == 429
    assert (
        InformationRequest.objects.count() == settings.PPID_REQUEST_SUBMISSIONS_PER_HOUR
    )


def test_statistics_per_year_and_opd_in_fixed_queries(api_client, on, ppid_utama):
    def stats():
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get("/api/v1/statistics/requests/", {"year": 2026})
        assert response.status_code == 200
        return response.json(), len(ctx)

    opds = OpdFactory.create_batch(3)
    for opd in opds:
        file_request(api_client, opd=opd.slug)
    first = InformationRequest.objects.order_by("id").first()
    rs.answer_request(
        info_request=first, by=ppid_utama, decision="granted_full", letter="x"
    )
    stats()  # the first use of 2027 takes its holiday snapshot
    few, few_queries = stats()
    for opd in OpdFactory.create_batch(5):
        file_request(api_client, opd=opd.slug)
    many, many_queries = stats()
    assert few_queries == many_queries
    assert {
        "year",
        "total",
        "granted_full",
        "granted_partial",
        "refused",
        "not_controlled",
        "not_documented",
        "on_time",
        "late",
        "median_working_days",
        "objections",
        "by_opd",
    } <= set(many)
    assert (few["total"], few["granted_full"], few["on_time"]) == (3, 1, 1)
    assert few["median_working_days"] == 0
    assert len(many["by_opd"]) == 8
    no_personal_data_text = json.dumps(many)
    assert "Siti" not in no_personal_data_text


def test_statistics_for_one_opd(api_client, on, opd, other_opd, client):
    file_request(api_client, opd=opd.slug)
    file_request(api_client, opd=opd.slug)
    file_request(api_client, opd=other_opd.slug)
    url = "/api/v1/statistics/requests/"
    body = api_client.get(url, {"year": 2026, "opd": opd.slug}).json()
    assert (body["total"], [row["opd"] for row in body["by_opd"]]) == (2, [opd.slug])
    assert api_client.get(url, {"opd": "nope"}).status_code == 400
    page = client.get("/statistik/", {"tahun": 2026, "opd": other_opd.slug})
    assert other_opd.name in page.content.decode()
    assert opd.name not in page.content.decode().split("<table")[1]
