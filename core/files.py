"""Stored files that follow the database transaction they were written in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.storage import default_storage


@contextmanager
def stored_files_removed_on_error() -> Iterator[list[str]]:
    """Files written to storage inside a failing service are deleted again.

    The caller appends the name of each file it stores to the list it is
    given. The database rolls back by itself; the file system does not.
    """
    names: list[str] = []
    try:
        yield names
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise
