"""The Indonesian catalogue is complete and its compiled file is current."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "id" / "LC_MESSAGES"


def test_every_message_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        msgstr, plural = compiled[(entry.msgctxt, entry.msgid)]
        if entry.msgid_plural:
            assert plural == {int(k): v for k, v in entry.msgstr_plural.items()}
        else:
            assert msgstr == entry.msgstr


def test_interface_speaks_indonesian():
    with translation.override("id"):
        assert translation.gettext("Regional Agencies") == "Perangkat Daerah"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
def test_catalogue_holds_every_message_in_the_source(tmp_path):
    # makemessages writes into the tree it scans, so scan a copy.
    root = LOCALE.parents[2]
    for name in [
        "manage.py",
        "core",
        "config",
        "opds",
        "ppid",
        "socialposts",
        "aspirations",
        "evaluations",
        "templates",
        "locale",
    ]:
        source = root / name
        if source.is_dir():
            shutil.copytree(
                source,
                tmp_path / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
            )
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "locale" / "id" / "LC_MESSAGES" / "django.po").unlink()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id"],
        cwd=tmp_path,
        env={**os.environ, "DEBUG": "True"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(tmp_path / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    committed = polib.pofile(str(LOCALE / "django.po"))
    translated = {(e.msgctxt, e.msgid) for e in committed.translated_entries()}
    missing = [e.msgid for e in fresh if (e.msgctxt, e.msgid) not in translated]
    assert missing == [], "run `make messages` and translate these"
