"""The report files: the same data gives the same bytes whenever they are
built; PDF and XLSX carry their charts; the evidence pack and the WhatsApp
texts say what they should."""

import csv
import datetime
import hashlib
import io
import time
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from evaluations import selectors, services
from evaluations.exports import evidence, pdf, text, xlsx
from evaluations.models import Band
from tests.evaluations.scenario import item, october_draft, score

pytestmark = pytest.mark.django_db
SITE = "https://ppid.purbalinggakab.go.id"


@pytest.fixture
def october(opds, dinkominfo, on, settings):
    settings.SITE_URL = SITE
    return october_draft(opds, dinkominfo, on)


def every_file(report, opd_score):
    return {
        "kabupaten.pdf": pdf.kabupaten_pdf(report),
        "kabupaten.xlsx": xlsx.kabupaten_xlsx(report),
        "opd.pdf": pdf.opd_report_pdf(opd_score),
        "opd.xlsx": xlsx.opd_report_xlsx(opd_score),
        "bukti.csv": evidence.evidence_pack(opd_score, "csv"),
        "bukti.xlsx": evidence.evidence_pack(opd_score, "xlsx"),
    }


def digests(files):
    return {name: hashlib.sha256(body).hexdigest() for name, body in files.items()}


def test_every_file_is_byte_identical_when_rebuilt_later(october, opds, monkeypatch):
    first = digests(every_file(october, score(october, opds[1])))
    # Past the zip format's two-second clock, and forty days on for
    # anything that asks Django for the time.
    time.sleep(2.1)
    later = timezone.now() + datetime.timedelta(days=40)
    monkeypatch.setattr(timezone, "now", lambda: later)
    again = services.build_report(october.month)
    assert again.pk == october.pk and again.computed_at == later
    second = digests(every_file(again, score(again, opds[1])))
    assert second == first


def test_a_change_in_the_data_changes_the_files(october, opds, dinkominfo):
    opd_score = score(october, opds[1])
    before = digests(every_file(october, opd_score))
    services.score_manual_item(
        item(october, opds[1], "sk_ppid"), by=dinkominfo, ratio=Decimal("0.5")
    )
    october.refresh_from_db()
    after = digests(every_file(october, score(october, opds[1])))
    changed = {name for name in before if before[name] != after[name]}
    assert changed == set(before)


def test_files_are_dated_at_the_end_of_the_month_not_by_the_clock(october, opds):
    document = pdf.kabupaten_pdf(october)
    assert b"/CreationDate (D:20261031235958+07'00')" in document
    assert b"/ModDate (D:20261031235958+07'00')" in document
    workbook = xlsx.opd_report_xlsx(score(october, opds[0]))
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 10, 31, 23, 59, 58)}
        core = archive.read("docProps/core.xml").decode()
    # 23:59:58 in Purbalingga is 16:59:58 UTC.
    assert "2026-10-31T16:59:58Z" in core


