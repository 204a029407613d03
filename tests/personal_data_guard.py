"""A suite-wide guard: no NIK leaves the portal in a log line, an API answer,
an export or an e-mail (UU 27/2022; ASVS 16.2.5).

Registered from tests/conftest.py, it watches every test and fails it at
teardown when a NIK-like number (16 digits, also in groups of four: the
pattern core.redaction redacts) appears in:

- a log line as the configured handlers write it, i.e. after their filters
  (RedactPersonalData), with the root logger at DEBUG so that every record
  LOG_LEVEL could let through is seen;
- an answer of the test client under /api/, or any non-HTML answer that is a
  download (Content-Disposition) or a CSV, XLSX, PDF, JSON, XML or text body;
  XLSX (any zip) is read part by part, PDF as extracted text;
- what the public functions of the export modules return, for tests that
  call them without a request;
- the e-mails in ``mail.outbox``: headers, bodies, alternatives, attachments.

HTML pages are out of scope: the requester sees their own form, and staff
pages follow opds.permissions.can_view_full_nik.

``PERSONAL_DATA_GUARD=report`` (with ``PERSONAL_DATA_GUARD_REPORT=<file>``)
writes the findings as JSON lines instead of failing; ``=off`` disables it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib
import inspect
import io
import json
import logging
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core.redaction import NIK, redact

MODE = os.environ.get("PERSONAL_DATA_GUARD", "fail")
REPORT_FILE = os.environ.get("PERSONAL_DATA_GUARD_REPORT", "")

# Modules whose public functions build files; views may call them through a
# name bound at import, so answers are checked as well.
EXPORT_MODULES = (
    "core.tables",
    "ppid.catalogue.exports",
    "ppid.requests.exports",
    "evaluations.exports.common",
    "evaluations.exports.pdf",
    "evaluations.exports.xlsx",
    "evaluations.exports.evidence",
    "evaluations.exports.text",
)

# Sixteen digits known not to be a NIK: (source pattern, context pattern,
# reason), both patterns searched in the finding (the context holds the
# masked number between < and >). Every entry needs a reason a reviewer can
# check.
ALLOWED: list[tuple[re.Pattern[str], re.Pattern[str], str]] = [
    (
        re.compile(r"^API /api/v1/auth/token/ "),
        re.compile(r'^\{"token": ?"[0-9a-f#]*<[0-9*]+>[0-9a-f#]*"\}$'),
        "an API token is 40 random hexadecimal digits, about one in a hundred"
        " holds sixteen decimal ones in a row (the suite's token test failed"
        " on one in CI)",
    ),
]

TEXT_TYPES = ("text/", "json", "xml", "csv", "javascript")
FILE_TYPES = ("spreadsheet", "pdf", "zip", "officedocument")
ZIP_TEXT_PARTS = (".xml", ".rels", ".csv", ".txt", ".json", ".vml")
CONTEXT = 24


@dataclasses.dataclass(frozen=True)
class Finding:
    source: str
    masked: str
    context: str

    def __str__(self) -> str:
        return "{}: {} in '{}'".format(self.source, self.masked, self.context)


def _mask(match: str) -> str:
    # As ppid.requests.personal_data.mask_nik, but independent of the code watched:
    # a broken mask there must not print the number here.
    digits = re.sub(r"\D", "", match)
    return digits[:4] + "*" * 8 + digits[-4:]


def allowed(finding: Finding) -> bool:
    """Whether the allow-list explains ``finding``."""
    return any(
        source.search(finding.source) and context.search(finding.context)
        for source, context, _reason in ALLOWED
    )


def find_in_text(text: str, source: str) -> list[Finding]:
    """Every NIK-like number in ``text``, masked, with a little context."""
    found = []
    for match in NIK.finditer(text):
        start, end = match.span()
        before = text[max(0, start - CONTEXT) : start]
        after = text[end : end + CONTEXT]
        # The context is shown in the failure: no digit of it (a cut-off
        # NIK, a phone number) and no e-mail address.
        around = [re.sub(r"\d", "#", redact(part)) for part in (before, after)]
        context = " ".join(
            (around[0] + "<" + _mask(match.group()) + ">" + around[1]).split()
        )
        found.append(Finding(source, _mask(match.group()), context))
    return found


def pdf_text(data: bytes) -> str:
    """A PDF's text and metadata as a reader would see them."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts.extend(str(value) for value in (reader.metadata or {}).values())
    return "\n".join(parts)


