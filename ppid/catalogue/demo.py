"""Demo catalogue: at least ten items per OPD with real-looking titles, some
periodic items overdue, and an excluded item with its decision per OPD kind.

Everything is built through the services; only the dates are backdated
afterwards, since a demo needs history that the services stamp as "now".
"""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from opds.models import Opd, User
from ppid.catalogue import services
from ppid.catalogue.models import Category, InformationItem, Subtype

YEAR = 2026
MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
    "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip

# (sub-type code, title, summary, retention, months since last update)
BERKALA = [
    (
        "berkala-profil",
        "Profil {name}",
        "Kedudukan, alamat, tugas dan fungsi, "
        "struktur organisasi, serta profil singkat pejabat struktural {name}.",
        "Selama berlaku",
        2,
    ),
    (
        "berkala-program",
        "Rencana Kerja (Renja) {name} Tahun {year}",
        "Program dan "
        "kegiatan {name} tahun {year}: penanggung jawab, target, jadwal, serta "
        "sumber dan jumlah anggaran.",
        "10 tahun",
        3,
    ),
    (
        "berkala-kinerja",
        "Laporan Kinerja Instansi Pemerintah {name} Tahun {prev}",
        "Capaian indikator kinerja utama {name} tahun {prev} dibandingkan target "
        "Rencana Strategis.",
        "10 tahun",
        9,
    ),
    (
        "berkala-keuangan",
        "Laporan Realisasi Anggaran {name} Semester I Tahun {year}",
        "Ringkasan rencana dan realisasi pendapatan serta belanja {name} semester "
        "pertama tahun anggaran {year}.",
        "10 tahun",
        4,
    ),
    (
        "berkala-akses-informasi",
        "Laporan Layanan Informasi Publik {name} Tahun {prev}",
        "Jumlah permohonan informasi, waktu pemenuhan, permohonan yang dikabulkan "
        "dan ditolak beserta alasannya pada tahun {prev}.",
        "5 tahun",
        7,
    ),
    (
        "berkala-pengadaan",
        "Rencana Umum Pengadaan Barang/Jasa {name} Tahun {year}",
        "Daftar paket pengadaan barang/jasa {name} tahun anggaran {year}, metode "
        "pemilihan, dan perkiraan waktu pelaksanaan.",
        "5 tahun",
        1,
    ),
    (
        "berkala-evakuasi",
        "Prosedur Evakuasi Keadaan Darurat Kantor {short}",
        "Jalur evakuasi, titik kumpul, dan petugas tanggap darurat di lingkungan "
        "kantor {name}.",
        "Selama berlaku",
        11,
    ),
]
SETIAP_SAAT = [
    (
        "setiap-saat-dip",
        "Daftar Informasi Publik {name} Tahun {year}",
        "Daftar seluruh informasi publik yang dikuasai {name}, tidak termasuk "
        "informasi yang dikecualikan.",
        "Selama berlaku",
    ),
    (
        "setiap-saat-renstra",
        "Rencana Strategis {name} Tahun 2021-2026",
        "Visi, misi, tujuan, sasaran, strategi, dan arah kebijakan {name} untuk "
        "periode 2021-2026.",
        "Permanen",
    ),
    (
        "setiap-saat-organisasi",
        "Struktur Organisasi dan Tata Kerja {name}",
        "Susunan organisasi, uraian tugas jabatan, dan tata kerja {name} sesuai "
        "Peraturan Bupati Purbalingga.",
        "Selama berlaku",
    ),
    (
        "setiap-saat-inventaris",
        "Daftar Inventaris Barang Milik Daerah {short} Tahun {prev}",
        "Rekapitulasi barang milik daerah yang dikelola {name} per 31 Desember {prev}.",
        "10 tahun",
    ),
]
SERTA_MERTA = {
    "bpbd": (
        "serta-merta-bencana-alam",
        "Peringatan Dini Cuaca Ekstrem dan Potensi Banjir di Wilayah Purbalingga",
        "Warga di bantaran Sungai "
        "Klawing dan Sungai Gintung diminta waspada terhadap kenaikan debit "
        "air. Titik evakuasi: balai desa terdekat.",
        3,
    ),
    "dinkes": (
        "serta-merta-penyakit",
        "Kewaspadaan Peningkatan Kasus Demam Berdarah Dengue",
        "Kasus DBD meningkat di tiga kecamatan. "
        "Masyarakat diminta melakukan 3M Plus dan segera memeriksakan "
        "diri ke puskesmas bila demam tinggi.",
        5,
    ),
    "dlh": (
        "serta-merta-bencana-nonalam",
        "Pencemaran Limbah di Aliran Sungai Kranji",
        "Hasil uji laboratorium menunjukkan kadar pencemar di atas "
        "baku mutu. Warga diminta tidak memakai air sungai untuk keperluan "
        "rumah tangga.",
        2,
    ),
    "dpupr": (
        "serta-merta-utilitas",
        "Penutupan Sementara Jembatan Linggamas untuk Perbaikan",
        "Jembatan ditutup bagi kendaraan roda empat "
        "selama perbaikan. Arus lalu lintas dialihkan melalui jalur "
        "Bukateja.",
        20,
    ),
    "kec-karangreja": (
        "serta-merta-bencana-alam",
        "Tanah Longsor di Desa Siwarak Kecamatan Karangreja",
        "Longsor menutup akses "
        "jalan desa. Warga di lereng diminta mengungsi sementara "
        "ke rumah kerabat atau balai desa.",
        4,
    ),
}
# Excluded items, each with the OPD that holds such records (by slug):
# (title, summary, ground, point, consequence). Patients' records are the
# hospital's and the health office's, staff records the personnel agency's.
EXCLUDED = {
    "setda": (
        "Telaahan Staf Rencana Mutasi Pejabat Struktural",
        "Memuat penilaian atas pejabat yang akan dimutasi.",
        "i",
        None,
        "Membuka telaahan sebelum keputusan dapat mengganggu proses "
        "pengambilan keputusan dan merugikan pejabat yang dinilai.",
    ),
    "inspektorat": (
        "Laporan Hasil Pemeriksaan Investigatif Dugaan Penyimpangan Dana Desa",
        "Memuat temuan dan identitas pelapor.",
        "a",
        2,
        "Identitas pelapor dan saksi dapat terungkap sehingga "
        "membahayakan keselamatan mereka dan menghambat penyidikan.",
    ),
    "bkppd": (
        "Data Rekam Medis dan Hasil Psikotes Pegawai",
        "Hasil pemeriksaan kesehatan dan psikotes calon pejabat.",
        "h",
        2,
        "Mengungkap rahasia pribadi pegawai tentang kondisi kesehatan "
        "fisik dan psikisnya.",
    ),
    "dinkes": (
        "Data Pasien Kasus Penyakit Menular per Nama dan Alamat",
        "Daftar nama, alamat, dan riwayat perawatan pasien.",
        "h",
        2,
        "Mengungkap rahasia pribadi pasien dan dapat menimbulkan stigma di masyarakat.",
    ),
    "satpolpp": (
        "Rencana Operasi Penegakan Peraturan Daerah Triwulan IV",
        "Jadwal, lokasi sasaran, dan kekuatan personel operasi.",
        "a",
        1,
        "Operasi dapat digagalkan bila jadwal dan sasaran diketahui sebelumnya.",
    ),
    "rsud-goeteng": (
        "Rekam Medis Pasien Rawat Inap",
        "Catatan pemeriksaan, diagnosis, dan tindakan medis pasien.",
        "h",
        2,
        "Mengungkap rahasia pribadi pasien yang dilindungi undang-undang.",
    ),
    "dinsosdaldukkbp3a": (
        "Data Keuangan Pribadi Calon Penerima Bantuan Sosial",
        "Penghasilan, aset, dan rekening calon penerima bantuan.",
        "h",
        3,
        "Mengungkap kondisi keuangan pribadi warga.",
    ),
}
# What a citizen asks for that such a register refuses, by the same slug.
# What citizens search for most (bench/search_queries.txt), held by the office
# that really holds it: category, sub-type, title, summary, retention.
OWN_ITEMS = {
    "dpmptsp": [
        (
            Category.SETIAP_SAAT,
            "setiap-saat-perizinan",
            "Daftar Izin Usaha dan Non-Usaha yang Diterbitkan Tahun {prev}",
            "Rekapitulasi perizinan berusaha berbasis risiko (OSS) dan izin "
            "non-usaha yang diterbitkan DPMPTSP Kabupaten Purbalingga, per jenis "
            "izin dan per kecamatan.",
            "5 tahun",
        ),
        (
            Category.BERKALA,
            "berkala-hak-tata-cara",
            "Standar Pelayanan Perizinan dan Non-Perizinan Tahun {year}",
            "Persyaratan, alur, waktu penyelesaian, biaya, dan produk layanan "
            "setiap jenis izin di Mal Pelayanan Publik Purbalingga.",
            "Selama berlaku",
        ),
    ],
    "dinkes": [
        (
            Category.BERKALA,
            "berkala-kinerja",
            "Data Prevalensi Stunting per Kecamatan Tahun {prev}",
            "Hasil penimbangan dan pengukuran balita (e-PPGBM) serta angka "
            "prevalensi stunting di 18 kecamatan, dengan intervensi yang dilakukan.",
            "10 tahun",
        ),
    ],
    "dindikbud": [
        (
            Category.BERKALA,
            "berkala-program",
            "Program Beasiswa Pendidikan Kabupaten Purbalingga Tahun {year}",
            "Jenis beasiswa, persyaratan, jadwal pendaftaran, dan kuota penerima "
            "beasiswa daerah bagi pelajar dan mahasiswa berprestasi dan kurang mampu.",
            "5 tahun",
        ),
    ],
    "dinkominfo": [
        (
            Category.BERKALA,
            "berkala-akses-informasi",
            "Standar Operasional Prosedur (SOP) Pelayanan Informasi Publik",
            "SOP permohonan informasi, pengajuan keberatan, dan penanganan "
            "sengketa informasi pada PPID Kabupaten Purbalingga.",
            "Selama berlaku",
        ),
    ],
}

