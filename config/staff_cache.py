"""The staff's work, cached per account until it changes: the navbar's
badges (``queues.nav_counts``) and the dashboard's blocks.

Both are live: they must show the current data. An entry is therefore
stored with the versions of the work counters its account's role depends
on (``core/work.py``: an OPD admin its OPD's and the regency's, the
kabupaten roles any change's) and served only while they all still hold;
every write to a row they show bumps them after its commit. What changes
with the clock alone (a case's clock running out, an account turning stale,
a token expiring, today's due limits) is bounded by the key: it holds the
date and a time bucket of ``STAFF_WORK_CACHE_SECONDS``, so an entry is never
served longer than that, and a clock-only change shows within it. A setting
of 0 turns the cache off (the tests do, see ``tests/conftest.py``: their
writes never commit, so their counters never move).

What the CSRF token or the messages go into is never stored: the navbar's
counts are stored as numbers, and the dashboard's body has no form.

An entry made while a change committed may hold rows read before it with
versions read after it: the versions' sequence, read before the entry is
made and again before it is stored, catches that, and such an entry is
used but not stored (as ``ppid.catalogue.cache`` does).
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import get_language

from core import work
from opds import permissions as perms
from opds.models import User

# Bump when what an entry holds changes shape.
ENTRY_FORMAT = 1
# The dashboard body's templates: a change to any of them makes new keys.
BODY_TEMPLATES = (
    "_dashboard_body.html",
    "_queue.html",
    "_opd_board.html",
    "aspirations/_dashboard.html",
    "evaluations/_band.html",
    "evaluations/_change.html",
    "socialposts/_token_health.html",
    "ppid/reports/_status.html",
)


def counters(user: User) -> list[str]:
    """The work counters whose change may change what ``user`` sees."""
    kabupaten = perms.can_view_kabupaten_evaluation(user) or user.is_superuser
    if not kabupaten and user.opd_id and user.role == User.Role.OPD_ADMIN:
        return [work.opd_counter(user.opd_id), work.REGENCY]
    return [work.ANY]


def template_digest() -> str:
    """The body's templates hashed (once per process; with DEBUG on, every
    time, so an edited template shows at once)."""
    return _digest_now() if settings.DEBUG else _digest_once()


@functools.cache
def _digest_once() -> str:
    return _digest_now()


def _digest_now() -> str:
    sources = [get_template(name).template.source for name in BODY_TEMPLATES]
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()[:16]


def entry_key(user: User, part: str) -> str:
    """The key of ``part`` for ``user``: who it is and what scope its role
    gives, the language, today and the time bucket."""
    shown = (
        ENTRY_FORMAT,
        part,
        user.pk,
        user.role,
        user.opd_id,
        user.is_superuser,
        get_language(),
        timezone.localdate().isoformat(),
        work.bucket(),
        template_digest() if part == "dashboard" else "",
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:32]
    return "staffwork:{}:{}:{}".format(part, user.pk, digest)


def fetch(request: HttpRequest, *parts: str) -> dict[str, Any]:
    """The stored entries of ``parts`` still valid for the request's user
    (missing ones are absent), read in one round trip with the counters."""
    user = request.user
    return work.fetch(
        request, counters(user), {part: entry_key(user, part) for part in parts}
    )


def get(request: HttpRequest, part: str) -> Any:
    """The stored entry of ``part``, or None."""
    return fetch(request, part).get(part)


def store(request: HttpRequest, part: str, value: Any) -> None:
    """Keep ``value`` as ``part`` for the request's user, unless a change
    committed while it was made."""
    user = request.user
    work.store(request, counters(user), part, entry_key(user, part), value)


def navbar_companion(request: HttpRequest) -> tuple[list[str], dict[str, str]] | None:
    """The navbar's counts, read along with a staff page's first fetch."""
    user = request.user
    if not perms.is_staff_user(user):
        return None
    return counters(user), {"nav": entry_key(user, "nav")}
