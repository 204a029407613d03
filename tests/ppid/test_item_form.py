"""The new-item and edit forms (issue 18): the exclusion decision is asked
only of excluded information, and the sub-type must be one of the chosen
category's."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from ppid.catalogue.models import InformationItem, Subtype
from ppid.catalogue.services import EXCLUSION_FIELDS
from tests.factories import InformationItemFactory

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Laporan Keuangan Semester I",
    "summary": "Neraca dan realisasi anggaran.",
    "category": "berkala",
    "responsible_official": "Kepala Dinas",
    "made_on": "2026-01-15",
    "made_at_place": "Purbalingga",
    "format": "softcopy",
    "retention_period": "Permanen",
    "year": "2026",
}


def t(msgid: str) -> str:
    with translation.override("id"):
        return str(translation.gettext(msgid))


def required_count(html: str) -> int:
    return html.count(t("This field is required."))


def test_a_periodic_item_with_one_wrong_field_gets_one_error(client, opd, opd_admin):
    client.force_login(opd_admin)
    response = client.post(reverse("ppid:item-create"), {**FORM, "title": ""})
    assert response.status_code == 400
    assert dict(response.context["form"].errors).keys() == {"title"}
    assert not response.context["exclusion_form"].errors
    assert required_count(response.content.decode()) == 1
    assert not InformationItem.objects.exists()


def test_a_periodic_item_saves_with_the_exclusion_fields_empty(client, opd, opd_admin):
    client.force_login(opd_admin)
    data = {**FORM, **{"exclusion-{}".format(f): "" for f in EXCLUSION_FIELDS}}
    response = client.post(reverse("ppid:item-create"), data)
    assert response.status_code == 302
    assert InformationItem.objects.get().category == "berkala"


def test_an_excluded_item_still_needs_its_decision(client, opd, opd_admin):
    client.force_login(opd_admin)
    response = client.post(
        reverse("ppid:item-create"), {**FORM, "category": "dikecualikan"}
    )
    assert response.status_code == 400
    errors = response.context["exclusion_form"].errors
    assert {"ground", "legal_basis", "consequence", "decided_on"} <= set(errors)
    assert not InformationItem.objects.exists()


def test_the_edit_form_of_a_periodic_item_asks_no_decision(client, opd, opd_admin):
    item = InformationItemFactory(opd=opd, category="berkala", status="draft")
    client.force_login(opd_admin)
    url = reverse("ppid:item-edit", args=[item.pk])
    response = client.post(url, {**FORM, "summary": ""})
    assert response.status_code == 400
    assert dict(response.context["form"].errors).keys() == {"summary"}
    assert required_count(response.content.decode()) == 1


def test_a_sub_type_of_another_category_is_refused_naming_the_field(
    client, opd, opd_admin
):
    client.force_login(opd_admin)
    other = Subtype.objects.filter(category="setiap_saat").first()
    response = client.post(
        reverse("ppid:item-create"), {**FORM, "subtype": str(other.pk)}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["subtype"]
    with translation.override("id"):
        label = str(InformationItem._meta.get_field("subtype").verbose_name)
    assert len(errors) == 1 and errors[0].lower().startswith(label.lower())
    assert other.name in errors[0]
    assert not InformationItem.objects.exists()
    own = Subtype.objects.filter(category="berkala").first()
    response = client.post(reverse("ppid:item-create"), {**FORM, "subtype": own.pk})
    assert response.status_code == 302


def test_an_excluded_item_takes_no_sub_type(client, opd, opd_admin):
    client.force_login(opd_admin)
    any_subtype = Subtype.objects.first()
    response = client.post(
        reverse("ppid:item-create"),
        {**FORM, "category": "dikecualikan", "subtype": any_subtype.pk},
    )
    assert "subtype" in response.context["form"].errors


def test_every_sub_type_option_carries_its_category_for_the_script(
    client, opd, opd_admin
):
    client.force_login(opd_admin)
    html = client.get(reverse("ppid:item-create")).content.decode()
    select = re.search(r'<select name="subtype".*?</select>', html, re.S).group()
    options = re.findall(r'<option value="(\d+)"[^>]*data-category="(\w+)"', select)
    active = Subtype.objects.filter(is_active=True)
    assert len(options) == active.count() > 30
    assert dict(options) == {str(s.pk): s.category for s in active}
    assert "data-exclusion-section" in html and "js/item-form" in html