EXCLUDED_REQUESTS = {
    "setda": "Salinan telaahan staf rencana mutasi pejabat struktural",
    "inspektorat": "Laporan hasil pemeriksaan dugaan penyimpangan dana desa",
    "bkppd": "Hasil psikotes calon pejabat eselon III",
    "dinkes": "Nama dan alamat pasien demam berdarah di Kecamatan Kalimanah",
    "satpolpp": "Jadwal dan lokasi operasi penegakan perda bulan depan",
    "rsud-goeteng": "Salinan rekam medis pasien rawat inap atas nama tetangga saya",
    "dinsosdaldukkbp3a": "Data penghasilan dan rekening calon penerima bansos",
}
PAGE_MARGIN = 60


def _pdf(title: str, body: str) -> bytes:
    """A one-document PDF: the title and the body wrapped to the page's
    width (a long Indonesian title runs to two or three lines)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    width, height = A4
    usable = width - 2 * PAGE_MARGIN
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    y = height - PAGE_MARGIN
    lines = [
        ("Helvetica-Bold", 13, 17, line)
        for line in simpleSplit(title, "Helvetica-Bold", 13, usable)
    ]
    lines.append(("Helvetica", 10, 10, ""))
    lines += [
        ("Helvetica", 10, 14, line)
        for line in simpleSplit(body, "Helvetica", 10, usable)
    ]
    for font, size, leading, line in lines:
        if y < PAGE_MARGIN:
            pdf.showPage()
            y = height - PAGE_MARGIN
        pdf.setFont(font, size)
        pdf.drawString(PAGE_MARGIN, y, line)
        y -= leading
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _base(opd: Opd, title: str, summary: str, category: str) -> dict:
    return {
        "title": title,
        "summary": summary,
        "category": category,
        "responsible_official": "Kepala {}".format(opd.name)[:200],
        "made_on": datetime.date(YEAR, 1, 15),
        "made_at_place": "Purbalingga",
        "format": InformationItem.Format.SOFTCOPY,
        "retention_period": "5 tahun",
        "year": YEAR,
    }


def _publish(item: InformationItem, ppid: User, months_ago: int) -> None:
    services.submit_item(item=item, by=item.opd.admins.first())
    services.publish_item(item=item, by=ppid)
    when = timezone.now() - datetime.timedelta(days=30 * months_ago + 3)
    InformationItem.objects.filter(pk=item.pk).update(
        published_at=when, submitted_at=when, last_updated_at=when
    )
    item.changes.update(at=when)


def _seed_opd(opd: Opd, ppid: User, subtypes: dict[str, Subtype]) -> int:
    admin = opd.admins.first()
    existing = set(opd.information_items.values_list("title", flat=True))
    names = {"name": opd.name, "short": opd.short_name, "year": YEAR, "prev": YEAR - 1}
    created = 0

    def make(data, *, files=(), exclusion=None, months_ago=0, publish=True):
        nonlocal created
        if data["title"] in existing:
            return
        item = services.create_item(
            opd=opd, by=admin, data=data, files=files, exclusion=exclusion
        )
        created += 1
        if publish:
            _publish(item, ppid, months_ago)

    for index, (code, title, summary, retention, months) in enumerate(BERKALA):
        data = _base(
            opd, title.format(**names), summary.format(**names), Category.BERKALA
        )
        data.update(subtype=subtypes[code], retention_period=retention)
        files = ()
        if index == 3:
            files = [
                SimpleUploadedFile(
                    "laporan-realisasi-anggaran.pdf",
                    _pdf(data["title"], data["summary"]),
                    content_type="application/pdf",
                )
            ]
        make(data, files=files, months_ago=months)
    for index, (code, title, summary, retention) in enumerate(SETIAP_SAAT):
        data = _base(
            opd, title.format(**names), summary.format(**names), Category.SETIAP_SAAT
        )
        data.update(subtype=subtypes[code], retention_period=retention)
        # The last one stays a draft waiting to be submitted.
        make(data, months_ago=2, publish=index < len(SETIAP_SAAT) - 1)
    for category, code, title, summary, retention in OWN_ITEMS.get(opd.slug, ()):
        data = _base(opd, title.format(**names), summary.format(**names), category)
        data.update(subtype=subtypes[code], retention_period=retention)
        make(data, months_ago=1)
    if opd.slug in SERTA_MERTA:
        code, title, summary, hours = SERTA_MERTA[opd.slug]
        data = _base(opd, title, summary, Category.SERTA_MERTA)
        data.update(
            subtype=subtypes[code],
            event_occurred_at=timezone.now() - datetime.timedelta(days=20, hours=hours),
        )
        make(data, months_ago=0)
    if opd.slug in EXCLUDED:
        title, summary, ground, point, consequence = EXCLUDED[opd.slug]
        data = _base(opd, title, summary, Category.DIKECUALIKAN)
        exclusion = {
            "ground": ground,
            "ground_point": point,
            "legal_basis": "Undang-Undang Nomor 14 Tahun 2008 Pasal 17 huruf {}".format(
                ground
            ),
            "consequence": consequence,
            "public_interest": "Kepentingan yang dilindungi lebih besar daripada "
            "manfaat membukanya bagi publik.",
            "consequence_tested_on": datetime.date(YEAR, 1, 2),
            "test_occasion": "proactive",
            "scope": "whole",
            "redacted_summary": "",
            "period_start": datetime.date(YEAR, 1, 2),
            "period_end": datetime.date(YEAR + 4, 12, 31),
            "review_date": None,
            "decided_by": "PPID Pelaksana {}".format(opd.short_name),
            "approved_by": "Kepala {}".format(opd.name)[:200],
            "decided_place": "Purbalingga",
            "decided_on": datetime.date(YEAR, 1, 2),
        }
        make(data, exclusion=exclusion, months_ago=6)
    return created


@transaction.atomic
def seed_demo() -> int:
    """Create the demo catalogue; items that exist (by OPD and title) stay."""
    ppid = User.objects.get(username="ppid-utama")
    subtypes = {s.code: s for s in Subtype.objects.all()}
    created = 0
    for opd in Opd.objects.active().order_by("slug"):
        created += _seed_opd(opd, ppid, subtypes)
    return created
