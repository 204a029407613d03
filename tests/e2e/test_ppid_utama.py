"""PPID Utama, in a real browser: publishes an item an OPD submitted, routes
a citizen's request to the OPD that holds the information and answers it
in writing with a file."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from ppid.catalogue import services
from ppid.catalogue.models import InformationItem
from ppid.requests import services as rs
from ppid.requests.models import InformationRequest, RequestEvent, RequestFile
from tests.e2e.conftest import assert_no_console_errors, log_in
from tests.factories import OpdFactory, UserFactory, item_data, pdf_bytes

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(db):
    dinkes = OpdFactory(short_name="DINKES", name="Dinas Kesehatan", kind="dinas")
    OpdFactory(short_name="DLH", name="Dinas Lingkungan Hidup", kind="dinas")
    admin = UserFactory(username="admin-dinkes", role="opd_admin", opd=dinkes)
    utama = UserFactory(username="ppid-utama", role="ppid_utama")
    return dinkes, admin, utama


@pytest.fixture
def submitted_item(people):
    dinkes, admin, _ = people
    item = services.create_item(
        opd=dinkes,
        by=admin,
        data=item_data(title="Profil Kesehatan Kabupaten Purbalingga 2025"),
        files=[
            SimpleUploadedFile(
                "profil-kesehatan.pdf", pdf_bytes("Profil"), "application/pdf"
            )
        ],
    )
    return services.submit_item(item=item, by=admin)


@pytest.fixture
def citizen_request(db):
    """A web request that names no agency: PPID Utama must route it."""
    request, _code = rs.submit_request(
        data={
            "requester_type": "perorangan",
            "full_name": "Budi Santoso",
            "nik": "3303011203850002",
            "address": "Jl. Letjen S. Parman 5, Purbalingga",
            "requested_information": "Jumlah puskesmas dan jam layanannya.",
            "purpose": "Informasi bagi warga.",
            "access_method": "salinan",
            "copy_format": "softcopy",
            "delivery_method": "langsung",
        }
    )
    return request


def test_ppid_utama_publishes_routes_and_answers(
    page, people, submitted_item, citizen_request
):
    dinkes, admin, utama = people
    log_in(page, utama)

    # The dashboard leads to the items; the submitted one is filtered out.
    page.locator("main a[href='{}']".format(reverse("ppid:staff-items"))).click()
    page.locator("main form select[name=status]").select_option("submitted")
    page.locator("main form[method=get] button").click()
    expect(page).to_have_url(re.compile(r"[?&]status=submitted"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name=submitted_item.title).click()

    # Publish from the item's page.
    publish = page.locator(
        "form[action='{}'] button".format(
            reverse("ppid:item-publish", args=[submitted_item.pk])
        )
    )
    publish.click()
    expect(page.locator(".alert-success")).to_have_count(1)
    expect(publish).to_have_count(0)
    submitted_item.refresh_from_db()
    assert submitted_item.status == InformationItem.Status.PUBLISHED
    assert submitted_item.published_at is not None
    assert submitted_item.changes.filter(actor=utama, action="published").exists()

    # The request register, then the request.
    page.goto(reverse("dashboard"))
    page.locator("main a[href='{}']".format(reverse("ppid:request-register"))).click()
    page.get_by_role("link", name=citizen_request.registration_number).click()
    detail_url = citizen_request.get_absolute_url()
    expect(page).to_have_url(re.compile(re.escape(detail_url) + "$"))

    # Route it to Dinkes.
    route_action = reverse(
        "ppid:request-action", args=[citizen_request.url_key, "route"]
    )
    route = page.locator("details").filter(
        has=page.locator("form[action='{}']".format(route_action))
    )
    route.locator("summary").click()
    route.locator("select[name=opd]").select_option(str(dinkes.pk))
    route.locator("button").click()
    expect(page).to_have_url(re.compile(re.escape(detail_url) + "$"))
    expect(page.locator(".alert-success")).to_have_count(1)
    expect(page.locator("main dl").first).to_contain_text(dinkes.name)
    citizen_request.refresh_from_db()
    assert citizen_request.opd == dinkes
    assert citizen_request.status == InformationRequest.Status.REGISTERED
    assert citizen_request.events.filter(
        action=RequestEvent.Action.ROUTED, actor=utama
    ).exists()

    # Answer in writing, granting it in full with a PDF.
    answer_action = reverse(
        "ppid:request-action", args=[citizen_request.url_key, "answer"]
    )
    answer = page.locator("details").filter(
        has=page.locator("form[action='{}']".format(answer_action))
    )
    answer.locator("summary").click()
    answer.locator("select[name=decision]").select_option("granted_full")
    answer.locator("textarea[name=letter]").fill(
        "Terlampir daftar 22 puskesmas dan jam layanannya."
    )
    answer.locator("input[name=files]").set_input_files(
        files=[
            {
                "name": "daftar-puskesmas.pdf",
                "mimeType": "application/pdf",
                "buffer": pdf_bytes("Puskesmas"),
            }
        ]
    )
    answer.locator("button").click()
    expect(page).to_have_url(re.compile(re.escape(detail_url) + "$"))
    expect(page.locator(".alert-success")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("Terlampir daftar 22 puskesmas")
    expect(page.get_by_role("link", name="daftar-puskesmas.pdf")).to_be_visible()
    # Answered: no more answer form, and the request can be closed.
    expect(page.locator("form[action='{}']".format(answer_action))).to_have_count(0)
    citizen_request.refresh_from_db()
    assert citizen_request.status == InformationRequest.Status.ANSWERED
    assert citizen_request.decision == InformationRequest.Decision.GRANTED_FULL
    assert citizen_request.answered_by == utama
    answer_files = citizen_request.files.filter(kind=RequestFile.Kind.ANSWER)
    assert [f.original_name for f in answer_files] == ["daftar-puskesmas.pdf"]

    # The published item is now public for anyone.
    page.context.clear_cookies()
    page.goto(reverse("ppid:catalogue"))
    expect(
        page.locator("#catalogue-results").get_by_role(
            "link", name=submitted_item.title
        )
    ).to_be_visible()

    assert_no_console_errors(page)
