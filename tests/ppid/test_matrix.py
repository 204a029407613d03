"""Every role against every kind of item and action, through the API and the
HTML pages: 404 for what a role may not see, 403 for what it may see but
not do. The expectations are written out, not derived from the code."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ppid import services
from ppid.uploads import clean_upload
from tests.factories import (
    ExclusionDecisionFactory,
    InformationItemFactory,
    OpdFactory,
    UserFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db

SUBJECTS = ["anonymous", "admin_a", "admin_b", "ppid_utama", "dinkominfo"]
OBJECTS = ["public_a", "draft_a", "submitted_a", "excluded_a"]
STAFF_OF_A = {"admin_a", "ppid_utama", "dinkominfo"}


def visible(subject: str, obj: str) -> bool:
    return obj == "public_a" or subject in STAFF_OF_A


# (action, object) -> subjects allowed; everyone else gets 403 or 404.
ALLOWED = {
    ("patch", "public_a"): {"admin_a", "ppid_utama"},
    ("patch", "draft_a"): {"admin_a"},
    ("patch", "submitted_a"): set(),
    ("patch", "excluded_a"): {"ppid_utama"},
    ("delete", "draft_a"): {"admin_a"},
    ("submit", "draft_a"): {"admin_a"},
    ("publish", "submitted_a"): {"ppid_utama"},
}
SUCCESS = {"retrieve": 200, "patch": 200, "delete": 204, "submit": 200, "publish": 200}


def expected(subject: str, obj: str, action: str) -> int:
    if action == "retrieve":
        return 200 if visible(subject, obj) else 404
    if subject == "anonymous":
        return 403  # refused before any lookup, whatever the id
    if not visible(subject, obj):
        return 404
    return SUCCESS[action] if subject in ALLOWED.get((action, obj), set()) else 403


@pytest.fixture
def world(db):
    opd_a = OpdFactory(short_name="DINKES")
    opd_b = OpdFactory(short_name="DLH")
    users = {
        "anonymous": None,
        "admin_a": UserFactory(username="admin-a", role="opd_admin", opd=opd_a),
        "admin_b": UserFactory(username="admin-b", role="opd_admin", opd=opd_b),
        "ppid_utama": UserFactory(username="ppid", role="ppid_utama"),
        "dinkominfo": UserFactory(username="kominfo", role="dinkominfo"),
    }
    items = {
        "public_a": InformationItemFactory(opd=opd_a),
        "draft_a": InformationItemFactory(opd=opd_a, status="draft", published_at=None),
        "submitted_a": InformationItemFactory(
            opd=opd_a, status="submitted", published_at=None
        ),
        "excluded_a": ExclusionDecisionFactory(item__opd=opd_a).item,
    }
    for item in items.values():
        services._store_files(
            item,
            [clean_upload(SimpleUploadedFile("a.pdf", pdf_bytes("isi")))],
            users["admin_a"],
            [],
        )
    return users, items


def _call(client, action: str, url: str):
    if action == "retrieve":
        return client.get(url)
    if action == "patch":
        return client.patch(url, {"title": "Judul baru"}, format="json")
    if action == "delete":
        return client.delete(url)
    return client.post(url + action + "/")


@pytest.mark.parametrize("action", list(SUCCESS))
@pytest.mark.parametrize("obj", OBJECTS)
@pytest.mark.parametrize("subject", SUBJECTS)
def test_api_matrix(api_client, world, subject, obj, action):
    users, items = world
    if users[subject]:
        api_client.force_authenticate(users[subject])
    url = "/api/v1/information/{}/".format(items[obj].pk)
    response = _call(api_client, action, url)
    assert response.status_code == expected(subject, obj, action), response.content


@pytest.mark.parametrize("obj", OBJECTS)
@pytest.mark.parametrize("subject", SUBJECTS)
def test_html_detail_and_file_matrix(client, world, subject, obj):
    users, items = world
    if users[subject]:
        client.force_login(users[subject])
    item = items[obj]
    want = 200 if visible(subject, obj) else 404
    assert client.get(item.get_absolute_url()).status_code == want
    file_url = item.files.get().get_absolute_url()
    assert client.get(file_url).status_code == want


@pytest.mark.parametrize("obj", OBJECTS)
@pytest.mark.parametrize("subject", SUBJECTS[1:])
def test_html_edit_matrix(client, world, subject, obj):
    users, items = world
    client.force_login(users[subject])
    response = client.get(reverse("ppid:item-edit", args=[items[obj].pk]))
    assert response.status_code == expected(subject, obj, "patch")


def test_api_list_is_scoped_per_role(api_client, world):
    users, items = world

    def ids():
        results = api_client.get("/api/v1/information/").json()["results"]
        return {r["id"] for r in results}

    assert ids() == {items["public_a"].pk}
    api_client.force_authenticate(users["admin_b"])
    assert ids() == {items["public_a"].pk}
    api_client.force_authenticate(users["admin_a"])
    assert ids() == {i.pk for i in items.values()}


def test_admin_of_b_cannot_create_for_a(api_client, world):
    users, items = world
    api_client.force_authenticate(users["admin_b"])
    response = api_client.post(
        "/api/v1/information/",
        {"title": "x", "opd": "dinkes"},
        format="json",
    )
    # Items are always created in the caller's own OPD; naming another is refused.
    assert response.status_code == 400
    assert "opd" in response.json()
