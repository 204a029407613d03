"""What the API fuzzing (make fuzz) found, kept as regressions: answers that
were 500s, input that was accepted against the schema, and a schema that
did not say what the API answers."""

import json

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from config.views import bad_request
from ppid.requests.models import InformationRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(tmp_path):
    target = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    return json.loads(target.read_text())


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_its_error_answers(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert "403" in responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if "requestBody" in operation:
            assert {"400", "415"} <= set(responses), (method, path)
    submit = schema["paths"]["/api/v1/requests/"]["post"]["responses"]
    assert "429" in submit


def test_public_reads_say_that_no_credentials_are_needed(schema):
    # IsOpdAdminOrReadOnly lets anyone read: the schema must not demand a token.
    assert {} in schema["paths"]["/api/v1/opds/"]["get"]["security"]
    assert {} not in schema["paths"]["/api/v1/opds/{slug}/"]["patch"]["security"]
    assert {} not in schema["paths"]["/api/v1/social/posts/"]["get"]["security"]


def test_request_register_is_documented_as_paginated_and_filtered(schema):
    get = schema["paths"]["/api/v1/requests/"]["get"]
    names = {parameter["name"] for parameter in get["parameters"]}
    assert {"page", "page_size", "status", "opd", "year", "attention"} <= names
    year = next(p for p in get["parameters"] if p["name"] == "year")
    assert year["schema"] == {"type": "integer", "minimum": 1, "maximum": 9999}
    body = get["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/PaginatedStaffRequestList")


def test_register_year_zero_is_refused_not_a_server_error(api_client, ppid_utama):
    api_client.force_authenticate(ppid_utama)
    response = api_client.get("/api/v1/requests/", {"year": 0})
    assert response.status_code == 400
    assert set(response.json()) == {"year"}
    assert api_client.get("/api/v1/requests/", {"year": 2026}).status_code == 200


def test_month_zero_is_refused_not_a_server_error(api_client, superuser):
    api_client.force_authenticate(superuser)
    for url in ("/api/v1/evaluations/", "/api/v1/reports/monthly/"):
        response = api_client.get(url, {"month": "0000-01"})
        assert response.status_code == 400, url
        assert set(response.json()) == {"month"}
        assert api_client.get(url, {"month": ""}).status_code == 200


def test_account_id_in_other_digits_is_refused_not_a_server_error(
    api_client, superuser
):
    api_client.force_authenticate(superuser)
    response = api_client.get("/api/v1/social/metrics/", {"account": "²"})
    assert response.status_code == 400
    assert set(response.json()) == {"account"}


def test_malformed_page_size_is_refused_naming_it(api_client):
    url = "/api/v1/opds/"
    for bad in ("abc", "0", "-3", "1.5"):
        response = api_client.get(url, {"page_size": bad})
        assert response.status_code == 400, bad
        assert set(response.json()) == {"page_size"}
    assert api_client.get(url, {"page_size": ""}).status_code == 200
    assert api_client.get(url, {"page_size": 1000}).status_code == 200


def test_statistics_year_must_be_a_year(api_client):
    url = "/api/v1/statistics/requests/"
    for bad in ("null", "0.5", "1999"):
        response = api_client.get(url, {"year": bad})
        assert response.status_code == 400, bad
        assert set(response.json()) == {"year"}
    assert api_client.get(url, {"year": "", "opd": ""}).status_code == 200


def test_catalogue_year_must_be_whole(api_client):
    response = api_client.get("/api/v1/information/", {"year": "2026.5"})
    assert response.status_code == 400
    assert set(response.json()) == {"year"}


def test_numbers_are_not_taken_for_text(api_client, opd, opd_admin):
    api_client.force_authenticate(opd_admin)
    url = "/api/v1/opds/{}/".format(opd.slug)
    response = api_client.patch(url, {"head_title": 0}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"head_title"}
    opd.refresh_from_db()
    assert opd.head_title != "0"


def test_input_schema_says_what_the_api_refuses(schema):
    components = schema["components"]["schemas"]
    objection = components["ObjectionInputRequest"]["properties"]
    reason = objection["reason"]["$ref"].rsplit("/", 1)[1]
    assert components[reason]["enum"] == list("abcdefg")
    # DRF trims text before the blank check, so blanks alone are refused.
    assert objection["description"]["pattern"] == r"\S"
    # Fields the serializer refuses are not allowed in the schema either.
    assert components["PatchedOpdDetailRequest"]["additionalProperties"] is False
    # A PATCH validates nested objects partially, as DRF does.
    assert "required" not in components["PatchedExclusionInputRequest"]


def test_urlencoded_request_bodies_are_refused_where_files_may_come(api_client):
    response = api_client.post(
        "/api/v1/requests/",
        "full_name=Siti",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert InformationRequest.objects.count() == 0


def test_requests_django_refuses_answer_json_on_the_api():
    factory = RequestFactory()
    api = bad_request(factory.get("/api/v1/opds/"), Exception())
    assert (api.status_code, api["Content-Type"]) == (400, "application/json")
    assert set(json.loads(api.content)) == {"detail"}
    page = bad_request(factory.get("/informasi/"), Exception())
    assert page.status_code == 400
    assert "text/html" in page["Content-Type"]
