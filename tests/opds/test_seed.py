import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opds.demo import seed_demo
from opds.models import Opd, User

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Opd.objects.order_by("slug").values()),
        list(User.objects.order_by("username").values()),
    )


def test_seed_loads_47_opds_and_one_user_per_role(settings):
    settings.DEBUG = True
    seed_demo()
    assert Opd.objects.count() == 47
    assert Opd.objects.filter(slug="dinkes").exists()
    assert Opd.objects.get(slug="kec-bukateja").kind == Opd.Kind.KECAMATAN
    for username, role in [
        ("dinkominfo", "dinkominfo"),
        ("ppid-utama", "ppid_utama"),
        ("atasan-ppid", "atasan_ppid"),
    ]:
        assert User.objects.get(username=username).role == role
    admins = User.objects.filter(role=User.Role.OPD_ADMIN)
    assert admins.count() == 47
    assert admins.get(username="admin-kec-bukateja").opd.slug == "kec-bukateja"
    user = User.objects.get(username="admin-dinkes")
    assert user.check_password(settings.DEMO_PASSWORD)
    assert User.objects.get(username="superadmin").is_superuser


def test_seed_twice_gives_the_same_data(settings):
    settings.DEBUG = True
    seed_demo()
    first = _snapshot()
    with CaptureQueriesContext(connection) as queries:
        seed_demo()
    assert _snapshot() == first
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert inserts == []


def test_seed_keeps_a_changed_password_unless_asked_to_reset(settings):
    settings.DEBUG = True
    seed_demo()
    user = User.objects.get(username="dinkominfo")
    user.set_password("diganti-oleh-pengguna")
    user.save()
    seed_demo()
    user.refresh_from_db()
    assert user.check_password("diganti-oleh-pengguna")
    seed_demo(reset_passwords=True)
    user.refresh_from_db()
    assert user.check_password(settings.DEMO_PASSWORD)


def test_seed_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        seed_demo()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Opd.objects.exists()


def test_seed_command_prints_the_demo_logins(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "ppid-utama" in out and settings.DEMO_PASSWORD in out


def test_seed_command_fills_the_request_register_in_every_state(settings, capsys):
    from ppid.requests.demo import seed_requests
    from ppid.requests.models import InformationRequest, Objection

    settings.DEBUG = True
    call_command("seed_demo")
    assert "permohonan informasi baru" in capsys.readouterr().out
    requests = InformationRequest.objects.all()
    statuses = set(requests.values_list("status", flat=True))
    assert statuses == {s.value for s in InformationRequest.Status}
    decisions = set(requests.exclude(decision="").values_list("decision", flat=True))
    assert {"granted_full", "granted_partial", "refused_excluded"} <= decisions
    answered = requests.exclude(answered_on=None)
    assert any(not r.answered_on_time() for r in answered)  # some were late
    assert requests.exclude(extended_on=None).exists()
    assert set(Objection.objects.values_list("status", flat=True)) >= {
        "answered",
        "accepted",
        "disputed",
    }
    count = requests.count()
    assert seed_requests() == 0 and InformationRequest.objects.count() == count
