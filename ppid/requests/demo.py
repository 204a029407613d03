"""Demo information requests: a year of the register in every state.

The history is replayed through the services, day by day as it would have
happened, so every record is one the portal itself could have made.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from opds.models import Opd, User
from ppid.calendar.workdays import WorkingCalendar
from ppid.catalogue.demo import EXCLUDED_REQUESTS
from ppid.catalogue.models import Category, InformationItem
from ppid.requests import services as rs
from ppid.requests.models import InformationRequest, RequestEvent

NAMES = [
    "Siti Aminah",
    "Budi Santoso",
    "Dwi Lestari",
    "Agus Prasetyo",
    "Rina Wulandari",
    "Eko Saputro",
    "Nur Hidayah",
    "Slamet Riyadi",
    "Fitri Handayani",
    "Joko Susilo",
    "Wahyu Nugroho",
    "Sri Rahayu",
    "Teguh Wibowo",
    "Ani Kurniasih",
    "Bambang Sutrisno",
    "Yuni Astuti",
    "Heri Purnomo",
    "Lina Marlina",
    "Rudi Hartono",
    "Endah Sulistyowati",
]
OCCUPATIONS = [
    "Mahasiswa",
    "Wiraswasta",
    "Guru",
    "Petani",
    "Wartawan",
    "Peneliti",
    "Karyawan swasta",
]
# (requested information, purpose, the OPD that holds it or None for the
# OPD drawn): a request for dengue figures goes to the health office, not to
# the archives.
TOPICS = [
    (
        "Daftar penerima bantuan sosial desa tahun {year}",
        "Penelitian skripsi",
        "dinsosdaldukkbp3a",
    ),
    (
        "Rincian realisasi anggaran kegiatan {short} tahun {year}",
        "Pengawasan anggaran oleh LSM",
        None,
    ),
    (
        "Dokumen perizinan usaha di Kecamatan Kalimanah",
        "Kepentingan usaha",
        "dpmptsp",
    ),
    (
        "Data jumlah kasus demam berdarah per kecamatan {year}",
        "Artikel berita",
        "dinkes",
    ),
    ("Salinan kontrak pengadaan jalan desa {year}", "Pengawasan masyarakat", "dpupr"),
    ("Rencana kerja {short} tahun {year}", "Bahan diskusi warga", None),
    ("Laporan hasil pengawasan pasar tradisional", "Tugas kuliah", "dinperindag"),
    ("Daftar sekolah penerima dana BOS daerah {year}", "Penelitian", "dindikbud"),
]
LEGAL_ENTITY = (
    "badan_hukum",
    "Yayasan Lentera Banyumas",
    "AHU-0012345.AH.01.04.Tahun 2019",
)


def _nik(n: int) -> str:
    day = 1 + n % 28 + (40 if n % 2 else 0)
    return "3303{:02d}{:02d}{:02d}{:02d}{:04d}".format(
        1 + n % 18, day, 1 + n % 12, 70 + n % 30, 1 + n
    )


@contextmanager
def _as_of(day: datetime.date) -> Iterator[None]:
    """Let the services see ``day`` as today, at 10:00 (office hours), while
    a step is replayed, and date the history it writes on that day."""
    original_today, original_now = rs.today, rs.now
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    # The history's timestamps are the database's own (auto_now_add): without
    # this the tracking page's timeline would show every step on seed day.
    # Events are picked by key, not by time: a step replayed today at 10:00
    # is dated after the real clock when the seed runs before 10:00, and a
    # later step's "written since" would take it too.
    last = RequestEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    rs.today = lambda: day
    rs.now = lambda: moment
    try:
        yield
    finally:
        rs.today, rs.now = original_today, original_now
    RequestEvent.objects.filter(pk__gt=last or 0).update(at=moment)


def _working_day(calendar: WorkingCalendar, day: datetime.date) -> datetime.date:
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


@transaction.atomic
def seed_requests(count: int = 48, seed: int = 2026) -> int:
    """Create the demo register unless it already holds requests."""
    if InformationRequest.objects.exists():
        return 0
    rng = random.Random(seed)  # nosec B311 # demo data, not a secret
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    calendar = WorkingCalendar(start, today + datetime.timedelta(days=60))
    ppid = User.objects.get(username="ppid-utama")
    atasan = User.objects.get(username="atasan-ppid")
    opds = list(
        Opd.objects.active().filter(admins__isnull=False).distinct().order_by("slug")
    )
    by_slug = {opd.slug: opd for opd in opds}
    excluded = list(
        InformationItem.objects.filter(
            category=Category.DIKECUALIKAN, status=InformationItem.Status.PUBLISHED
        ).select_related("exclusion", "opd")
    )
    created = 0
    for n in range(count):
        # Spread over the year; the last few are recent: half still open, half
        # answered within the weeks a requester may still object.
        if n < count - 8:
            age = int(365 * (1 - n / count))
        else:
            age = rng.randint(0, 12) if n % 2 else rng.randint(14, 35)
        received = _working_day(calendar, today - datetime.timedelta(days=age))
        opd = rng.choice(opds)
        topic, purpose, home = TOPICS[n % len(TOPICS)]
        opd = by_slug.get(home, opd)
        if n % 10 == 3 and excluded:
            # To be refused, a request asks the OPD whose DIK holds it for
            # what that register excludes.
            opd = excluded[n % len(excluded)].opd
            topic = EXCLUDED_REQUESTS.get(opd.slug, topic)
        admin = opd.admins.first()
        kind, name, decree = (
            LEGAL_ENTITY if n % 11 == 5 else ("perorangan", NAMES[n % len(NAMES)], "")
        )
        data = {
            "requester_type": kind,
            "full_name": name,
            "nik": "" if decree else _nik(n),
            "legal_entity_decree_no": decree,
            "address": "Jl. Mayjend Sungkono No. {}, Purbalingga".format(n + 1),
            "phone": "08{:010d}".format(1_200_000_000 + n),
            # No e-mail: the demo would print a confirmation for every request.
            "email": "",
            "occupation": rng.choice(OCCUPATIONS),
            "requested_information": topic.format(
                year=received.year - 1, short=opd.short_name
            ),
            "purpose": purpose,
            "access_method": "salinan",
            "copy_format": "softcopy",
            "delivery_method": "langsung" if n % 2 else "pos",
            "opd": None,
        }
        paper = n % 4 == 0
        with _as_of(received):
            info_request, _code = rs.submit_request(
                data=data,
                by=ppid if paper else None,
                channel="surat" if paper else "web",
                received_on=received,
            )
        created += 1
        _replay(
            info_request, n, ppid, atasan, admin, opd, excluded, calendar, today, rng
        )
    _periodic_objection(opds[0], atasan, calendar, today)
    return created


def _replay(
    info_request, n, ppid, atasan, admin, opd, excluded, calendar, today, rng
) -> None:
    """Take ``request`` as far as its age allows: routing, completeness,
    perhaps an extension, the answer, closing and objections."""

    def at(days: int) -> datetime.date:
        return calendar.add(info_request.received_on, days)

    def step(day: datetime.date, action, **kwargs) -> bool:
        if day > today:
            return False
        with _as_of(day):
            action(info_request=info_request, **kwargs)
        info_request.refresh_from_db()
        return True

    if n % 13 == 7:
        return  # a fresh web request nobody has touched yet
    if not step(at(1), rs.route_request, by=ppid, opd=opd):
        return
    if n % 9 == 4:
        step(at(2), rs.mark_incomplete, by=admin, reason="Lampirkan salinan KTP.")
        if n % 2:
            return  # still waiting for the requester
    if not step(at(3), rs.mark_complete, by=admin):
        return
    if n % 5 == 2:
        step(
            at(8),
            rs.extend_request,
            by=admin,
            reason="Data dihimpun dari beberapa bidang.",
        )
    late = n % 7 == 3
    if late:
        answer_day = at(19 if info_request.was_extended else 12)
    else:
        answer_day = at(6 + n % 4)
    decision = _decision(n, excluded)
    kwargs = {"decision": decision[0], "letter": _letter(decision[0]), **decision[1]}
    if not step(answer_day, rs.answer_request, by=admin, **kwargs):
        return
    if n % 6 == 1 or decision[0] == "refused_excluded":
        objected = calendar.add(info_request.answered_on, 5)
        if objected > today:
            return
        with _as_of(objected):
            objection = rs.file_objection(
                info_request=info_request,
                reason="a" if decision[0] == "refused_excluded" else "d",
                description="Informasi yang diberikan tidak sesuai permintaan.",
            )
        answered = calendar.add(objected, 12)
        if answered > today:
            return
        with _as_of(answered):
            rs.answer_objection(
                objection=objection,
                by=atasan,
                decision="overturned" if n % 4 == 3 else "upheld",
                answer="Setelah memeriksa permohonan, Atasan PPID memutuskan sebagaimana terlampir.",
            )
        objection.refresh_from_db()
        complied = calendar.add(answered, 6)
        # Most granted objections are acted on; a few orders are missed.
        if objection.order_pending and complied <= today and n % 8 != 7:
            with _as_of(complied):
                rs.comply_with_objection(
                    objection=objection,
                    by=admin,
                    answer="Menindaklanjuti putusan Atasan PPID, informasi kami "
                    "berikan seluruhnya.",
                )
        responded = calendar.add(answered, 5)
        # A few requesters have not responded to the answer yet.
        if responded <= today and n % 5 != 2:
            with _as_of(responded):
                rs.respond_to_objection_answer(
                    objection=objection, accept=not (n % 4 == 1)
                )
    close_day = calendar.add(info_request.answered_on, 10)
    # Some answered requests are left open, as a busy desk leaves them.
    if (
        close_day <= today
        and n % 3
        and not info_request.objections.filter(status="filed").exists()
        and not info_request.objections.orders_pending().exists()
    ):
        step(close_day, rs.close_request, by=admin)


def _periodic_objection(
    opd: Opd, atasan: User, calendar: WorkingCalendar, today: datetime.date
) -> None:
    """A ground-b objection (UU Pasal 35(1)b): no request, against an OPD."""
    filed = _working_day(calendar, today - datetime.timedelta(days=60))
    with _as_of(filed):
        objection = rs.file_objection(
            reason="b",
            opd=opd,
            description="Ringkasan laporan keuangan tahun lalu belum diumumkan.",
            objector={
                "full_name": "Forum Warga Peduli Anggaran",
                "address": "Jl. Letjen S. Parman No. 3, Purbalingga",
                "phone": "081200000999",
                "email": "",
            },
        )
    answered = calendar.add(filed, 10)
    with _as_of(answered):
        rs.answer_objection(
            objection=objection,
            by=atasan,
            decision="overturned",
            answer="Keberatan dikabulkan: PPID wajib mengumumkan ringkasan laporan "
            "keuangan.",
        )


def _decision(n: int, excluded: list[InformationItem]) -> tuple[str, dict]:
    kind = n % 10
    if kind == 3 and excluded:
        return "refused_excluded", {"excluded_item": excluded[n % len(excluded)]}
    if kind == 5:
        return "granted_partial", {
            "redaction_notes": "NIK dan alamat penerima dihitamkan (Pasal 17 huruf h)."
        }
    if kind == 7:
        return "not_controlled", {
            "referred_body": "Badan Pusat Statistik Kabupaten Purbalingga"
        }
    if kind == 9:
        return "not_documented", {}
    return "granted_full", {}


def _letter(decision: str) -> str:
    return {
        "granted_full": "Informasi yang Saudara minta kami berikan seluruhnya dan kami kirim lewat surel.",
        "granted_partial": "Informasi kami berikan sebagian; bagian yang memuat data pribadi dihitamkan.",
        "refused_excluded": "Permohonan tidak dapat dipenuhi karena informasi termasuk informasi yang dikecualikan.",
        "not_controlled": "Informasi tidak berada di bawah penguasaan kami; silakan mengajukan ke badan publik yang menguasainya.",
        "not_documented": "Informasi yang Saudara minta belum didokumentasikan.",
    }.get(decision, "Pemberitahuan tertulis.")
