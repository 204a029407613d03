"""Demo data an OPD officer would take seriously (issue 18, point 15):
records held by the offices that hold them, office contacts filled in,
and demo PDFs whose titles stay on the page."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth

from opds.demo import seed_demo
from opds.models import Opd
from ppid.catalogue import search
from ppid.catalogue.demo import _pdf
from ppid.catalogue.demo import seed_demo as seed_catalogue
from ppid.catalogue.models import Category, InformationItem
from ppid.requests import services as rs
from ppid.requests.demo import _as_of, seed_requests
from ppid.requests.models import InformationRequest, RequestEvent
from tests.evaluations.deadlines import InformationRequestFactory

pytestmark = pytest.mark.django_db

LONG_TITLE = (
    "Laporan Realisasi Anggaran Dinas Sosial, Pengendalian Penduduk dan Keluarga "
    "Berencana, Pemberdayaan Perempuan dan Perlindungan Anak Semester I Tahun 2026"
)


def test_a_long_title_wraps_inside_the_page():
    reader = PdfReader(io.BytesIO(_pdf(LONG_TITLE, "Ringkasan. " * 200)))
    width = A4[0]
    drawn = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            name = "Helvetica-Bold" if "Bold" in str(font) else "Helvetica"
            drawn.append((tm[4], stringWidth(text, name, size), text))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert drawn
    for x, text_width, text in drawn:
        assert x >= 0 and x + text_width <= width - 40, text
    # The whole title is there, not cut at 90 characters.
    words = " ".join(" ".join(text for _x, _w, text in drawn).split())
    assert "Perlindungan Anak Semester I Tahun 2026" in words


def test_records_are_excluded_by_the_offices_that_hold_them(settings):
    settings.DEBUG = True
    seed_demo()
    seed_catalogue()
    excluded = InformationItem.objects.filter(category=Category.DIKECUALIKAN)
    holders = dict(excluded.values_list("title", "opd__slug"))
    assert holders["Rekam Medis Pasien Rawat Inap"].startswith("rsud-")
    assert holders["Data Pasien Kasus Penyakit Menular per Nama dan Alamat"] == (
        "dinkes"
    )
    assert holders["Data Rekam Medis dan Hasil Psikotes Pegawai"] == "bkppd"
    # Neither the archives nor the finance agency hold anyone's health.
    assert not excluded.filter(opd__slug__in=["dinarpus", "bakeuda"]).exists()

    seed_requests()
    requests = InformationRequest.objects.exclude(opd=None)
    dengue = requests.filter(requested_information__icontains="demam berdarah")
    assert dengue.exists()
    assert set(dengue.values_list("opd__slug", flat=True)) == {"dinkes"}
    # A refusal citing the DIK answers a request for what the DIK excludes.
    refused = requests.filter(decision="refused_excluded").select_related(
        "excluded_item"
    )
    assert refused.exists()
    for found in refused:
        assert found.opd_id == found.excluded_item.opd_id
        assert "bantuan sosial desa" not in found.requested_information

    # The tracking page's history shows each step on the day it was replayed,
    # not every step on the day the demo was seeded.
    events = RequestEvent.objects.select_related("request")
    assert events.exists()
    for event in events:
        assert timezone.localdate(event.at) >= event.request.received_on
    # Some answers are recent enough that the requester may still object, so
    # the demo's tracking page shows the objection form.
    today = timezone.localdate()
    assert any(
        window[0] <= today <= window[1]
        for window in map(rs.objection_window, InformationRequest.objects.all())
        if window
    )
    answered = events.filter(action="answered")
    assert answered.exists()
    for event in answered:
        assert timezone.localdate(event.at) == event.request.answered_on


def test_every_office_has_its_contacts_and_an_admins_edit_stays(settings):
    settings.DEBUG = True
    seed_demo()
    dinkes = Opd.objects.get(slug="dinkes")
    for field in (
        "email",
        "phone",
        "address",
        "head_name",
        "head_title",
        "ppid_contact_name",
        "ppid_contact_email",
        "ppid_contact_phone",
    ):
        assert getattr(dinkes, field), field
    assert dinkes.head_title == "Kepala Dinas Kesehatan"
    assert dinkes.head_name.startswith("dr. ")
    assert not Opd.objects.filter(ppid_contact_name="").exists()
    Opd.objects.filter(pk=dinkes.pk).update(phone="(0281) 891234")
    seed_demo()
    assert Opd.objects.get(pk=dinkes.pk).phone == "(0281) 891234"


def test_what_citizens_search_for_most_is_in_the_demo(settings):
    """The searches of issue 18 find the office that holds the information."""
    settings.DEBUG = True
    seed_demo()
    seed_catalogue()
    public = InformationItem.objects.public()
    for query, holder in (
        ("izin", "dpmptsp"),
        ("perizinan", "dpmptsp"),
        ("stunting", "dinkes"),
        ("beasiswa", "dindikbud"),
        ("SOP", "dinkominfo"),
    ):
        parsed = search.parse_query(query)
        found = public.filter(search.match_q(parsed.clauses))
        assert holder in set(found.values_list("opd__slug", flat=True)), query


def test_a_replayed_step_keeps_its_day_when_the_seed_runs_before_office_hours():
    # CI seeded the demo on a Monday before 10:00 WIB: today's steps, dated
    # today at 10:00, lay ahead of the real clock, and the next replayed step
    # (sixty days back) took them as its own and moved them to its day.
    today = timezone.localdate()
    ahead = today + datetime.timedelta(days=3)
    behind = today - datetime.timedelta(days=60)
    later = InformationRequestFactory(received_on=ahead)
    earlier = InformationRequestFactory(received_on=behind)
    with _as_of(ahead):
        rs._event(later, None, RequestEvent.Action.REGISTERED)
    with _as_of(behind):
        rs._event(earlier, None, RequestEvent.Action.REGISTERED)
    days = {
        event.request_id: timezone.localdate(event.at)
        for event in RequestEvent.objects.all()
    }
    assert days == {later.pk: ahead, earlier.pk: behind}
