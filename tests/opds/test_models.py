import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from opds.models import Opd, User
from tests.factories import OpdFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_kelurahan_must_sit_under_a_kecamatan():
    dinas = OpdFactory(kind=Opd.Kind.DINAS)
    kelurahan = Opd(
        name="Kelurahan Bojong",
        short_name="KEL-BOJONG",
        slug="kel-bojong",
        kind=Opd.Kind.KELURAHAN,
        parent=dinas,
    )
    with pytest.raises(ValidationError) as excinfo:
        kelurahan.full_clean()
    assert "parent" in excinfo.value.message_dict


def test_kelurahan_under_its_kecamatan_is_valid():
    kecamatan = OpdFactory(short_name="KEC-PURBALINGGA", kind=Opd.Kind.KECAMATAN)
    kelurahan = Opd(
        name="Kelurahan Bojong",
        short_name="KEL-BOJONG",
        slug="kel-bojong",
        kind=Opd.Kind.KELURAHAN,
        parent=kecamatan,
    )
    kelurahan.full_clean()
    kelurahan.save()
    assert list(kecamatan.children.all()) == [kelurahan]


def test_validity_cannot_end_before_it_starts():
    opd = OpdFactory()
    opd.valid_from = datetime.date(2025, 10, 1)
    opd.valid_to = datetime.date(2025, 9, 30)
    with pytest.raises(ValidationError):
        opd.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        opd.save()


def test_valid_on_keeps_old_names_for_old_months():
    old = OpdFactory(short_name="DINKES", valid_to=datetime.date(2025, 12, 31))
    new = OpdFactory(short_name="DINKESPPKB", valid_from=datetime.date(2026, 1, 1))
    always = OpdFactory(short_name="DLH")
    assert set(Opd.objects.valid_on(datetime.date(2025, 6, 1))) == {old, always}
    assert set(Opd.objects.valid_on(datetime.date(2026, 1, 1))) == {new, always}
    assert old.is_valid_on(datetime.date(2025, 12, 31))
    assert not old.is_valid_on(datetime.date(2026, 1, 1))


def test_opd_admin_needs_an_opd_and_other_roles_have_none(opd):
    with pytest.raises(ValidationError) as excinfo:
        User(username="x", password="!", role=User.Role.OPD_ADMIN).full_clean()
    assert "opd" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        User(
            username="y", password="!", role=User.Role.DINKOMINFO, opd=opd
        ).full_clean()


def test_database_refuses_an_opd_admin_without_opd():
    user = UserFactory(role=User.Role.DINKOMINFO)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(role=User.Role.OPD_ADMIN)
