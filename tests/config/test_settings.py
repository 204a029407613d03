"""Settings come from the environment and refuse bad values by name."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import (
    EnvError,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_month_day,
    env_redis_url,
    env_str,
    env_time_range,
)

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 30 + "-production-secret-key-0123456789"
GOOD_FERNET_KEY = "ggXEO_2j8jA6pqeqKB9VmuiVpi_JzygIw_LhaXjJbf8="


def test_env_bool_accepts_common_spellings_and_refuses_the_rest():
    assert env_bool("DEBUG", False, environ={"DEBUG": "True"}) is True
    assert env_bool("DEBUG", True, environ={"DEBUG": "off"}) is False
    assert env_bool("DEBUG", True, environ={}) is True
    with pytest.raises(EnvError, match="^DEBUG"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_env_int_refuses_words_and_values_below_minimum():
    assert env_int("PORT", 1, environ={"PORT": "8000"}) == 8000
    with pytest.raises(EnvError, match="^CONN_MAX_AGE"):
        env_int("CONN_MAX_AGE", 0, environ={"CONN_MAX_AGE": "sixty"})
    with pytest.raises(EnvError, match="^CONN_MAX_AGE"):
        env_int("CONN_MAX_AGE", 0, minimum=0, environ={"CONN_MAX_AGE": "-1"})


def test_env_time_range_reads_office_hours_and_refuses_the_rest():
    name = "PPID_OFFICE_HOURS"
    assert env_time_range(name, "07:30-16:00", environ={}) == (
        datetime.time(7, 30),
        datetime.time(16, 0),
    )
    assert env_time_range(name, "07:30-16:00", environ={name: "08:00 - 15:30"}) == (
        datetime.time(8, 0),
        datetime.time(15, 30),
    )
    for bad in ("16:00-07:30", "pagi-sore", "07:30", "07:30-16:00-17:00"):
        with pytest.raises(EnvError, match="^PPID_OFFICE_HOURS"):
            env_time_range(name, "07:30-16:00", environ={name: bad})


def test_env_list_splits_on_commas_and_refuses_empty_entries():
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.go.id, b"}) == [
        "a.go.id",
        "b",
    ]
    with pytest.raises(EnvError, match="^ALLOWED_HOSTS"):
        env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a,,b"})


def test_env_month_day_reads_a_day_that_exists_every_year():
    name = "PPID_YEARLY_REPORT_DEADLINE"
    assert env_month_day(name, (3, 31), environ={}) == (3, 31)
    assert env_month_day(name, (3, 31), environ={name: "04-30"}) == (4, 30)
    for bad in ("02-29", "13-01", "3-31", "31-03", "+3-31", "03/31", "maret"):
        with pytest.raises(EnvError, match=name):
            env_month_day(name, (3, 31), environ={name: bad})


def test_env_str_required_names_the_variable():
    with pytest.raises(EnvError, match="^SECRET_KEY"):
        env_str("SECRET_KEY", required=True, environ={"SECRET_KEY": "  "})


def test_database_url_parses_postgres_and_sqlite_and_refuses_others():
    pg = env_database(
        "DATABASE_URL", "", environ={"DATABASE_URL": "postgres://u@db:5432/portal"}
    )
    assert (pg["ENGINE"], pg["HOST"], pg["NAME"]) == (
        "django.db.backends.postgresql",
        "db",
        "portal",
    )
    lite = env_database("DATABASE_URL", "sqlite:////tmp/x.sqlite3", environ={})
    assert lite["NAME"] == "/tmp/x.sqlite3"
    for bad in ["nonsense", "mysql://u@h/db", "postgres://u@h:5432/"]:
        with pytest.raises(EnvError, match="^DATABASE_URL"):
            env_database("DATABASE_URL", "", environ={"DATABASE_URL": bad})


def test_redis_url_must_be_redis():
    assert env_redis_url("REDIS_URL", environ={}) is None
    with pytest.raises(EnvError, match="^REDIS_URL"):
        env_redis_url("REDIS_URL", environ={"REDIS_URL": "localhost:6379"})


def test_defaults_use_sqlite_under_var_jakarta_time_and_indonesian():
    script = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['NAME'], s.TIME_ZONE, s.LANGUAGE_CODE,"
        " s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "VAR_DIR"}
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DEBUG": "True", "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        str(ROOT / "var" / "portal.sqlite3"),
        "Asia/Jakarta",
        "id",
        "True",
    ], result.stderr


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "DATABASE_URL",
            "REDIS_URL",
            "ALLOWED_HOSTS",
            "PERSONAL_DATA_KEYS",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DEBUG": "False", "ALLOWED_HOSTS": "portal.go.id"}, "SECRET_KEY"),
        ({"DEBUG": "False", "SECRET_KEY": "short", "ALLOWED_HOSTS": "x"}, "SECRET_KEY"),
        ({"DEBUG": "False", "SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
        (
            {"DEBUG": "False", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "portal.go.id"},
            "PERSONAL_DATA_KEYS",
        ),
        ({"DEBUG": "True", "PERSONAL_DATA_KEYS": "not-a-key"}, "PERSONAL_DATA_KEYS"),
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"DEBUG": "True", "DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
        ({"DEBUG": "True", "REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL"),
        ({"DEBUG": "True", "CONN_MAX_AGE": "lama"}, "CONN_MAX_AGE"),
        ({"DEBUG": "True", "LOG_LEVEL": "verbose"}, "LOG_LEVEL"),
        (
            {"DEBUG": "True", "PPID_YEARLY_REPORT_DEADLINE": "31-03"},
            "PPID_YEARLY_REPORT_DEADLINE",
        ),
    ],
)
def test_bad_setting_stops_start_up_naming_the_variable(env, variable):
    result = _start(env)
    assert result.returncode != 0
    assert variable in result.stderr
    assert "Traceback" not in result.stderr


def test_production_values_start_cleanly():
    result = _start(
        {
            "DEBUG": "False",
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "portal.go.id",
            "PERSONAL_DATA_KEYS": GOOD_FERNET_KEY,
        }
    )
    assert result.returncode == 0, result.stderr


def test_personal_data_keys_rotate(settings):
    from cryptography.fernet import Fernet

    from ppid.requests import personal_data

    old = Fernet.generate_key().decode()
    settings.PERSONAL_DATA_KEYS = [old]
    token = personal_data.encrypt("3303014507900001")
    settings.PERSONAL_DATA_KEYS = [Fernet.generate_key().decode(), old]
    assert personal_data.decrypt(token) == "3303014507900001"
    settings.PERSONAL_DATA_KEYS = [Fernet.generate_key().decode()]
    assert personal_data.decrypt(token) == ""


@pytest.mark.needs_postgres
def test_database_url_points_the_suite_at_postgresql():
    from django.db import connection

    assert connection.vendor == "postgresql"


def test_every_environment_variable_is_documented_in_env_example():
    import re

    read = set(
        re.findall(
            r'env_\w+\(\s*"([A-Z_]+)"', (ROOT / "config" / "settings.py").read_text()
        )
    )
    documented = set(
        re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert read, "no variables found: the pattern is out of date"
    assert read - documented == set()


def test_env_example_values_pass_the_deployment_check():
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    base = {k: v for k, v in os.environ.items() if k not in values}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **values, "SECRET_KEY": GOOD_KEY},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_servers_default_to_debug_off_while_manage_py_defaults_to_on():
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    server = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert server.returncode != 0
    assert "SECRET_KEY" in server.stderr
    tool = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert tool.returncode == 0, tool.stderr


def _settings_with(env: dict[str, str], *names: str) -> list[str]:
    script = "from django.conf import settings as s;print({})".format(
        ",".join("s.{}".format(name) for name in names)
    )
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PORT", "SITE_URL", "SOCIAL_OAUTH_REDIRECT_BASE"}
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **base,
            "DEBUG": "True",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_links_follow_the_port_the_portal_is_served_on():
    names = ("SITE_URL", "SOCIAL_OAUTH_REDIRECT_BASE")
    assert _settings_with({}, *names) == ["http://127.0.0.1:8000"] * 2
    assert _settings_with({"PORT": "8123"}, *names) == ["http://127.0.0.1:8123"] * 2
    # A public address set by the operator wins over the port.
    public = {"PORT": "8123", "SITE_URL": "https://ppid.purbalinggakab.go.id/"}
    assert _settings_with(public, *names) == ["https://ppid.purbalinggakab.go.id"] * 2


def test_make_run_passes_its_port_to_the_portal():
    # The run rule's exports, given to a stand-in rule that only prints them.
    makefile = (ROOT / "Makefile").read_text()
    assert "\nrun: export SITE_URL" in makefile
    stand_in = makefile.replace("\nrun: export", "\n_show: export")
    result = subprocess.run(
        ["make", "-s", "-f", "-", "PORT=8123", "--eval", "_show: ; @echo $$SITE_URL"]
        + ["_show"],
        cwd=ROOT,
        input=stand_in,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}},
    )
    assert result.stdout.strip() == "http://127.0.0.1:8123", result.stderr
