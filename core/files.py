"""Stored files that follow the database transaction they were written in,
and uploads held while a form is corrected."""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone


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


# --- Uploads held while a form is corrected -------------------------------------
#
# A browser cannot put a file back into a file input. When a form comes back
# with an error, a file that passed the upload gate is kept here, under a
# random name, and the page carries a token signed with the visitor's session
# key: another visitor's token does not open it, and after HELD_MAX_AGE it is
# refused and swept away.

HELD_FOLDER = "held"
HELD_MAX_AGE = 60 * 60
_HELD_NAME = re.compile(r"held/[0-9a-f]{32}")


@dataclass(frozen=True)
class HeldFile:
    """A file kept for one field of one session's form."""

    token: str
    name: str
    path: str

    def as_upload(self) -> SimpleUploadedFile:
        """The kept bytes as the upload the form would have received."""
        with default_storage.open(self.path, "rb") as handle:
            return SimpleUploadedFile(self.name, handle.read())


def _salt(session: SessionBase, field: str) -> str:
    if session.session_key is None:
        # A first-time visitor has no session yet: make one, and make sure
        # its cookie is sent with this answer.
        session.save()
        session.modified = True
    return "core.files.held:{}:{}".format(session.session_key, field)


def hold_file(session: SessionBase, field: str, name: str, content: bytes) -> HeldFile:
    """Keep ``content`` for ``field`` of this session's form; the token says where."""
    purge_held_files()
    path = default_storage.save(
        "{}/{}".format(HELD_FOLDER, secrets.token_hex(16)), ContentFile(content)
    )
    token = signing.dumps({"p": path, "n": name}, salt=_salt(session, field))
    return HeldFile(token=token, name=name, path=path)


def held_file(session: SessionBase, field: str, token: str) -> HeldFile | None:
    """The file a token names, if this session's form holds it for ``field``
    and it is not too old; otherwise None."""
    if session.session_key is None or not token:
        return None
    try:
        payload = signing.loads(token, salt=_salt(session, field), max_age=HELD_MAX_AGE)
    except signing.BadSignature:
        return None
    path, name = payload.get("p", ""), payload.get("n", "")
    if not _HELD_NAME.fullmatch(path) or not default_storage.exists(path):
        return None
    return HeldFile(token=token, name=name, path=path)


def release_held_file(held: HeldFile) -> None:
    """The form was saved (or the file left out): the kept copy goes."""
    default_storage.delete(held.path)


def purge_held_files(max_age: int = HELD_MAX_AGE) -> int:
    """Delete kept files older than ``max_age`` seconds; returns how many."""
    try:
        _folders, names = default_storage.listdir(HELD_FOLDER)
    except FileNotFoundError:
        return 0
    limit = timezone.now() - datetime.timedelta(seconds=max_age)
    removed = 0
    for name in names:
        path = "{}/{}".format(HELD_FOLDER, name)
        try:
            stale = default_storage.get_modified_time(path) < limit
        except FileNotFoundError:
            continue
        if stale:
            default_storage.delete(path)
            removed += 1
    return removed
