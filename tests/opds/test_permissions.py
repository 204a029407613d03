"""The permission predicates, for every role."""

import pytest

from opds import permissions as perms
from opds.models import Opd
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "dinkominfo",
    "ppid_utama",
    "atasan_ppid",
    "opd_admin",
    "superuser",
]


@pytest.fixture
def users(opd):
    from django.contrib.auth.models import AnonymousUser

    return {
        "anonymous": AnonymousUser(),
        "dinkominfo": UserFactory(username="dinkominfo", role="dinkominfo"),
        "ppid_utama": UserFactory(username="ppid-utama", role="ppid_utama"),
        "atasan_ppid": UserFactory(username="atasan-ppid", role="atasan_ppid"),
        "opd_admin": UserFactory(username="admin-dinkes", role="opd_admin", opd=opd),
        "superuser": UserFactory(username="root", is_superuser=True),
    }


# Expected answers per role: (own OPD, another OPD) where the rule is per OPD.
EXPECTED = {
    "is_staff_user": {
        "anonymous": False,
        "dinkominfo": True,
        "ppid_utama": True,
        "atasan_ppid": True,
        "opd_admin": True,
        "superuser": True,
    },
    "can_view_opd_internals": {
        "anonymous": (False, False),
        "dinkominfo": (True, True),
        "ppid_utama": (True, True),
        "atasan_ppid": (True, True),
        "opd_admin": (True, False),
        "superuser": (True, True),
    },
    "can_manage_opd_data": {
        "anonymous": (False, False),
        "dinkominfo": (False, False),
        "ppid_utama": (False, False),
        "atasan_ppid": (False, False),
        "opd_admin": (True, False),
        "superuser": (True, True),
    },
    "can_change_registry": {
        "anonymous": False,
        "dinkominfo": False,
        "ppid_utama": False,
        "atasan_ppid": False,
        "opd_admin": False,
        "superuser": True,
    },
    "can_publish_ppid_items": {
        "anonymous": False,
        "dinkominfo": False,
        "ppid_utama": True,
        "atasan_ppid": False,
        "opd_admin": False,
        "superuser": True,
    },
    "can_route_requests": {
        "anonymous": False,
        "dinkominfo": False,
        "ppid_utama": True,
        "atasan_ppid": False,
        "opd_admin": False,
        "superuser": True,
    },
    "can_decide_objections": {
        "anonymous": False,
        "dinkominfo": False,
        "ppid_utama": False,
        "atasan_ppid": True,
        "opd_admin": False,
        "superuser": True,
    },
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("predicate", sorted(EXPECTED))
def test_predicate_answers_for_each_role(predicate, role, users, opd, other_opd):
    check = getattr(perms, predicate)
    expected = EXPECTED[predicate][role]
    user = users[role]
    if isinstance(expected, tuple):
        assert (check(user, opd), check(user, other_opd)) == expected
    else:
        assert check(user) is expected


@pytest.mark.parametrize("role", ROLES)
def test_opds_visible_to_scopes_each_role(role, users, opd, other_opd):
    visible = set(perms.opds_visible_to(users[role]))
    expected = {
        "anonymous": set(),
        "opd_admin": {opd},
    }.get(role, {opd, other_opd})
    assert visible == expected


@pytest.mark.parametrize("role", ROLES[1:])
def test_deactivated_account_loses_every_right(role, users, opd, other_opd):
    user = users[role]
    user.is_active = False
    user.save()
    for predicate, answers in EXPECTED.items():
        check = getattr(perms, predicate)
        if isinstance(answers[role], tuple):
            assert (check(user, opd), check(user, other_opd)) == (False, False)
        else:
            assert check(user) is False, predicate
    assert not perms.opds_visible_to(user).exists()


def test_opd_admin_may_not_manage_a_merged_opd(users, opd):
    Opd.objects.filter(pk=opd.pk).update(is_active=False)
    opd.refresh_from_db()
    assert perms.can_view_opd_internals(users["opd_admin"], opd)
    assert not perms.can_manage_opd_data(users["opd_admin"], opd)
    assert perms.can_manage_opd_data(users["superuser"], opd)
