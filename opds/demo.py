"""Demo data for the opds app: the Purbalingga registry and one user per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext as _

from opds.demo_contacts import fill_contacts
from opds.models import Opd, User
from opds.services import import_opds, read_registry_csv

DEMO_EMAIL_DOMAIN = "demo.purbalingga.test"

# Fixed accounts besides one admin per OPD: (username, role, first, last).
KABUPATEN_ACCOUNTS = (
    ("dinkominfo", User.Role.DINKOMINFO, "Tim Evaluasi", "Dinkominfo"),
    ("ppid-utama", User.Role.PPID_UTAMA, "PPID Utama", "Kabupaten Purbalingga"),
    ("atasan-ppid", User.Role.ATASAN_PPID, "Atasan PPID", "Sekretaris Daerah"),
)
SUPERUSER_NAME = "superadmin"


@dataclass(frozen=True)
class DemoLogin:
    """One demo account, as printed for the person running the demo."""

    username: str
    role: str


def _ensure_user(
    *, username: str, password_hash: str, reset_password: bool, **fields: object
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, password=password_hash)
    elif reset_password:
        user.password = password_hash
    for field, value in fields.items():
        setattr(user, field, value)
    user.email = "{}@{}".format(username, DEMO_EMAIL_DOMAIN)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def seed_demo(*, reset_passwords: bool = False) -> list[DemoLogin]:
    """Load the registry and demo users; running it again changes nothing.

    Existing users keep their password unless ``reset_passwords`` is set,
    so a demo someone has changed survives a restart.
    """
    if not settings.DEBUG:
        raise ImproperlyConfigured(_("seed_demo only runs while DEBUG is on."))
    import_opds(rows=read_registry_csv())
    fill_contacts()
    # One hash for every account: hashing 50 times would cost ~20 s.
    password_hash = make_password(settings.DEMO_PASSWORD)
    logins = [DemoLogin(SUPERUSER_NAME, "superuser")]
    _ensure_user(
        username=SUPERUSER_NAME,
        password_hash=password_hash,
        reset_password=reset_passwords,
        first_name="Super",
        last_name="Admin",
        is_staff=True,
        is_superuser=True,
        role="",
        opd=None,
    )
    for username, role, first, last in KABUPATEN_ACCOUNTS:
        _ensure_user(
            username=username,
            password_hash=password_hash,
            reset_password=reset_passwords,
            first_name=first,
            last_name=last,
            role=role,
            opd=None,
            # PPID Utama keeps the Profil PPID in the admin, which needs it.
            is_staff=role == User.Role.PPID_UTAMA,
        )
        logins.append(DemoLogin(username, role))
    for opd in Opd.objects.order_by("slug"):
        username = "admin-{}".format(opd.slug)
        _ensure_user(
            username=username,
            password_hash=password_hash,
            reset_password=reset_passwords,
            first_name="Admin",
            last_name=opd.short_name,
            role=User.Role.OPD_ADMIN,
            opd=opd,
        )
        logins.append(DemoLogin(username, User.Role.OPD_ADMIN))
    return logins