def zip_parts(data: bytes) -> Iterator[tuple[str, bytes]]:
    """The members of a zip (an XLSX is one) worth reading as text or PDF."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.lower().endswith((*ZIP_TEXT_PARTS, ".pdf")):
                yield name, archive.read(name)


# The same bytes are checked once a session: a PDF built by an export
# function and then served by a view is read only once.
_seen_bytes: dict[bytes, list[tuple[str, str, str]]] = {}


def find_in_bytes(data: bytes, source: str, content_type: str = "") -> list[Finding]:
    """NIK-like numbers in a file or body: PDF text, zip parts, or text."""
    digest = hashlib.blake2b(data, digest_size=16).digest()
    if digest not in _seen_bytes:
        # Kept without the source, which differs between callers; the part
        # of a zip it was found in is kept.
        _seen_bytes[digest] = [
            (f.source[len(source) :], f.masked, f.context)
            for f in _find_in_bytes(data, source, content_type)
        ]
    return [
        Finding(source + part, masked, context)
        for part, masked, context in _seen_bytes[digest]
    ]


def _find_in_bytes(data: bytes, source: str, content_type: str) -> list[Finding]:
    if data.startswith(b"%PDF") or "pdf" in content_type:
        try:
            text = pdf_text(data)
        except Exception:  # noqa: BLE001 - an unreadable PDF is read as bytes
            text = data.decode("latin-1")
        return find_in_text(text, source)
    if data.startswith(b"PK\x03\x04"):
        found = []
        try:
            for name, part in zip_parts(data):
                found += _find_in_bytes(part, "{} [{}]".format(source, name), "")
        except zipfile.BadZipFile:
            return find_in_text(data.decode("latin-1"), source)
        return found
    return find_in_text(data.decode("utf-8", errors="replace"), source)


def find_in_value(value: Any, source: str) -> list[Finding]:
    """NIK-like numbers in what an export function returned."""
    if isinstance(value, bytes | bytearray):
        return find_in_bytes(bytes(value), source)
    if isinstance(value, str):
        return find_in_text(value, source)
    if isinstance(value, tuple) and value and isinstance(value[0], bytes):
        content_type = value[1] if len(value) > 1 and isinstance(value[1], str) else ""
        return find_in_bytes(value[0], source, content_type)
    return []


def _should_read(path: str, response: Any) -> bool:
    if path.startswith("/api/"):  # the browsable API's HTML included
        return True
    content_type = response.get("Content-Type", "").lower()
    if "text/html" in content_type:
        return False
    if response.has_header("Content-Disposition"):
        return True
    return any(kind in content_type for kind in (*TEXT_TYPES, *FILE_TYPES))


def find_in_response(response: Any, path: str) -> list[Finding]:
    """NIK-like numbers in an API answer or a download; other HTML is not read.

    A streamed answer is read here and put back as a list, so the test
    reads the same bytes as before."""
    if not _should_read(path, response):
        return []
    if response.streaming:
        if response.is_async:
            return []
        body = b"".join(response.streaming_content)
        response.streaming_content = [body]
    else:
        body = response.content
    kind = "API" if path.startswith("/api/") else "download"
    source = "{} {} {}".format(kind, path, response.get("Content-Type", ""))
    return find_in_bytes(body, source.strip(), response.get("Content-Type", ""))


def _email_parts(message: Any) -> Iterator[tuple[str, Any, str]]:
    yield "subject", message.subject, ""
    yield "body", message.body, ""
    headers = [message.from_email, *message.to, *message.cc, *message.bcc]
    headers += [*message.reply_to, *map(str, message.extra_headers.values())]
    yield "headers", "\n".join(map(str, headers)), ""
    for content, mimetype in getattr(message, "alternatives", []):
        yield "alternative " + mimetype, content, mimetype
    for attachment in message.attachments:
        if isinstance(attachment, tuple):
            filename, content, mimetype = attachment
            yield "attachment " + str(filename), content, mimetype or ""
        else:  # a MIMEBase part
            yield "attachment", attachment.get_payload(decode=True) or b"", ""


def find_in_email(message: Any, index: int = 0) -> list[Finding]:
    """NIK-like numbers anywhere in an e-mail the portal sent."""
    found = []
    for part, content, mimetype in _email_parts(message):
        source = "e-mail #{} ({})".format(index, part)
        if isinstance(content, bytes):
            found += find_in_bytes(content, source, mimetype)
        else:
            found += find_in_text(str(content or ""), source)
    return found


def find_in_log(handler: logging.Handler, record: logging.LogRecord) -> list[Finding]:
    """NIK-like numbers in the line ``handler`` writes for ``record``."""
    return find_in_text(handler.format(record), "log {}".format(record.name))


class Collector:
    """What one test let out: the findings, and how much was looked at."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.checked: list[str] = []

    def add(self, source: str, findings: list[Finding]) -> None:
        self.checked.append(source)
        self.findings += [f for f in findings if not allowed(f)]

    def take(self) -> list[Finding]:
        """The findings so far, forgotten: for tests of the guard itself."""
        findings, self.findings = self.findings, []
        return findings


_current: Collector | None = None


# --- the hooks -------------------------------------------------------------


def _watch_client() -> Callable[[], None]:
    from django.test.client import ClientHandler

    original = ClientHandler.__call__

    @functools.wraps(original)
    def call(self: Any, environ: dict) -> Any:
        response = original(self, environ)
        if _current is not None:
            path = environ.get("PATH_INFO", "")
            _current.add("response " + path, find_in_response(response, path))
        return response

    ClientHandler.__call__ = call

    def restore() -> None:
        ClientHandler.__call__ = original

    return restore


