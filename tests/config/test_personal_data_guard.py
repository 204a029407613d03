"""The personal-data guard (tests/personal_data_guard.py) catches a NIK in a
log line, an API answer, an XLSX, a PDF, a download and an e-mail, and lets
a masked NIK through; its hooks are live in every test."""

import io
import json
import logging
import re

import pytest
from django.core import mail
from django.http import FileResponse, JsonResponse
from openpyxl import Workbook

from core import tables
from core.redaction import RedactPersonalData
from tests import personal_data_guard as guard

NIK = "3303014507900001"
MASKED = "3303********0001"


def xlsx(*cells):
    workbook = Workbook()
    workbook.active.append(list(cells))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "text",
    [
        "NIK " + NIK,
        "nik=3303 0145 0790 0001&x",
        "3303-0145-0790-0001",
        '{"nik": "' + NIK + '"}',
        "pemohon." + NIK,
    ],
)
def test_a_nik_in_text_is_found_masked(text):
    (finding,) = guard.find_in_text(text, "somewhere")
    assert finding.masked == MASKED
    assert NIK not in str(finding) and "0145" not in str(finding)


@pytest.mark.parametrize(
    "text",
    [
        "NIK " + MASKED,
        "[NIK disembunyikan]",
        "17 digits 33030145079000012",
        "15 digits 330301450790000",
        "took 0.3303014507900001 s",
        "timestamp 1767225600000",
    ],
)
def test_no_nik_no_finding(text):
    assert guard.find_in_text(text, "somewhere") == []


def record(message, *args):
    return logging.LogRecord("ppid", logging.WARNING, __file__, 1, message, args, None)


def test_a_log_line_is_checked_as_the_handler_writes_it():
    bare = logging.StreamHandler(io.StringIO())
    (finding,) = guard.find_in_log(bare, record("NIK %s", NIK))
    assert finding.source == "log ppid" and finding.masked == MASKED

    filtered = logging.StreamHandler(io.StringIO())
    filtered.addFilter(RedactPersonalData())
    line = record("NIK %s", NIK)
    assert filtered.filter(line)
    assert guard.find_in_log(filtered, line) == []


def test_an_api_answer_is_read_but_an_html_page_is_not():
    answer = JsonResponse({"results": [{"nik": NIK}]})
    (finding,) = guard.find_in_response(answer, "/api/v1/requests/")
    assert finding.source.startswith("API /api/v1/requests/")
    assert guard.find_in_response(JsonResponse({"nik": MASKED}), "/api/v1/x/") == []

    page = JsonResponse({"nik": NIK})
    page["Content-Type"] = "text/html; charset=utf-8"
    assert guard.find_in_response(page, "/permohonan-informasi/ajukan/") == []


def test_an_xlsx_is_read_part_by_part():
    (finding,) = guard.find_in_bytes(xlsx("Siti", NIK), "register.xlsx")
    assert "xl/" in finding.source and finding.masked == MASKED
    # A NIK written as a number is still sixteen digits in the sheet.
    assert guard.find_in_bytes(xlsx("Siti", int(NIK)), "register.xlsx")
    assert guard.find_in_bytes(xlsx("Siti", MASKED), "register.xlsx") == []


def test_a_pdf_is_read_as_text_and_export_functions_are_watched(
    _personal_data_guard,
):
    leaking = tables.table_pdf("Register", ["Name", "NIK"], [["Siti", NIK]], [40, 40])
    (finding,) = guard.find_in_bytes(leaking, "register.pdf")
    assert finding.masked == MASKED
    # The wrapped export function reported the same finding to this test.
    sources = {watched.source for watched in _personal_data_guard.take()}
    assert "export core.tables.table_pdf" in sources

    masked = tables.table_pdf("Register", ["Name", "NIK"], [["Siti", MASKED]], [40, 40])
    assert guard.find_in_bytes(masked, "register.pdf") == []
    assert _personal_data_guard.take() == []


def test_a_streamed_download_is_read_and_given_back_whole():
    body = "nama,nik\nSiti,{}\n".format(NIK).encode()
    response = FileResponse(io.BytesIO(body), as_attachment=True, filename="a.csv")
    (finding,) = guard.find_in_response(response, "/dasbor/permohonan/ekspor.csv")
    assert finding.source.startswith("download ")
    assert b"".join(response.streaming_content) == body


def test_an_email_is_read_with_its_attachments():
    message = mail.EmailMultiAlternatives("Permohonan", "Terima kasih", to=["a@b.id"])
    message.attach_alternative("<p>NIK {}</p>".format(NIK), "text/html")
    message.attach("register.xlsx", xlsx(NIK), "application/octet-stream")
    sources = [f.source for f in guard.find_in_email(message)]
    assert sources == [
        "e-mail #0 (alternative text/html)",
        "e-mail #0 (attachment register.xlsx) [xl/worksheets/sheet1.xml]",
    ]
    clean = mail.EmailMessage("NIK " + MASKED, "NIK " + MASKED, to=["a@b.id"])
    assert guard.find_in_email(clean) == []


