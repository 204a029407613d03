"""Demo Profil PPID for Purbalingga: realistic texts in Indonesian, marked as
demo where a real value (the decree's number, the address, the numbers to
call) is invented. Idempotent: a profile already there is left alone."""

from __future__ import annotations

import datetime
import io

from django.core.files.base import ContentFile
from django.db import transaction

from opds.models import User
from ppid.profile import services
from ppid.profile.models import PpidProfile, StandardProcedure
from ppid.profile.selectors import current_profile

DECREE_NUMBER = "Keputusan Bupati Purbalingga Nomor 000.9/123 Tahun 2025 (data demo)"
DECREE_TITLE = (
    "Pejabat Pengelola Informasi dan Dokumentasi di Lingkungan Pemerintah "
    "Kabupaten Purbalingga"
)
STRUCTURE = """Pembina: Bupati Purbalingga
Pengarah: Wakil Bupati Purbalingga
Atasan PPID: Sekretaris Daerah Kabupaten Purbalingga
PPID Utama: Kepala Dinas Komunikasi dan Informatika
Sekretaris: Sekretaris Dinas Komunikasi dan Informatika
Bidang Pelayanan Informasi: Kepala Bidang Informasi dan Komunikasi Publik
Bidang Pengelolaan Informasi dan Dokumentasi: Kepala Bidang Aplikasi Informatika
Bidang Penyelesaian Sengketa Informasi: Kepala Bagian Hukum Sekretariat Daerah
PPID Pelaksana: Kepala Perangkat Daerah, Camat, dan Lurah"""
VISION = (
    "Terwujudnya pelayanan informasi publik Kabupaten Purbalingga yang "
    "transparan, akuntabel, cepat, dan mudah diakses oleh seluruh masyarakat."
)
MISSION = """Menyediakan informasi publik yang akurat, benar, dan tidak menyesatkan.
Meningkatkan kualitas pelayanan informasi publik yang cepat, tepat waktu, biaya ringan, dan cara sederhana.
Mengelola dan mendokumentasikan informasi publik secara tertib dan terpadu di seluruh perangkat daerah.
Membangun budaya keterbukaan informasi di lingkungan Pemerintah Kabupaten Purbalingga."""
SERVICE_NOTICE = (
    "Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan informasi "
    "publik sesuai dengan standar pelayanan yang telah ditetapkan, dan apabila "
    "tidak menepati janji ini, kami siap menerima sanksi sesuai dengan "
    "ketentuan peraturan perundang-undangan yang berlaku.\n\n"
    "PPID Utama Kabupaten Purbalingga"
)
ADDRESS = (
    "Dinas Komunikasi dan Informatika Kabupaten Purbalingga\n"
    "Jl. Kolonel Sugiri No. 3, Purbalingga Kidul, Purbalingga 53313 "
    "(alamat demo)"
)
OFFICE_HOURS = """Senin-Kamis: 07.30-16.00 WIB
Jumat: 07.30-11.00 WIB
Sabtu, Minggu, dan hari libur nasional: tutup
Permohonan lewat portal diterima setiap saat."""
PROCEDURES = [
    (
        "SOP Pelayanan Permohonan Informasi Publik",
        "Alur permohonan dari pendaftaran, pemeriksaan kelengkapan 3 hari kerja, "
        "sampai pemberitahuan tertulis paling lambat 10 hari kerja.",
    ),
    (
        "SOP Penanganan Keberatan",
        "Pengajuan keberatan kepada Atasan PPID dalam 30 hari kerja dan "
        "tanggapan tertulis dalam 30 hari kerja.",
    ),
    (
        "SOP Uji Konsekuensi Informasi yang Dikecualikan",
        "Tata cara uji konsekuensi dan penetapan informasi yang dikecualikan.",
    ),
    (
        "SOP Pelayanan Informasi bagi Penyandang Disabilitas",
        "Pendampingan dan bentuk informasi yang dapat diakses penyandang disabilitas.",
    ),
    (
        "SOP Pendokumentasian Informasi Publik",
        "Pemutakhiran Daftar Informasi Publik oleh PPID Pelaksana.",
    ),
]


def _pdf(title: str, lines: list[str]) -> ContentFile:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(60, 790, "PEMERINTAH KABUPATEN PURBALINGGA")
    pdf.drawString(60, 772, title[:80])
    pdf.setFont("Helvetica", 10)
    y = 740
    for line in lines:
        for start in range(0, len(line), 95):
            pdf.drawString(60, y, line[start : start + 95])
            y -= 14
    pdf.drawString(60, 80, "Dokumen demo: bukan dokumen resmi.")
    pdf.showPage()
    pdf.save()
    return ContentFile(buffer.getvalue(), name="berkas.pdf")


@transaction.atomic
def seed_profile() -> int:
    """Write the demo Profil PPID as PPID Utama would; 1 if written, else 0."""
    if current_profile() is not None:
        return 0
    by = User.objects.filter(role=User.Role.PPID_UTAMA, is_active=True).first()
    profile = PpidProfile(
        decree_number=DECREE_NUMBER,
        decree_title=DECREE_TITLE,
        decree_date=datetime.date(2025, 3, 3),
        structure=STRUCTURE,
        vision=VISION,
        mission=MISSION,
        service_notice=SERVICE_NOTICE,
        address=ADDRESS,
        office_hours=OFFICE_HOURS,
        phone="(0281) 891000 (nomor demo)",
        email="ppid@demo.purbalingga.test",
        whatsapp="081200000000",
    )
    profile.decree_file.save(
        "berkas.pdf",
        _pdf(DECREE_NUMBER, ["Tentang " + DECREE_TITLE, "", *STRUCTURE.splitlines()]),
        save=False,
    )
    profile.structure_file.save(
        "berkas.pdf",
        _pdf("Struktur Organisasi PPID Kabupaten Purbalingga", STRUCTURE.splitlines()),
        save=False,
    )
    profile.service_notice_file.save(
        "berkas.pdf", _pdf("Maklumat Pelayanan", [SERVICE_NOTICE]), save=False
    )
    if by is not None:
        services.save_profile(profile=profile, by=by)
    else:
        profile.full_clean()
        profile.save()
    for position, (title, description) in enumerate(PROCEDURES, start=1):
        sop = StandardProcedure(
            profile=profile, title=title, description=description, position=position
        )
        sop.file.save("berkas.pdf", _pdf(title, [description]), save=False)
        sop.save()
    return 1