def _watch_exports() -> Callable[[], None]:
    patched = []
    for module_name in EXPORT_MODULES:
        module = importlib.import_module(module_name)
        for name, function in vars(module).copy().items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module_name:
                continue
            setattr(module, name, _watched(function, module_name + "." + name))
            patched.append((module, name, function))

    def restore() -> None:
        for module, name, function in patched:
            setattr(module, name, function)

    return restore


def _watched(function: Callable, label: str) -> Callable:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        if _current is not None:
            _current.add("export " + label, find_in_value(result, "export " + label))
        return result

    return wrapper


def _configured_loggers() -> list[tuple[logging.Logger, list[logging.Handler]]]:
    """Each logger with handlers settings.LOGGING installed, and those."""
    from django.conf import settings

    names = set(getattr(settings, "LOGGING", {}).get("handlers", {}))
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    found = []
    for logger in loggers:
        handlers = [h for h in logger.handlers if h.get_name() in names]
        if handlers:
            found.append((logger, handlers))
    return found


class _AtLeast(logging.Filter):
    """Keeps a handler's output (and pytest's captured log) as it was before
    the guard lowered the root logger to DEBUG."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


class _Guard(logging.Handler):
    """Checks every record as each of ``handlers`` would write it: through
    their filters (RedactPersonalData), then their formatter."""

    def __init__(self, handlers: list[logging.Handler]) -> None:
        super().__init__()
        self.handlers = handlers

    def emit(self, record: logging.LogRecord) -> None:
        if _current is None:
            return
        for handler in self.handlers:
            if record.levelno < handler.level:
                continue
            written = _filtered(handler, record)
            if written is not None:
                _current.add("log " + record.name, find_in_log(handler, written))


def _filtered(
    handler: logging.Handler, record: logging.LogRecord
) -> logging.LogRecord | None:
    for log_filter in handler.filters:
        if isinstance(log_filter, _AtLeast):
            continue
        result = (
            log_filter.filter(record)
            if isinstance(log_filter, logging.Filter)
            else log_filter(record)
        )
        if not result:
            return None
        if isinstance(result, logging.LogRecord):
            record = result
    return record


@contextlib.contextmanager
def _watching_logs() -> Iterator[None]:
    """The root logger at DEBUG, a guard beside each configured handler, and
    every other handler's output unchanged. Set up per test, in case
    something configured logging again."""
    root = logging.getLogger()
    changed: list[tuple[logging.Logger | logging.Handler, Any]] = []
    if root.getEffectiveLevel() > logging.DEBUG:
        loggers = {id(root): root}
        loggers.update({id(logger): logger for logger, _h in _configured_loggers()})
        for logger in loggers.values():
            keep = _AtLeast(logger.getEffectiveLevel())
            for handler in logger.handlers:
                handler.addFilter(keep)
                changed.append((handler, keep))
        changed.append((root, root.level))
        root.setLevel(logging.DEBUG)
    for logger, handlers in _configured_loggers():
        guard = _Guard(handlers)
        logger.addHandler(guard)
        changed.append((logger, guard))
    try:
        yield
    finally:
        for owner, change in reversed(changed):
            if isinstance(change, int):
                owner.setLevel(change)
            elif isinstance(change, logging.Filter):
                owner.removeFilter(change)
            else:
                owner.removeHandler(change)


def _outbox() -> list[Any]:
    from django.core import mail

    return list(getattr(mail, "outbox", []))


def _report(nodeid: str, findings: list[Finding]) -> None:
    if not REPORT_FILE:
        return
    with open(REPORT_FILE, "a", encoding="utf-8") as out:
        for finding in findings:
            row = {"test": nodeid, **dataclasses.asdict(finding)}
            out.write(json.dumps(row) + "\n")


@pytest.fixture(scope="session", autouse=True)
def _personal_data_hooks() -> Iterator[None]:
    if MODE == "off":
        yield
        return
    restores = [_watch_client(), _watch_exports()]
    yield
    for restore in restores:
        restore()


@pytest.fixture(autouse=True)
def _personal_data_guard(request: pytest.FixtureRequest) -> Iterator[Collector]:
    global _current
    collector = Collector()
    if MODE == "off":
        yield collector
        return
    _current = collector
    try:
        with _watching_logs():
            yield collector
    finally:
        _current = None
    failure = verdict(request.node.nodeid, collector, _outbox())
    if failure:
        pytest.fail(failure, pytrace=False)


def verdict(nodeid: str, collector: Collector, outbox: list[Any]) -> str:
    """After a test: its e-mails checked, then the failure message, if any
    (in report mode the findings go to the report file instead)."""
    for index, message in enumerate(outbox):
        collector.add("e-mail", find_in_email(message, index))
    if not collector.findings:
        return ""
    if MODE == "report":
        _report(nodeid, collector.findings)
        return ""
    lines = [str(finding) for finding in collector.findings[:20]]
    return "{} let a NIK-like number out ({} found):\n  {}".format(
        nodeid, len(collector.findings), "\n  ".join(lines)
    )
