"""The 2026 framework: the Komisi Informasi's six Monev indicators with
their 2025 weights, made of items the portal computes and items the
Dinkominfo team scores.

Frozen on purpose: a later year gets its own data migration (or is copied
and edited in the admin), so a past month is always scored as it was.
"""

from decimal import Decimal as D

from django.db import migrations

A, M = "automatic", "manual"

# indicator code, name, weight, [(item code, name, weight, method, rule,
# guidance, where it is done)]
INDICATORS = [
    (
        "jenis_informasi",
        "Jenis informasi",
        D("40"),
        [
            ("dip_lengkap", "Kelengkapan DIP: subjenis wajib berkala dan setiap saat yang sudah terbit", D("40"), A, "dip_completeness",
             "Terbitkan informasi untuk setiap subjenis wajib yang belum ada.", "/dasbor/informasi/"),
            ("berkala_mutakhir", "Kemutakhiran informasi berkala (tidak lewat jadwal pembaruan)", D("25"), A, "berkala_freshness",
             "Perbarui informasi berkala yang sudah lewat jadwal pembaruannya.", "/dasbor/informasi/?category=berkala"),
            ("dik_penetapan", "DIK dengan surat penetapan klasifikasi", D("15"), A, "dik_decisions",
             "Lengkapi surat penetapan (uji konsekuensi) untuk setiap informasi yang dikecualikan.", "/dasbor/informasi/?category=dikecualikan"),
            ("serta_merta_cepat", "Informasi serta merta diumumkan dalam 1 × 24 jam", D("10"), A, "serta_merta_speed",
             "Umumkan informasi serta merta paling lambat 24 jam setelah kejadian.", "/dasbor/informasi/baru/"),
            ("dokumen_terlampir", "Informasi terbit yang dilengkapi dokumen", D("10"), A, "items_with_files",
             "Lampirkan dokumen pada informasi yang masih tanpa berkas.", "/dasbor/informasi/"),
        ],
    ),
    (
        "digitalisasi",
        "Digitalisasi",
        D("20"),
        [
            ("akun_aktif", "Akun media sosial yang aktif bulan ini", D("15"), A, "social_active_accounts",
             "Unggah minimal satu konten di setiap akun resmi setiap bulan.", "/dasbor/media-sosial/"),
            ("frekuensi_unggah", "Unggahan per minggu dibanding target (3 per minggu)", D("20"), A, "social_posting_rate",
             "Unggah minimal tiga konten per minggu.", "/dasbor/media-sosial/"),
            ("ragam_konten", "Porsi infografis dan video (target 50 %)", D("15"), A, "social_content_mix",
             "Sajikan data, kebijakan, dan layanan sebagai infografis atau video pendek.", "/dasbor/media-sosial/"),
            ("keterlibatan", "Tingkat keterlibatan dibanding OPD dengan jumlah pengikut sekelas", D("15"), A, "social_engagement_band",
             "Ajak warga berinteraksi: jawab komentar, gunakan ajakan yang jelas.", "/dasbor/media-sosial/"),
            ("pertumbuhan_pengikut", "Pertumbuhan pengikut (target 1 % per bulan)", D("10"), A, "social_follower_growth",
             "Cantumkan akun resmi di situs, layanan, dan materi cetak OPD.", "/dasbor/media-sosial/"),
            ("durasi_video", "Video dalam batas durasi", D("5"), A, "social_video_length",
             "Potong video menjadi klip sesuai batas durasi.", "/dasbor/media-sosial/"),
            ("umumkan_ppid", "Unggahan yang mengumumkan informasi PPID (target 10 %)", D("10"), A, "social_ppid_announcements",
             "Tautkan unggahan ke informasi PPID yang diumumkannya.", "/dasbor/media-sosial/"),
            ("kanal_sehat", "Kanal terhubung dengan data segar", D("10"), A, "social_channel_health",
             "Sambungkan kembali akun yang tokennya kedaluwarsa atau impor ekspor terbaru.", "/dasbor/media-sosial/"),
        ],
    ),
    (
        "kualitas_informasi",
        "Kualitas informasi",
        D("10"),
        [
            ("profil_lengkap", "Profil badan publik lengkap", D("40"), A, "opd_profile",
             "Lengkapi alamat, kontak, pimpinan, dan kontak PPID Pelaksana pada profil OPD.", "/perangkat-daerah/"),
            ("akurasi", "Akurasi dan keterbacaan informasi (penilaian tim)", D("60"), M, "",
             "Gunakan bahasa yang jelas dan data yang dapat diperiksa.", ""),
        ],
    ),
    (
        "pelayanan_informasi",
        "Pelayanan informasi",
        D("10"),
        [
            ("permohonan_tepat_waktu", "Permohonan dijawab tepat waktu", D("50"), A, "requests_on_time",
             "Jawab permohonan sebelum batas waktunya; perpanjang secara tertulis bila perlu.", "/dasbor/permohonan/"),
            ("median_hari_kerja", "Median hari kerja sampai permohonan dijawab", D("30"), A, "requests_median_days",
             "Percepat jawaban: tujuannya 5 hari kerja atau kurang.", "/dasbor/permohonan/"),
            ("keberatan_tepat_waktu", "Keberatan dijawab atasan PPID tepat waktu", D("20"), A, "objections_on_time",
             "Jawab keberatan dalam 30 hari kerja.", "/dasbor/permohonan/"),
        ],
    ),
    (
        "komitmen_organisasi",
        "Komitmen organisasi",
        D("10"),
        [
            ("sk_ppid", "SK PPID Pelaksana dan uraian tugas (penilaian tim)", D("50"), M, "",
             "Terbitkan atau perbarui SK PPID Pelaksana.", ""),
            ("anggaran", "Anggaran dan SDM layanan informasi (penilaian tim)", D("50"), M, "",
             "Alokasikan anggaran dan petugas layanan informasi.", ""),
        ],
    ),
    (
        "sarana_prasarana",
        "Sarana dan prasarana",
        D("10"),
        [
            ("ruang_layanan", "Ruang atau meja layanan informasi (penilaian tim)", D("50"), M, "",
             "Sediakan meja layanan informasi yang jelas penandaannya.", ""),
            ("akses_disabilitas", "Akses bagi penyandang disabilitas (penilaian tim)", D("50"), M, "",
             "Sediakan akses dan format informasi bagi penyandang disabilitas.", ""),
        ],
    ),
]


def load(apps, schema_editor):
    Framework = apps.get_model("evaluations", "Framework")
    Indicator = apps.get_model("evaluations", "Indicator")
    Item = apps.get_model("evaluations", "Item")
    framework, _ = Framework.objects.update_or_create(
        year=2026,
        defaults={
            "name": "Kesiapan KIP 2026",
            "notes": "Bobot indikator Monev Komisi Informasi 2025.",
        },
    )
    for position, (code, name, weight, items) in enumerate(INDICATORS):
        indicator, _ = Indicator.objects.update_or_create(
            framework=framework,
            code=code,
            defaults={"name": name, "weight": weight, "position": position},
        )
        for item_position, (icode, iname, iweight, method, rule, guidance, url) in enumerate(items):
            Item.objects.update_or_create(
                indicator=indicator,
                code=icode,
                defaults={
                    "name": iname,
                    "weight": iweight,
                    "method": method,
                    "rule": rule,
                    "guidance": guidance,
                    "action_url": url,
                    "position": item_position,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
