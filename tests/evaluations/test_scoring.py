"""Scoring that fits the hand (issue 18, point 6 and defect 13): manual
scores typed as percentages with the decimal comma, every manual item of
an OPD saved at once or not at all, a save that rescores only what it
must, "Finalise" disabled with its reason and the count of replies, PDF
table headers that keep their words whole, and the XLSX kinds in
Indonesian."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pypdf import PdfReader

from evaluations import selectors, services
from evaluations.exports import pdf, xlsx
from evaluations.forms import parse_percent, percent_text
from evaluations.models import Contest, ItemScore, MonthlyReport, OpdScore
from opds.models import AuditEvent
from tests.evaluations.scenario import item, score
from tests.evaluations.test_views import (
    DEADLINE,
    kabupaten_url,
    messages_of,
    month_in,
    opd_url,
)
from tests.factories import UserFactory

MANUAL = ("akurasi", "sk_ppid", "anggaran", "ruang_layanan", "akses_disabilitas")


def indonesian(text: str) -> str:
    with translation.override("id"):
        return translation.gettext(text)


# --- Percentages with the decimal comma ------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "share"),
    [
        ("75", Decimal("0.75")),
        ("62,5", Decimal("0.625")),
        ("62.5", Decimal("0.625")),
        (" 7,25 % ", Decimal("0.0725")),
        ("0", Decimal(0)),
        ("100", Decimal(1)),
        ("100,00", Decimal(1)),
        ("33,333", Decimal("0.3333")),
    ],
)
def test_a_percentage_is_read_with_a_comma_or_a_dot(typed, share):
    assert parse_percent(typed) == share


@pytest.mark.parametrize(
    "typed", ["100,5", "-1", "150", "abc", "1.000,5", "NaN", "inf", "1e2", ","]
)
def test_what_is_no_percentage_from_0_to_100_is_refused(typed):
    assert parse_percent(typed) is None


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (Decimal("0.625"), "62,5"),
        (Decimal("1.0000"), "100"),
        (Decimal("0.0725"), "7,25"),
        (Decimal("0"), "0"),
        (None, ""),
    ],
)
def test_a_stored_share_is_shown_as_a_percentage_with_a_comma(share, shown):
    assert percent_text(share) == shown


# --- One form per OPD --------------------------------------------------------------


def manual_scores(report, opd) -> list[ItemScore]:
    return [item(report, opd, code) for code in MANUAL]


def scoring_section(html: str) -> str:
    start = html.index('id="nilai-manual"')
    return html[start : html.index("</section>", start)]


def test_the_opd_page_has_one_form_with_one_button_for_every_manual_item(
    opds, dinkominfo, on, client
):
    report = month_in("draft", opds, dinkominfo, on)
    anggaran = item(report, opds[2], "anggaran")
    services.score_manual_item(anggaran, by=dinkominfo, ratio=Decimal("0.625"))
    client.force_login(dinkominfo)
    html = client.get(opd_url(report, opds[2])).content.decode()
    section = scoring_section(html)
    assert section.count("<form") == 1
    assert section.count('type="submit"') == 1
    # Nowhere else on the page is an item scored on its own.
    main = html[html.index("<main") : html.index("</main>")]
    assert main.count('method="post"') == 1
    assert "/butir/" not in main
    for manual in manual_scores(report, opds[2]):
        assert 'name="nilai-{}"'.format(manual.pk) in section
        assert 'name="catatan-{}"'.format(manual.pk) in section
        assert manual.item.name in section
    # A stored share is shown as the percentage it is typed as.
    assert re.search(r'name="nilai-{}" value="62,5"'.format(anggaran.pk), section), (
        section
    )
    assert 'inputmode="decimal"' in section and 'type="number"' not in section


def test_every_manual_item_is_saved_at_once_with_a_comma_or_a_dot(
    opds, dinkominfo, on, client
):
    report = month_in("draft", opds, dinkominfo, on)
    before = score(report, opds[2]).score
    akurasi, sk_ppid, anggaran, ruang, akses = manual_scores(report, opds[2])
    events = AuditEvent.objects.filter(object_type="evaluations.itemscore").count()
    client.force_login(dinkominfo)
    response = client.post(
        opd_url(report, opds[2], "score-opd") + "?versi=1",
        {
            "nilai-{}".format(akurasi.pk): "62,5",
            "catatan-{}".format(akurasi.pk): "Bahasa jelas, tabel belum.",
            "nilai-{}".format(sk_ppid.pk): "75.5",
            "nilai-{}".format(anggaran.pk): "100",
            "nilai-{}".format(ruang.pk): "0",
            "nilai-{}".format(akses.pk): "40 %",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("#nilai-manual")
    shares = {s.item.code: s.ratio for s in manual_scores(report, opds[2])}
    assert shares == {
        "akurasi": Decimal("0.625"),
        "sk_ppid": Decimal("0.755"),
        "anggaran": Decimal(1),
        "ruang_layanan": Decimal(0),
        "akses_disabilitas": Decimal("0.4"),
    }
    assert item(report, opds[2], "akurasi").comment == "Bahasa jelas, tabel belum."
    assert all(s.scored_by == dinkominfo for s in manual_scores(report, opds[2]))
    assert score(report, opds[2]).score > before
    (message,) = messages_of(response)
    with translation.override("id"):
        expected = translation.ngettext(
            "%(count)s score of %(opd)s was saved.",
            "%(count)s scores of %(opd)s were saved.",
            5,
        ) % {"count": 5, "opd": opds[2].name}
    assert message == expected
    # Each item's change is in the audit log, as a single save records it.
    after = AuditEvent.objects.filter(object_type="evaluations.itemscore").count()
    assert after - events == 5
    # Saving the same values again changes nothing and says so.
    page = client.get(opd_url(report, opds[2]))
    form = page.context["score_form"]
    resent = {name: form[name].value() for name in form.fields}
    response = client.post(opd_url(report, opds[2], "score-opd"), resent, follow=True)
    assert messages_of(response) == [indonesian("No score was changed.")]
    again = AuditEvent.objects.filter(object_type="evaluations.itemscore").count()
    assert again == after


def test_one_wrong_value_saves_nothing_and_every_error_names_its_item(
    opds, dinkominfo, on, client
):
    report = month_in("draft", opds, dinkominfo, on)
    akurasi, sk_ppid, anggaran, ruang, akses = manual_scores(report, opds[2])
    services.score_manual_item(ruang, by=dinkominfo, ratio=Decimal("0.5"))
    report.refresh_from_db()
    stored = {
        s.pk: (s.ratio, s.comment, s.scored_by_id, s.scored_at)
        for s in ItemScore.objects.filter(opd_score__report=report)
    }
    standings = list(
        OpdScore.objects.filter(report=report).values_list("pk", "score", "rank")
    )
    client.force_login(dinkominfo)
    events = AuditEvent.objects.count()
    response = client.post(
        opd_url(report, opds[2], "score-opd") + "?versi=1",
        {
            "nilai-{}".format(akurasi.pk): "80",
            "nilai-{}".format(sk_ppid.pk): "150",
            "nilai-{}".format(anggaran.pk): "banyak",
            "nilai-{}".format(ruang.pk): "",
            "catatan-{}".format(akses.pk): "Ada ramp, belum ada huruf braille.",
        },
    )
    # The page comes back with every error and what was typed.
    assert response.status_code == 400
    form = response.context["score_form"]
    with translation.override("id"):
        wrong = translation.gettext(
            "%(item)s: enter a percentage from 0 to 100, e.g. 75 or 62,5."
        )
        emptied = translation.gettext(
            "%(item)s: a score given cannot be emptied; enter 0 to 100."
        )
        unexplained = translation.gettext(
            "%(item)s: enter the percentage the comment explains."
        )
    assert form.errors == {
        "nilai-{}".format(sk_ppid.pk): [wrong % {"item": sk_ppid.item.name}],
        "nilai-{}".format(anggaran.pk): [wrong % {"item": anggaran.item.name}],
        "nilai-{}".format(ruang.pk): [emptied % {"item": ruang.item.name}],
        "nilai-{}".format(akses.pk): [unexplained % {"item": akses.item.name}],
    }
    html = response.content.decode()
    section = scoring_section(html)
    for errors in form.errors.values():
        assert errors[0] in section
    assert 'value="150"' in section and 'value="banyak"' in section
    assert 'value="80"' in section
    assert 'aria-invalid="true"' in section
    assert messages_of(response) == [
        indonesian("Nothing was saved: correct the scores marked below.")
    ]
    # Nothing was stored, not even the one right value.
    assert {
        s.pk: (s.ratio, s.comment, s.scored_by_id, s.scored_at)
        for s in ItemScore.objects.filter(opd_score__report=report)
    } == stored
    assert (
        list(OpdScore.objects.filter(report=report).values_list("pk", "score", "rank"))
        == standings
    )
    assert MonthlyReport.objects.get(pk=report.pk).sha256 == report.sha256
    assert AuditEvent.objects.count() == events


def test_a_month_open_for_reply_takes_no_score(opds, dinkominfo, on, client):
    report = month_in("reply", opds, dinkominfo, on)
    anggaran = item(report, opds[2], "anggaran")
    client.force_login(dinkominfo)
    page = client.get(opd_url(report, opds[2]))
    assert page.context["score_form"] is None
    response = client.post(
        opd_url(report, opds[2], "score-opd"),
        {"nilai-{}".format(anggaran.pk): "50"},
        follow=True,
    )
    assert messages_of(response) == [
        indonesian("Manual items are scored while the report is a draft.")
    ]
    assert item(report, opds[2], "anggaran").ratio == anggaran.ratio


def test_the_service_writes_all_of_an_opds_scores_or_none(opds, dinkominfo, on):
    report = month_in("draft", opds, dinkominfo, on)
    opd_score = score(report, opds[2])
    anggaran = item(report, opds[2], "anggaran")
    automatic = item(report, opds[2], "dip_lengkap")
    other_opd = item(report, opds[1], "anggaran")
    for wrong in (
        {automatic.pk: (Decimal(1), "")},
        {other_opd.pk: (Decimal(1), "")},
        {anggaran.pk: (Decimal("1.5"), "")},
    ):
        with pytest.raises(ValidationError):
            services.score_opd_items(
                opd_score,
                by=dinkominfo,
                scores={anggaran.pk: (Decimal("0.5"), "Ada"), **wrong},
            )
        assert item(report, opds[2], "anggaran").ratio == anggaran.ratio
    assert item(report, opds[2], "dip_lengkap").ratio == automatic.ratio
    assert item(report, opds[1], "anggaran").ratio == other_opd.ratio


def test_a_save_reads_one_opds_items_and_ends_as_a_full_rescore_would(
    opds, dinkominfo, on
):
    report = month_in("draft", opds, dinkominfo, on)
    last = min(report.scores.all(), key=lambda s: s.score)
    scores = {s.pk: (Decimal(1), "Lengkap") for s in manual_scores(report, last.opd)}
    with CaptureQueriesContext(connection) as queries:
        services.score_opd_items(last, by=dinkominfo, scores=scores)
    # No item score is read as a model with its evidence: the other OPDs'
    # items are only read as the plain rows the report's hash needs.
    evidence = [q["sql"] for q in queries if '"evidence"' in q["sql"]]
    assert evidence == []
    saved = {
        s.pk: (s.score, s.band, s.rank) for s in OpdScore.objects.filter(report=report)
    }
    report.refresh_from_db()
    saved_hash = report.sha256
    assert saved[last.pk][2] < last.rank  # it moved up
    # The full recomputation finds the same scores, ranks and hash.
    services._rescore(report)
    assert {
        s.pk: (s.score, s.band, s.rank) for s in OpdScore.objects.filter(report=report)
    } == saved
    assert MonthlyReport.objects.get(pk=report.pk).sha256 == saved_hash


def test_a_contest_is_decided_with_a_percentage(opds, dinkominfo, on, client):
    report = month_in("reply", opds, dinkominfo, on)
    admin = UserFactory(role="opd_admin", opd=opds[0])
    filed = services.contest(
        item(report, opds[0], "kanal_sehat"), by=admin, argument="Akun aktif."
    )
    client.force_login(dinkominfo)
    page = client.get(kabupaten_url(report)).content.decode()
    assert 'name="percent"' in page and 'name="ratio"' not in page
    client.post(
        kabupaten_url(report, "decide", pk=filed.pk),
        {"decision": "accept", "percent": "87,5", "response": "Terbukti."},
    )
    assert item(report, opds[0], "kanal_sehat").ratio == Decimal("0.875")


# --- Finalise ----------------------------------------------------------------------


def finalise_form(html: str) -> str:
    start = html.index('id="finalkan"')
    return html[start : html.index("</form>", start)]


def test_finalise_is_disabled_with_its_reason_and_the_count_of_replies(
    opds, dinkominfo, on, client
):
    report = month_in("reply", opds, dinkominfo, on)
    admin = UserFactory(role="opd_admin", opd=opds[1])
    services.agree(score(report, opds[1]), by=admin)
    client.force_login(dinkominfo)
    with translation.override("id"):
        count = translation.gettext("%(replied)s of %(total)s OPDs have replied.") % {
            "replied": 1,
            "total": 3,
        }
        waiting = translation.gettext(
            "It can be finalised once every OPD has replied, or after the "
            "reply deadline, %(deadline)s."
        ) % {"deadline": "{} {}".format(DEADLINE.day, "November 2026")}
    form = finalise_form(client.get(kabupaten_url(report)).content.decode())
    assert "disabled" in form and 'aria-describedby="finalkan-alasan"' in form
    assert count in form and waiting in form

    # Posted all the same, it is refused with that sentence, not a field's.
    response = client.post(kabupaten_url(report, "finalise"), follow=True)
    (message,) = messages_of(response)
    assert message == "{} {}".format(count, waiting)
    assert not message.startswith(indonesian("Status") + ":")
    assert MonthlyReport.objects.get(pk=report.pk).status == "reply"

    # A contest left undecided after the deadline keeps it disabled.
    filed = services.contest(
        item(report, opds[0], "dip_lengkap"),
        by=UserFactory(role="opd_admin", opd=opds[0]),
        argument="Sudah terbit",
    )
    on(DEADLINE + datetime.timedelta(days=1))
    form = finalise_form(client.get(kabupaten_url(report)).content.decode())
    with translation.override("id"):
        undecided = translation.ngettext(
            "%(count)s contest is not decided yet: decide it first.",
            "%(count)s contests are not decided yet: decide them first.",
            1,
        ) % {"count": 1}
    assert "disabled" in form and undecided in form
    replies = selectors.replies(report)
    assert (replies.replied, replies.total, replies.pending_contests) == (2, 3, 1)

    # Decided, it can be finalised: the button is active, and works.
    services.decide_contest(filed, by=dinkominfo, accept=False, response="Belum.")
    form = finalise_form(client.get(kabupaten_url(report)).content.decode())
    assert "disabled" not in form
    client.post(kabupaten_url(report, "finalise"))
    assert MonthlyReport.objects.get(pk=report.pk).status == "final"


# --- The files ---------------------------------------------------------------------


def test_header_widths_fit_every_header_word_and_keep_the_table_width():
    header = ["Peringkat", "OPD", "Nilai", "Kualifikasi", "Perubahan", "Tanggapan"]
    widths = [12, 70, 18, 32, 18, 30]
    fitted = pdf.fitted_widths(header, widths, 8)
    assert abs(sum(fitted) - sum(widths)) < 1e-6
    for text, width in zip(header, fitted, strict=True):
        assert pdf.header_word_mm(text, 8) <= width + 1e-6, text
    # The widths given first were too narrow for two of the words.
    assert pdf.header_word_mm("Peringkat", 8) > 12
    assert pdf.header_word_mm("Perubahan", 8) > 18
    # A table too narrow for its words keeps its widths.
    assert pdf.fitted_widths(["Peringkat"] * 3, [5, 5, 5], 8) == [5, 5, 5]


def split_words(document: bytes, words: set[str]) -> set[str]:
    """The words of ``words`` that the PDF breaks over two lines of a cell
    ("Perin" then "gkat"), as its extracted text shows them."""
    reader = PdfReader(io.BytesIO(document))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return {
        word
        for word in words
        if any(
            re.search(
                r"(?:^|\s){}\n{}(?:\s|$)".format(
                    re.escape(word[:cut]), re.escape(word[cut:])
                ),
                text,
            )
            for cut in range(1, len(word))
        )
    }


def test_no_header_word_of_the_pdfs_is_split(opds, dinkominfo, on):
    report = month_in("reply", opds, dinkominfo, on)
    with translation.override("id"):
        headers = [
            translation.gettext(h)
            for h in (
                "Rank",
                "Score",
                "Band",
                "Change",
                "Reply",
                "Indicator",
                "Weight",
                "Fulfilled",
                "Points",
                "Item",
                "Method",
                "How it was computed",
                "What to do",
                "Where",
                "Month",
                "Version",
            )
        ]
    words = {word for text in headers for word in text.split()} | {
        word for i in report.framework.indicators.all() for word in i.name.split()
    }
    assert "Peringkat" in words and "Perubahan" in words
    documents = {
        "kabupaten": pdf.kabupaten_pdf(report),
        "opd": pdf.opd_report_pdf(score(report, opds[1])),
    }
    for name, document in documents.items():
        assert split_words(document, words) == set(), name


def test_the_xlsx_says_what_kind_of_thing_is_stale_in_indonesian(opds, dinkominfo, on):
    from openpyxl import load_workbook

    report = month_in("draft", opds, dinkominfo, on)
    book = load_workbook(io.BytesIO(xlsx.kabupaten_xlsx(report)))
    sheet = book.worksheets[-1]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    kind = header.index(indonesian("Kind"))
    kinds = {row[kind] for row in rows[1:] if row[kind]}
    assert kinds == {
        indonesian("Social media account"),
        indonesian("Public information"),
    }
    assert not kinds & {"account", "item"}
    assert Contest.objects.count() == 0
