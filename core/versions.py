"""Version counters in the cache, one per thing a cached answer shows.

A cached answer stores the versions of what it was made from and is served
only while they all still hold; a change bumps the versions of what it
touched, after its transaction commits, and so makes stale exactly the
answers that showed it. The names (``item:12``, ``opd:3``, ``opds``) are
the callers'; ``ppid/catalogue/cache.py`` explains the ones in use.

A counter that was evicted (or never set) comes back as a new number taken
from the clock, never as a small one an old answer may have stored: an
eviction can only make answers stale, never bring a stale one back.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

PREFIX = "ver:"
# Bumped before the counters of every change: an answer whose making saw it
# move may hold rows read before a commit with versions read after it, and
# is not stored (``ppid.catalogue.cache``).
SEQUENCE = PREFIX + "sequence"


def key(name: str) -> str:
    """The cache key of the counter ``name``."""
    return PREFIX + name


def _fresh() -> int:
    # Nanoseconds: later than any value an earlier counter reached, since a
    # counter moves by one per change and changes take far longer than 1 ns.
    return time.time_ns()


def _incr(cache_key: str) -> None:
    try:
        cache.incr(cache_key)
    except ValueError:
        # Never set or evicted: any new number will do, but not a reused one.
        if not cache.add(cache_key, _fresh(), timeout=None):
            cache.incr(cache_key)


def bump_now(names: Iterable[str]) -> None:
    """Move the counters ``names`` at once (outside a transaction's effects)."""
    _incr(SEQUENCE)
    for name in sorted(set(names)):
        _incr(key(name))


def bump(*names: str) -> None:
    """Move the counters ``names`` once the current transaction commits;
    nothing moves if it rolls back. Outside a transaction, at once."""
    pending = frozenset(names)
    # Robust: the change is committed whatever the cache says; a cache that
    # fails here is logged, and must not turn a saved write into an error
    # or skip the transaction's later callbacks (task enqueues, file
    # deletes). What it should have made stale expires with its entry.
    transaction.on_commit(lambda: bump_now(pending), robust=True)


def read(names: Iterable[str]) -> dict[str, int | None]:
    """The current value of each counter (None: never set or evicted), and
    of the sequence under the name ``""``, in one round trip."""
    names = list(names)
    found = cache.get_many([SEQUENCE, *(key(name) for name in names)])
    values: dict[str, int | None] = {name: found.get(key(name)) for name in names}
    values[""] = found.get(SEQUENCE)
    return values


def read_or_start(names: Iterable[str]) -> dict[str, int]:
    """Like ``read``, starting the counters that are not set yet."""
    values = read(names)
    for name in [name for name, value in values.items() if value is None and name]:
        # The number just added is the counter's value; only when another
        # process started it first is it read back (one round trip fewer
        # for the first page of each item, most of a uniform draw's).
        fresh = _fresh()
        if cache.add(key(name), fresh, timeout=None):
            values[name] = fresh
        else:
            values[name] = cache.get(key(name))
    return values  # type: ignore[return-value]
