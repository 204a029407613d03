"""Version counters of the staff's work: what the staff navbar's badges, the
work queues and the dashboard's blocks show (``config/staff_cache.py``
caches them against these counters).

``work:opd:<pk>``
    a row of that OPD's work changed (its items, requests, cases, social
    accounts and their figures);
``work:regency``
    something every staff page may show changed (the evaluation's months,
    scores and contests, objections, the calendar and deadline rules, the
    registry);
``work:any``
    any change at all: moved with each of the above. The kabupaten roles'
    pages see every OPD and depend on it alone.

A change bumps its counters once its transaction commits
(``core.versions.bump``), so a rollback bumps nothing. Signals bump them
for saves and deletes of single rows (``config/work_signals.py``);
services that write with ``update()``, bulk or raw SQL call ``changed``
themselves.

``fetch`` and ``store`` keep what a page made from that work: an entry is
stored with the versions of the counters it depends on and served only
while they all still hold. What changes with the clock alone (a case's
clock running out, an account turning stale, a token expiring) is bounded
by the callers' keys: they hold a time bucket of ``seconds()``
(``STAFF_WORK_CACHE_SECONDS``, 0 turns the cache off). An entry made while
a change committed may hold rows read before it with versions read after
it: the versions' sequence, read before the entry is made and again before
it is stored, catches that, and such an entry is used but not stored (as
``ppid.catalogue.cache`` does).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache

from core import versions

ANY = "work:any"
REGENCY = "work:regency"


def opd_counter(opd_id: int) -> str:
    """The counter of one OPD's work."""
    return "work:opd:{}".format(opd_id)


def changed(opd_ids: Iterable[int | None] = (), *, regency: bool = False) -> None:
    """The work of ``opd_ids`` changed (of every OPD with ``regency``):
    bump their counters once the current transaction commits."""
    names = {ANY}
    if regency:
        names.add(REGENCY)
    names.update(opd_counter(pk) for pk in opd_ids if pk)
    versions.bump(*names)


# --- Entries made from the work --------------------------------------------------------

# Where a request keeps what it read, per set of counters.
REQUEST_ATTRIBUTE = "portal_work_cache"
# What every page of a request reads anyway (the staff navbar's counts), as
# functions of the request giving (counters, {part: key}) or None: read along
# with the request's first fetch (config/staff_cache.py adds its own).
COMPANIONS: list[Callable[[Any], tuple[list[str], dict[str, str]] | None]] = []


def seconds() -> int:
    """How long an entry may be served at most (0: the cache is off)."""
    return settings.STAFF_WORK_CACHE_SECONDS


def bucket() -> int:
    """The current time bucket, for the callers' keys."""
    return int(time.time() // max(seconds(), 1))


@dataclass
class _Read:
    """What one request read under one set of counters."""

    versions: dict[str, int | None]
    found: dict[str, Any] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)


def _read(request: Any, names: list[str], keys: Mapping[str, str]) -> _Read:
    """Read the entries of ``keys`` not read yet by this request, with the
    counters' versions the first time; the first read of a request takes
    the companions' entries along: one round trip."""
    states: dict[tuple[str, ...], _Read] = request.__dict__.setdefault(
        REQUEST_ATTRIBUTE, {}
    )
    groups: dict[tuple[str, ...], dict[str, str]] = {}
    if not states:
        for companion in COMPANIONS:
            found = companion(request)
            if found is not None:
                groups.setdefault(tuple(found[0]), {}).update(found[1])
    groups.setdefault(tuple(names), {}).update(keys)
    asked: list[str] = []
    plan = []
    for group, group_keys in groups.items():
        state = states.get(group)
        wanted = {
            part: key
            for part, key in group_keys.items()
            if state is None or state.keys.get(part) != key
        }
        if state is None:
            asked += [versions.SEQUENCE, *(versions.key(name) for name in group)]
        elif not wanted:
            continue
        asked += wanted.values()
        plan.append((group, state, wanted))
    got = cache.get_many(asked) if asked else {}
    for group, state, wanted in plan:
        if state is None:
            read = {name: got.get(versions.key(name)) for name in group}
            read[""] = got.get(versions.SEQUENCE)
            state = states[group] = _Read(read)
        held = tuple(state.versions[name] for name in group)
        for part, key in wanted.items():
            state.keys[part] = key
            entry = got.get(key)
            # Served only while every counter it was made with still holds.
            if entry is not None and None not in held and entry[0] == held:
                state.found[part] = entry[1]
            else:
                state.found.pop(part, None)
    return states[tuple(names)]


def fetch(request: Any, names: list[str], keys: Mapping[str, str]) -> dict[str, Any]:
    """The stored entries of ``keys`` (part: cache key) still valid under
    the counters ``names``; missing ones are absent. One round trip."""
    if not seconds():
        return {}
    state = _read(request, names, keys)
    return {part: state.found[part] for part in keys if part in state.found}


def store(request: Any, names: list[str], part: str, key: str, value: Any) -> None:
    """Keep ``value`` as ``part`` under the counters ``names`` (read by
    ``fetch`` before it was made), unless a change committed meanwhile."""
    if not seconds():
        return
    state = _read(request, names, {part: key})
    held = [state.versions[name] for name in names]
    if None in held:
        # A counter never set (or evicted): start it; a change meanwhile
        # moved the sequence, checked below.
        started = versions.read_or_start(names)
        held = [started[name] for name in names]
        state.versions.update({name: started[name] for name in names})
    if cache.get(versions.SEQUENCE) != state.versions[""]:
        return
    cache.set(key, (tuple(held), value), seconds() * 2)
