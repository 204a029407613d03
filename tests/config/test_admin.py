"""Every model has an admin page that opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils.functional import Promise

PROJECT_APPS = ["opds", "ppid", "socialposts", "evaluations"]
MODELS = [
    model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_registered(model):
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_add_and_search_open(client, superuser, model, opd, opd_admin):
    client.force_login(superuser)
    info = (model._meta.app_label, model._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "dinas"}).status_code == 200
    add = client.get(reverse("admin:{}_{}_add".format(*info)))
    # Some models are written by their services only; their admin is a view.
    read_only = not admin.site._registry[model].has_add_permission(add.wsgi_request)
    assert add.status_code == (403 if read_only else 200)


def test_every_model_and_field_has_a_translatable_verbose_name():
    # A name Django derived itself is a plain str; ours are lazy gettext.
    for model in MODELS:
        assert isinstance(model._meta.verbose_name, Promise), model
        for field in model._meta.get_fields():
            if field.auto_created or not field.concrete:
                continue
            assert isinstance(field.verbose_name, Promise), (model, field.name)


def test_staff_without_superuser_cannot_change_the_registry(client, opd):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    staff = UserFactory(role="dinkominfo", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__endswith="_opd"))
    client.force_login(staff)
    url = reverse("admin:opds_opd_change", args=[opd.pk])
    response = client.post(url, {"name": "Diubah", "short_name": "X", "slug": "x"})
    assert response.status_code == 403
    opd.refresh_from_db()
    assert opd.name == "Dinas Kesehatan"
