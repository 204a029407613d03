import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ppid.catalogue import services
from ppid.catalogue.models import Category, InformationFile, InformationItem, ItemChange
from tests.factories import (
    ExclusionDecisionFactory,
    InformationItemFactory,
    exclusion_data,
    item_data,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


def _pdf(name="renstra.pdf", text="Rencana Strategis"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_opd_admin_creates_a_draft_with_a_file(opd, opd_admin, settings):
    item = services.create_item(opd=opd, by=opd_admin, data=item_data(), files=[_pdf()])
    assert item.status == InformationItem.Status.DRAFT
    stored = item.files.get()
    assert stored.original_name == "renstra.pdf"
    assert stored.content_type == "application/pdf"
    assert "Rencana Strategis" in item.extracted_text
    # Stored under a generated name, not the client's.
    assert "renstra" not in stored.file.name
    assert len(_stored_files(settings)) == 1
    actions = list(item.changes.values_list("action", flat=True))
    assert set(actions) == {ItemChange.Action.CREATED, ItemChange.Action.FILE_ADDED}


def test_opd_admin_cannot_create_for_another_opd(other_opd, opd_admin):
    with pytest.raises(PermissionDenied):
        services.create_item(opd=other_opd, by=opd_admin, data=item_data())
    assert not InformationItem.objects.exists()


def test_a_rejected_file_saves_nothing(opd, opd_admin, settings):
    bad = SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError) as excinfo:
        services.create_item(
            opd=opd, by=opd_admin, data=item_data(), files=[_pdf(), bad]
        )
    assert "x.pdf" in " ".join(excinfo.value.messages)
    assert not InformationItem.objects.exists()
    assert not InformationFile.objects.exists()
    assert _stored_files(settings) == []


def test_invalid_fields_are_refused_by_name(opd, opd_admin):
    with pytest.raises(ValidationError) as excinfo:
        services.create_item(
            opd=opd,
            by=opd_admin,
            data=item_data(category=Category.SERTA_MERTA, subtype=None),
        )
    assert "event_occurred_at" in excinfo.value.message_dict
    assert not InformationItem.objects.exists()


def test_subtype_must_match_the_category(opd, opd_admin):
    data = item_data(category=Category.BERKALA)  # sub-type is setiap saat
    with pytest.raises(ValidationError) as excinfo:
        services.create_item(opd=opd, by=opd_admin, data=data)
    assert "subtype" in excinfo.value.message_dict


def test_excluded_item_needs_its_decision(opd, opd_admin):
    data = item_data(category=Category.DIKECUALIKAN, subtype=None)
    with pytest.raises(ValidationError) as excinfo:
        services.create_item(opd=opd, by=opd_admin, data=data)
    assert "exclusion" in excinfo.value.message_dict
    assert not InformationItem.objects.exists()


def test_excluded_item_decision_errors_name_the_field(opd, opd_admin):
    data = item_data(category=Category.DIKECUALIKAN, subtype=None)
    bad = exclusion_data(period_end=None, review_date=None, scope="partial")
    with pytest.raises(ValidationError) as excinfo:
        services.create_item(opd=opd, by=opd_admin, data=data, exclusion=bad)
    keys = set(excinfo.value.message_dict)
    assert "exclusion.redacted_summary" in keys
    assert not InformationItem.objects.exists()


def test_excluded_item_is_created_with_its_decision(opd, opd_admin):
    data = item_data(category=Category.DIKECUALIKAN, subtype=None)
    item = services.create_item(
        opd=opd, by=opd_admin, data=data, exclusion=exclusion_data()
    )
    assert item.exclusion.legal_reference == "UU 14/2008 Pasal 17 huruf h angka 2"
    assert item.changes.filter(action=ItemChange.Action.EXCLUSION_SET).exists()


def test_review_workflow(opd, opd_admin, ppid_utama):
    item = services.create_item(opd=opd, by=opd_admin, data=item_data())
    with pytest.raises(PermissionDenied):
        services.publish_item(item=item, by=opd_admin)
    services.submit_item(item=item, by=opd_admin)
    with pytest.raises(PermissionDenied):
        services.publish_item(item=item, by=opd_admin)
    services.return_item(item=item, by=ppid_utama, note="Lengkapi ringkasan.")
    assert item.status == InformationItem.Status.DRAFT
    services.submit_item(item=item, by=opd_admin)
    services.publish_item(item=item, by=ppid_utama)
    item.refresh_from_db()
    assert item.status == InformationItem.Status.PUBLISHED
    assert item.published_at is not None
    services.withdraw_item(item=item, by=ppid_utama, note="Diganti versi baru.")
    assert item.status == InformationItem.Status.WITHDRAWN
    actions = list(item.changes.order_by("at", "id").values_list("action", flat=True))
    assert actions == [
        "created",
        "submitted",
        "returned",
        "submitted",
        "published",
        "withdrawn",
    ]


def test_return_and_withdraw_need_a_reason(opd, ppid_utama):
    submitted = InformationItemFactory(opd=opd, status="submitted")
    with pytest.raises(ValidationError):
        services.return_item(item=submitted, by=ppid_utama, note=" ")
    published = InformationItemFactory(opd=opd)
    with pytest.raises(ValidationError):
        services.withdraw_item(item=published, by=ppid_utama, note="")
    submitted.refresh_from_db()
    published.refresh_from_db()
    assert (submitted.status, published.status) == ("submitted", "published")


def test_delegated_opd_publishes_its_own_items(opd, opd_admin, ppid_utama):
    item = services.create_item(opd=opd, by=opd_admin, data=item_data())
    with pytest.raises(PermissionDenied):
        services.set_publishing_delegation(opd=opd, delegated=True, by=opd_admin)
    services.set_publishing_delegation(opd=opd, delegated=True, by=ppid_utama)
    item.opd.refresh_from_db()
    services.publish_item(item=item, by=opd_admin)
    assert item.status == InformationItem.Status.PUBLISHED


def test_updating_content_restarts_the_periodic_clock(opd, opd_admin):
    item = InformationItemFactory(
        opd=opd, last_updated_at=timezone.now() - datetime.timedelta(days=300)
    )
    assert item.freshness() == "overdue"
    services.update_item(item=item, by=opd_admin, data={"period": "Semester II"})
    item.refresh_from_db()
    assert item.freshness() == "ok"
    change = item.changes.get(action=ItemChange.Action.UPDATED)
    assert change.changes == {"period": ["", "Semester II"]}
    assert change.actor == opd_admin


def test_other_opd_admin_cannot_update_or_delete(opd, other_opd_admin):
    item = InformationItemFactory(opd=opd, status="draft")
    with pytest.raises(PermissionDenied):
        services.update_item(item=item, by=other_opd_admin, data={"title": "Diubah"})
    with pytest.raises(PermissionDenied):
        services.delete_item(item=item, by=other_opd_admin)
    item.refresh_from_db()
    assert item.title != "Diubah"


def test_only_drafts_are_deleted(opd, opd_admin):
    published = InformationItemFactory(opd=opd)
    with pytest.raises(PermissionDenied):
        services.delete_item(item=published, by=opd_admin)
    draft = services.create_item(
        opd=opd, by=opd_admin, data=item_data(), files=[_pdf()]
    )
    services.delete_item(item=draft, by=opd_admin)
    assert not InformationItem.objects.filter(pk=draft.pk).exists()


def test_removing_a_file_is_logged(opd, opd_admin):
    item = services.create_item(opd=opd, by=opd_admin, data=item_data(), files=[_pdf()])
    file_id = item.files.get().pk
    services.update_item(item=item, by=opd_admin, data={}, remove_files=[file_id])
    assert not item.files.exists()
    assert item.changes.filter(action=ItemChange.Action.FILE_REMOVED).exists()


def test_opening_an_excluded_item_is_a_recorded_decision(opd, ppid_utama, opd_admin):
    decision = ExclusionDecisionFactory(item__opd=opd)
    item = decision.item
    with pytest.raises(PermissionDenied):
        services.open_excluded_item(
            item=item, by=opd_admin, category="setiap_saat", note="Masa habis."
        )
    services.open_excluded_item(
        item=item,
        by=ppid_utama,
        category="setiap_saat",
        note="Masa pengecualian habis.",
    )
    item.refresh_from_db()
    decision.refresh_from_db()
    assert item.category == Category.SETIAP_SAAT and item.is_public
    assert decision.opened_by == ppid_utama
    assert item.changes.get(action="opened").note == "Masa pengecualian habis."


def test_immediate_information_shows_time_to_announce(opd):
    occurred = timezone.now() - datetime.timedelta(hours=6)
    item = InformationItemFactory(
        opd=opd,
        category=Category.SERTA_MERTA,
        event_occurred_at=occurred,
        published_at=occurred + datetime.timedelta(hours=2),
    )
    assert item.time_to_announce == datetime.timedelta(hours=2)


def test_periodic_item_falls_due_six_months_after_update(opd, settings):
    updated = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)
    item = InformationItemFactory(opd=opd, last_updated_at=updated)
    assert item.next_update_due == datetime.date(2026, 7, 10)
    assert item.freshness(datetime.date(2026, 6, 1)) == "ok"
    assert item.freshness(datetime.date(2026, 6, 20)) == "due"
    assert item.freshness(datetime.date(2026, 7, 11)) == "overdue"
    settings.PPID_BERKALA_UPDATE_MONTHS = 3
    assert item.next_update_due == datetime.date(2026, 4, 10)


