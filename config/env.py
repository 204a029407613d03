"""Typed readers for settings that come from the environment.

Each reader refuses a malformed value with an error that names the variable,
so a bad deployment stops at start-up instead of failing later, deep inside
Django or at the first request.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class EnvError(ImproperlyConfigured):
    """A setting read from the environment is missing or malformed.

    The messages are plain Indonesian rather than gettext: they are raised
    while settings load, before any translation machinery exists.
    """

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        super().__init__(f"{name}: {problem}")


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(
    name: str,
    default: str | None = None,
    *,
    required: bool = False,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """Return a string; an empty value counts as unset."""
    value = _raw(name, environ)
    if value is None:
        if required:
            raise EnvError(name, "wajib diisi tetapi belum diatur")
        return default
    return value


def env_bool(
    name: str, default: bool, *, environ: Mapping[str, str] | None = None
) -> bool:
    """Return a boolean written as 1/0, true/false, yes/no or on/off."""
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise EnvError(name, f"harus true atau false, bukan {value!r}")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Return an integer, optionally no smaller than ``minimum``."""
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(name, f"harus bilangan bulat, bukan {value!r}") from None
    if minimum is not None and number < minimum:
        raise EnvError(name, f"paling sedikit {minimum}, bukan {number}")
    return number


def env_choice(
    name: str,
    default: str,
    choices: list[str],
    *,
    environ: Mapping[str, str] | None = None,
) -> str:
    """Return one of ``choices``, compared without regard to case."""
    value = _raw(name, environ)
    if value is None:
        return default
    if value.upper() not in choices:
        raise EnvError(
            name,
            "harus salah satu dari {}, bukan {!r}".format(", ".join(choices), value),
        )
    return value.upper()


def env_time_range(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> tuple[datetime.time, datetime.time]:
    """Return (start, end) from ``HH:MM-HH:MM``, start before end."""
    value = _raw(name, environ) or default
    try:
        start, end = (
            datetime.time.fromisoformat(part.strip()) for part in value.split("-")
        )
    except ValueError:
        raise EnvError(name, f"harus berbentuk JJ:MM-JJ:MM, bukan {value!r}") from None
    if start >= end:
        raise EnvError(name, f"jam mulai harus sebelum jam selesai: {value!r}")
    return start, end


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Return a comma-separated list with blanks dropped."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise EnvError(name, f"berisi entri kosong: {value!r}")
    return items


def env_month_day(
    name: str,
    default: tuple[int, int],
    *,
    environ: Mapping[str, str] | None = None,
) -> tuple[int, int]:
    """Return a day of the year written ``MM-DD`` as (month, day).

    29 February is refused: a yearly date must exist every year.
    """
    import datetime

    value = _raw(name, environ)
    if value is None:
        return default
    month, _, day = value.partition("-")
    try:
        if not (len(month) == len(day) == 2 and (month + day).isdigit()):
            raise ValueError(value)
        # 2001 is not a leap year.
        found = datetime.date(2001, int(month), int(day))
    except ValueError:
        raise EnvError(
            name, f"harus tanggal BB-HH yang ada setiap tahun, bukan {value!r}"
        ) from None
    return found.month, found.day


def env_int_map(
    name: str,
    default: Mapping[str, int],
    *,
    keys: list[str],
    minimum: int = 1,
    environ: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Return ``key:number`` pairs (``b:10,g:25``), each key one of ``keys``."""
    value = _raw(name, environ)
    if value is None:
        return dict(default)
    result: dict[str, int] = {}
    for entry in env_list(name, [], environ=environ):
        key, sep, number = (part.strip() for part in entry.partition(":"))
        if not sep or key.lower() not in keys:
            raise EnvError(
                name,
                "entri harus kunci:angka dengan kunci salah satu dari {}, "
                "bukan {!r}".format(", ".join(keys), entry),
            )
        try:
            amount = int(number)
        except ValueError:
            raise EnvError(name, f"angka untuk {key!r} bukan bilangan bulat") from None
        if amount < minimum:
            raise EnvError(name, f"angka untuk {key!r} paling sedikit {minimum}")
        result[key.lower()] = amount
    return result


def env_fernet_keys(
    name: str, *, required: bool = False, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Return a comma-separated list of Fernet keys (32 url-safe base64 bytes)."""
    from cryptography.fernet import Fernet

    keys = env_list(name, [], environ=environ)
    if required and not keys:
        raise EnvError(
            name,
            "wajib diisi bila DEBUG mati; buat kunci dengan "
            "python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'",
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise EnvError(
                name, f"kunci ke-{position} bukan kunci Fernet (32 bita base64)"
            ) from None
    return keys


def env_database(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Parse a database URL (``postgres://`` or ``sqlite:///``)."""
    url = _raw(name, environ) or default
    try:
        config = dj_database_url.parse(url, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        raise EnvError(name, f"bukan URL basis data yang sah ({exc})") from None
    engine = config.get("ENGINE", "")
    if engine not in (
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    ):
        raise EnvError(name, "hanya URL postgres:// dan sqlite:/// yang didukung")
    if not config.get("NAME"):
        raise EnvError(name, "tidak menyebut nama basis data")
    return config


def env_redis_url(name: str, *, environ: Mapping[str, str] | None = None) -> str | None:
    """Return a ``redis://`` or ``rediss://`` URL, or None when unset."""
    url = _raw(name, environ)
    if url is None:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise EnvError(name, f"harus URL redis://, bukan {url!r}")
    return url
