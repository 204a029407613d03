import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_valid_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    # --fail-on-warn turns every drf-spectacular warning into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "/api/v1/opds/{slug}/" in schema
    assert "/api/v1/auth/token/" in schema


def test_schema_and_docs_are_served_offline(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs
    assert "cdn" not in docs.lower()