def test_signed_sheet_is_kept_for_staff_only(client, opd, opd_admin, other_opd_admin):
    data = item_data(category=Category.DIKECUALIKAN, subtype=None)
    item = services.create_item(
        opd=opd,
        by=opd_admin,
        data=data,
        exclusion=exclusion_data(),
        signed_sheet=_pdf("lembar.pdf", "Lembar uji konsekuensi"),
    )
    url = "/dasbor/informasi/{}/lembar-uji/".format(item.pk)
    client.force_login(other_opd_admin)
    assert client.get(url).status_code == 404
    client.force_login(opd_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert b"Lembar uji konsekuensi" in b"".join(response.streaming_content)


def test_signed_sheet_must_be_a_pdf_or_scan(opd, opd_admin):
    data = item_data(category=Category.DIKECUALIKAN, subtype=None)
    csv_file = SimpleUploadedFile("lembar.csv", b"a,b\n1,2\n")
    with pytest.raises(ValidationError) as excinfo:
        services.create_item(
            opd=opd,
            by=opd_admin,
            data=data,
            exclusion=exclusion_data(),
            signed_sheet=csv_file,
        )
    assert "exclusion.signed_sheet" in excinfo.value.message_dict
    assert not InformationItem.objects.exists()


def test_an_edit_from_a_stale_copy_cannot_undo_a_withdrawal(opd, opd_admin, ppid_utama):
    item = InformationItemFactory(opd=opd)
    stale = InformationItem.objects.get(pk=item.pk)
    services.withdraw_item(item=item, by=ppid_utama, note="Memuat data pribadi.")
    with pytest.raises(PermissionDenied):
        services.update_item(item=stale, by=opd_admin, data={"period": "Semester I"})
    item.refresh_from_db()
    assert item.status == InformationItem.Status.WITHDRAWN


def test_only_ppid_utama_excludes_published_information(opd, opd_admin, ppid_utama):
    item = InformationItemFactory(opd=opd)
    data = {"category": Category.DIKECUALIKAN, "subtype": None}
    with pytest.raises(PermissionDenied):
        services.update_item(
            item=item, by=opd_admin, data=data, exclusion=exclusion_data()
        )
    item.refresh_from_db()
    assert item.category == Category.BERKALA
    services.update_item(
        item=item, by=ppid_utama, data=data, exclusion=exclusion_data()
    )
    assert item.exclusion.opened_at is None


def test_delegation_does_not_cover_excluded_information(opd, opd_admin, ppid_utama):
    services.set_publishing_delegation(opd=opd, delegated=True, by=ppid_utama)
    item = services.create_item(
        opd=opd,
        by=opd_admin,
        data=item_data(category=Category.DIKECUALIKAN, subtype=None),
        exclusion=exclusion_data(),
    )
    item.opd.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.publish_item(item=item, by=opd_admin)


def test_opening_an_item_without_decision_is_refused_not_a_crash(opd, ppid_utama):
    item = InformationItemFactory(opd=opd, category=Category.DIKECUALIKAN)
    with pytest.raises(ValidationError):
        services.open_excluded_item(
            item=item, by=ppid_utama, category="setiap_saat", note="Dibuka."
        )


def test_implausible_year_is_refused_by_name(opd, opd_admin):
    with pytest.raises(ValidationError) as excinfo:
        services.create_item(opd=opd, by=opd_admin, data=item_data(year=70000))
    assert "year" in excinfo.value.message_dict