@pytest.mark.django_db
def test_the_hooks_see_api_answers_and_log_lines(api_client, _personal_data_guard):
    api_client.get("/api/v1/opds/")
    assert "response /api/v1/opds/" in _personal_data_guard.checked

    # The configured handler hides the NIK, so the line written is clean ...
    logging.getLogger("ppid").debug("NIK %s", NIK)
    assert "log ppid" in _personal_data_guard.checked
    assert _personal_data_guard.take() == []

    # ... and the same line through a handler without the filter is caught.
    handlers = [h for _logger, found in guard._configured_loggers() for h in found]
    assert handlers, "settings.LOGGING has no handler to watch"
    removed = [
        (h, f) for h in handlers for f in h.filters if isinstance(f, RedactPersonalData)
    ]
    assert removed, "settings.LOGGING lost its personal-data filter"
    for handler, log_filter in removed:
        handler.removeFilter(log_filter)
    try:
        logging.getLogger("ppid").debug("NIK %s", NIK)
    finally:
        for handler, log_filter in removed:
            handler.addFilter(log_filter)
    assert [f.masked for f in _personal_data_guard.take()] == [MASKED] * len(handlers)


def test_the_guard_leaves_what_handlers_write_unchanged(settings, _personal_data_guard):
    # The guard sees DEBUG records; the console writes what LOG_LEVEL lets by.
    level = logging.getLevelName(settings.LOGGING["root"]["level"])
    handlers = [h for _logger, found in guard._configured_loggers() for h in found]
    stream = io.StringIO()
    old = [h.setStream(stream) for h in handlers]
    try:
        logging.getLogger("ppid").debug("debug line")
        logging.getLogger("ppid").warning("warning line")
    finally:
        for handler, previous in zip(handlers, old, strict=True):
            handler.setStream(previous)
    assert _personal_data_guard.checked.count("log ppid") == 2
    assert ("debug line" in stream.getvalue()) == (level <= logging.DEBUG)
    assert "warning line" in stream.getvalue()


def test_the_verdict_names_test_source_and_masked_number(monkeypatch):
    monkeypatch.setattr(guard, "MODE", "fail")
    collector = guard.Collector()
    collector.add("log ppid", guard.find_in_text("NIK " + NIK, "log ppid"))
    sent = mail.EmailMessage("Permohonan", "NIK " + NIK, to=["a@b.id"])
    failure = guard.verdict("tests/x.py::test_y", collector, [sent])
    assert failure.startswith("tests/x.py::test_y let a NIK-like number out (2 found)")
    assert "log ppid: " + MASKED in failure
    assert "e-mail #0 (body): " + MASKED in failure
    assert NIK not in failure

    clean = guard.Collector()
    masked = mail.EmailMessage("Permohonan", "NIK " + MASKED, to=["a@b.id"])
    assert guard.verdict("tests/x.py::test_y", clean, [masked]) == ""


@pytest.mark.django_db
def test_mail_sent_in_a_test_is_in_the_outbox_the_guard_reads():
    mail.send_mail("Permohonan", "NIK " + MASKED, None, ["a@b.id"])
    assert len(guard._outbox()) == 1


def test_an_allowance_needs_its_source_and_its_context(monkeypatch):
    serial = (re.compile(r"^API /api/v1/x/"), re.compile(r'"serial": "<'), "why")
    monkeypatch.setattr(guard, "ALLOWED", [serial])
    collector = guard.Collector()
    body = '{{"serial": "{}", "nik": "{}"}}'.format(NIK, NIK)
    collector.add("x", guard.find_in_text(body, "API /api/v1/x/"))
    collector.add("y", guard.find_in_text(body, "API /api/v1/y/"))
    nik_context = '#############", "nik": "<3303********0001>"}'
    assert [(f.source, f.context) for f in collector.findings] == [
        ("API /api/v1/x/", nik_context),
        ("API /api/v1/y/", '{"serial": "<3303********0001>", "nik": "#############'),
        ("API /api/v1/y/", nik_context),
    ]


def test_the_report_names_test_source_and_masked_number(tmp_path, monkeypatch):
    out = tmp_path / "report.jsonl"
    monkeypatch.setattr(guard, "REPORT_FILE", str(out))
    guard._report("tests/x.py::t", guard.find_in_text("NIK " + NIK, "log ppid"))
    row = json.loads(out.read_text())
    assert row["test"] == "tests/x.py::t" and row["source"] == "log ppid"
    assert row["masked"] == MASKED and NIK not in out.read_text()


def test_an_api_token_with_sixteen_digits_in_a_row_is_allowed_a_nik_is_not():
    token = "dfae512dc" + "1066123456781714" + "daf7340fce12d"
    assert len(token) == 38
    found = guard.find_in_text(
        json.dumps({"token": token}), "API /api/v1/auth/token/ x"
    )
    assert found and all(guard.allowed(f) for f in found)
    # The same digits anywhere else, or beside another key, are still a leak.
    for text, source in (
        (json.dumps({"token": token}), "API /api/v1/requests/ x"),
        (json.dumps({"nik": "1066123456781714"}), "API /api/v1/auth/token/ x"),
    ):
        found = guard.find_in_text(text, source)
        assert found and not any(guard.allowed(f) for f in found)