def test_the_opd_pdf_holds_the_score_breakdown_and_actions(october, opds):
    opd_score = score(october, opds[1])
    reader = PdfReader(io.BytesIO(pdf.opd_report_pdf(opd_score)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert opds[1].name in text
    assert "Oktober 2026" in text
    assert "{:.2f}".format(opd_score.score).replace(".", ",") in text
    assert "Jenis informasi" in text and "Sarana dan prasarana" in text
    view = selectors.opd_view(opd_score)
    assert len(view.actions) == 5
    assert view.actions[0].item.guidance.split()[0] in text
    assert opds[1].name in reader.metadata.title
    assert reader.metadata.author == "Dinkominfo Kabupaten Purbalingga"


def test_the_kabupaten_pdf_ranks_every_opd(october, opds):
    reader = PdfReader(io.BytesIO(pdf.kabupaten_pdf(october)))
    text = " ".join(page.extract_text() for page in reader.pages)
    ranked = [s.opd.name for s in october.scores.select_related("opd")]
    assert all(name in text for name in ranked)
    positions = [text.index(name) for name in ranked]
    assert positions == sorted(positions)


def chart_parts(workbook: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        return [n for n in archive.namelist() if n.startswith("xl/charts/chart")]


def test_workbooks_open_and_carry_their_charts(october, opds):
    from openpyxl import load_workbook

    opd_book = xlsx.opd_report_xlsx(score(october, opds[0]))
    kabupaten_book = xlsx.kabupaten_xlsx(october)
    # The indicator bars and the trend line; the band distribution.
    assert len(chart_parts(opd_book)) == 2
    assert len(chart_parts(kabupaten_book)) == 1
    ranking = load_workbook(io.BytesIO(kabupaten_book)).worksheets[0]
    rows = [r for r in ranking.iter_rows(values_only=True) if r and r[0] == 1]
    top = october.scores.get(rank=1)
    assert rows and rows[0][1] == top.opd.name and rows[0][2] == float(top.score)
    heatmap = load_workbook(io.BytesIO(kabupaten_book)).worksheets[2]
    fills = {
        cell.fill.start_color.rgb
        for row in heatmap.iter_rows(min_row=2, min_col=2)
        for cell in row
        if cell.value is not None
    }
    assert len(fills) >= 2  # shares of different levels in different colours


def test_the_evidence_pack_lists_every_link_per_item(october, opds):
    opd_score = score(october, opds[1])
    body = evidence.evidence_pack(opd_score, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    header, lines = rows[0], rows[1:]
    assert len(header) == 7
    overdue = [r for r in lines if r[4] == "Laporan Keuangan Semester I"]
    assert {r[1] for r in overdue} >= {
        item(october, opds[1], "berkala_mutakhir").item.name
    }
    assert all(r[6].startswith(SITE + "/informasi/") for r in overdue)
    # Every item is there, with or without evidence.
    assert {r[1] for r in lines} == {
        s.item.name for s in opd_score.items.select_related("item")
    }
    one = evidence.evidence_pack(opd_score, "csv", "jenis_informasi").decode(
        "utf-8-sig"
    )
    assert {r[0] for r in list(csv.reader(io.StringIO(one)))[1:]} == {"Jenis informasi"}
    from openpyxl import load_workbook

    book = load_workbook(
        io.BytesIO(evidence.evidence_pack(opd_score, "xlsx")), read_only=True
    )
    assert book.sheetnames[0] == "Jenis informasi" and len(book.sheetnames) == 6


def test_the_whatsapp_summary_of_the_kabupaten(october, opds):
    summary = text.whatsapp_summary(october)
    lines = summary.splitlines()
    assert lines[0].startswith("*") and lines[0].endswith("*")
    assert "Oktober 2026" in lines[0]
    counts = {band: 0 for band in Band.values}
    for s in october.scores.all():
        counts[s.band] += 1
    for band, label in Band.choices:
        assert "• {}: {}".format(label, counts[band]) in lines
    top = [s.opd.name for s in october.scores.select_related("opd")[:3]]
    places = [summary.index(name) for name in top]
    assert places == sorted(places)
    # The second OPD completed its profile since September.
    mover = next(line for line in lines if line.startswith("▲"))
    assert opds[1].name in mover and "→" in mover
    assert lines[-1].endswith(SITE + "/dasbor/evaluasi/2026-10/")
    assert "<" not in summary and len(summary) < 1500


def test_the_whatsapp_summary_of_an_opd(october, opds):
    opd_score = score(october, opds[1])
    summary = text.opd_whatsapp_summary(opd_score)
    lines = summary.splitlines()
    assert opds[1].name in lines[0] and lines[0].startswith("*")
    assert "*{}*".format("{:.2f}".format(opd_score.score).replace(".", ",")) in summary
    actions = selectors.opd_view(opd_score).actions
    numbered = [line for line in lines if line[:2] in {"1.", "2.", "3.", "4.", "5."}]
    assert len(numbered) == 5
    for line, action in zip(numbered, actions, strict=True):
        assert action.item.guidance in line
    assert lines[-1].endswith(
        SITE + "/dasbor/evaluasi/2026-10/{}/".format(opds[1].slug)
    )
