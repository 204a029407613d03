"""The cases API (/api/v1/aspirations/): staff only, scoped like the pages,
filtered by the queue's FilterSet, personal data masked."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from aspirations.inbox.models import Contact
from tests.factories import (
    PortalCaseFactory,
    PortalMessageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/aspirations/"


@pytest.fixture
def coordinator(db):
    return UserFactory(username="koordinator", role="dinkominfo")


def _numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def test_anonymous_callers_and_citizens_are_refused(api_client, db):
    PortalCaseFactory()
    assert api_client.get(URL).status_code in (401, 403)
    citizen = UserFactory(username="warga")
    api_client.force_authenticate(citizen)
    assert api_client.get(URL).status_code == 403


def test_each_role_sees_its_scope(
    api_client, coordinator, opd, other_opd, opd_admin, ppid_utama
):
    own = PortalCaseFactory(opd=opd)
    other = PortalCaseFactory(opd=other_opd)
    unrouted = PortalCaseFactory()
    secret = PortalCaseFactory(opd=other_opd, confidential=True, kind="whistleblowing")

    api_client.force_authenticate(coordinator)
    assert _numbers(api_client.get(URL)) == {
        own.number,
        other.number,
        unrouted.number,
        secret.number,
    }
    api_client.force_authenticate(ppid_utama)
    assert _numbers(api_client.get(URL)) == {own.number, other.number, unrouted.number}
    api_client.force_authenticate(opd_admin)
    assert _numbers(api_client.get(URL)) == {own.number}
    # Another OPD's case is as if it did not exist.
    assert api_client.get("{}{}/".format(URL, other.pk)).status_code == 404
    assert api_client.get("{}{}/".format(URL, secret.pk)).status_code == 404
    assert api_client.get("{}{}/".format(URL, own.pk)).status_code == 200


def test_filters(api_client, coordinator, opd):
    routed = PortalCaseFactory(opd=opd, kind="complaint", topic="roads")
    old = PortalCaseFactory(
        channel="portal",
        kind="aspiration",
        received_at=timezone.now() - datetime.timedelta(days=40),
    )
    api_client.force_authenticate(coordinator)
    assert _numbers(api_client.get(URL, {"state": "routed"})) == {routed.number}
    assert _numbers(api_client.get(URL, {"channel": "portal"})) == {old.number}
    assert _numbers(api_client.get(URL, {"kind": "aspiration"})) == {old.number}
    assert _numbers(api_client.get(URL, {"topic": "roads"})) == {routed.number}
    assert _numbers(api_client.get(URL, {"opd": opd.slug})) == {routed.number}
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert _numbers(api_client.get(URL, {"received_from": since})) == {routed.number}
    until = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert _numbers(api_client.get(URL, {"received_to": until})) == {old.number}


@pytest.mark.parametrize(
    "name,value",
    [
        ("state", "tidak-ada"),
        ("channel", "telegram"),
        ("kind", "surat"),
        ("opd", "tidak-ada"),
        ("topic", "Jalan Rusak!"),
        ("received_from", "2026-13-01"),
        ("received_to", "0000-01-01"),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_it(
    api_client, coordinator, name, value
):
    api_client.force_authenticate(coordinator)
    response = api_client.get(URL, {name: value})
    assert response.status_code == 400
    assert set(response.json()) == {name}


def test_a_range_that_ends_before_it_starts_is_refused(api_client, coordinator):
    api_client.force_authenticate(coordinator)
    response = api_client.get(
        URL, {"received_from": "2026-03-10", "received_to": "2026-03-01"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"received_to"}


def test_personal_data_is_masked_for_who_does_not_handle_the_case(
    api_client, coordinator, opd, opd_admin, ppid_utama
):
    case = PortalCaseFactory(opd=opd)
    PortalMessageFactory(case=case)
    url = "{}{}/".format(URL, case.pk)

    api_client.force_authenticate(opd_admin)
    body = api_client.get(url).json()
    assert "081234567890" in body["messages"][0]["text"]
    assert body["citizen"] == {"name": "Siti Aminah", "phone_masked": "+62••••••789"}

    # PPID Utama may read the case but does not handle it: the numbers in
    # the text masked; the name shown as on the case page, the phone only
    # masked (opds.permissions.can_see_citizen_name).
    api_client.force_authenticate(ppid_utama)
    body = api_client.get(url).json()
    assert "081234567890" not in body["messages"][0]["text"]
    assert body["citizen"] == {"name": "Siti Aminah", "phone_masked": "+62••••••789"}
    # No answer ever carries the encrypted phone or an e-mail address.
    assert "phone_encrypted" not in str(body) and "email" not in body


def test_an_anonymous_citizen_is_hidden_from_the_opd(
    api_client, coordinator, opd, opd_admin
):
    case = PortalCaseFactory(opd=opd, anonymous=True)
    PortalMessageFactory(case=case)
    url = "{}{}/".format(URL, case.pk)
    api_client.force_authenticate(opd_admin)
    body = api_client.get(url).json()
    assert body["citizen"] is None
    assert body["messages"][0]["author_name"] == ""
    assert "081234567890" not in body["messages"][0]["text"]
    assert "081234567890" not in str(api_client.get(URL).json())
    api_client.force_authenticate(coordinator)
    body = api_client.get(url).json()
    assert body["citizen"]["name"] == "Siti Aminah"
    assert body["messages"][0]["author_name"] == "Siti Aminah"
    assert Contact.objects.count() == 1


def test_the_list_is_documented_with_its_filters(tmp_path):
    import json

    from django.core.management import call_command

    target = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    paths = json.loads(target.read_text())["paths"]
    listing = paths["/api/v1/aspirations/"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"state", "channel", "kind", "topic", "opd", "received_from"} <= names
    assert "403" in listing["responses"]
    assert {"403", "404"} <= set(paths["/api/v1/aspirations/{id}/"]["get"]["responses"])
    assert "post" not in paths["/api/v1/aspirations/"]


def _conforms(value, schema, components, where="") -> list[str]:
    """Where ``value`` breaks the OpenAPI ``schema``: nulls, blank URIs and
    types, the checks the API fuzzer (ST108) found broken."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        merged = {**schema, **schema["allOf"][0]}
        merged.pop("allOf")
        return _conforms(value, merged, components, where)
    if value is None:
        return [] if schema.get("nullable") else [f"{where} is null"]
    problems = []
    if schema.get("format") == "uri" and value == "":
        problems.append(f"{where} is a blank URI")
    if isinstance(value, dict):
        for name, inner in schema.get("properties", {}).items():
            if name in value:
                problems += _conforms(value[name], inner, components, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, inner in enumerate(value):
            problems += _conforms(
                inner, schema["items"], components, f"{where}[{index}]"
            )
    return problems


def test_a_bare_case_answers_as_its_schema_says(api_client, coordinator, tmp_path):
    import json

    from django.core.management import call_command

    # A portal case: no OPD yet, no kecamatan, no link, no duplicate.
    case = PortalCaseFactory(opd=None, suggested_opd=None, kecamatan=None, permalink="")
    PortalMessageFactory(case=case)
    target = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    components = json.loads(target.read_text())["components"]["schemas"]
    api_client.force_authenticate(coordinator)
    body = api_client.get(f"{URL}{case.pk}/").json()
    assert body["opd"] is None and body["permalink"] == ""
    assert _conforms(body, components["CaseDetail"], components, "case") == []
    listing = api_client.get(URL).json()["results"]
    assert _conforms(listing[0], components["Case"], components, "case") == []
