"""The sub-types of Perki 1/2021 (Standar Layanan Informasi Publik).

Kept as data so PPID Utama can adjust them in the admin; codes are stable
identifiers that the evaluations refer to.
"""

from django.db import migrations

SUBTYPES = {
    "berkala": [
        ("berkala-profil", "Informasi tentang profil Badan Publik"),
        ("berkala-program", "Ringkasan informasi tentang program dan/atau kegiatan"),
        ("berkala-kinerja", "Ringkasan informasi tentang kinerja"),
        ("berkala-keuangan", "Ringkasan laporan keuangan"),
        ("berkala-akses-informasi", "Ringkasan laporan akses Informasi Publik"),
        (
            "berkala-regulasi",
            "Informasi tentang peraturan, keputusan, dan/atau kebijakan yang "
            "mengikat atau berdampak bagi publik",
        ),
        (
            "berkala-hak-tata-cara",
            "Informasi tentang hak dan tata cara memperoleh Informasi Publik, "
            "tata cara keberatan dan sengketa",
        ),
        (
            "berkala-pengaduan",
            "Informasi tentang tata cara pengaduan penyalahgunaan wewenang atau "
            "pelanggaran",
        ),
        ("berkala-pengadaan", "Informasi tentang pengumuman pengadaan barang dan jasa"),
        ("berkala-ketenagakerjaan", "Informasi ketenagakerjaan (penerimaan pegawai)"),
        (
            "berkala-evakuasi",
            "Informasi tentang prosedur peringatan dini dan prosedur evakuasi "
            "keadaan darurat",
        ),
        ("berkala-lainnya", "Informasi berkala lainnya"),
    ],
    "serta_merta": [
        ("serta-merta-bencana-alam", "Bencana alam"),
        ("serta-merta-bencana-nonalam", "Keadaan bencana non-alam"),
        ("serta-merta-bencana-sosial", "Bencana sosial"),
        (
            "serta-merta-penyakit",
            "Jenis, persebaran, dan daerah sumber penyakit yang berpotensi menular",
        ),
        ("serta-merta-racun-pangan", "Racun pada bahan makanan yang dikonsumsi masyarakat"),
        ("serta-merta-utilitas", "Rencana gangguan terhadap utilitas publik"),
    ],
    "setiap_saat": [
        ("setiap-saat-dip", "Daftar Informasi Publik"),
        (
            "setiap-saat-regulasi",
            "Informasi tentang peraturan, keputusan, dan/atau kebijakan Badan Publik",
        ),
        (
            "setiap-saat-berkala-lengkap",
            "Seluruh informasi lengkap yang wajib diumumkan secara berkala",
        ),
        (
            "setiap-saat-organisasi",
            "Informasi tentang organisasi, administrasi, kepegawaian, dan keuangan",
        ),
        (
            "setiap-saat-perjanjian",
            "Surat-surat perjanjian dengan pihak ketiga berikut dokumen pendukungnya",
        ),
        (
            "setiap-saat-surat-menyurat",
            "Surat menyurat pimpinan atau pejabat dalam rangka tugas dan fungsinya",
        ),
        ("setiap-saat-perizinan", "Persyaratan perizinan dan izin yang diterbitkan"),
        ("setiap-saat-inventaris", "Data perbendaharaan atau inventaris"),
        ("setiap-saat-renstra", "Rencana strategis dan rencana kerja"),
        ("setiap-saat-agenda", "Agenda kerja pimpinan satuan kerja"),
        (
            "setiap-saat-layanan-informasi",
            "Informasi mengenai kegiatan pelayanan Informasi Publik",
        ),
        (
            "setiap-saat-pengawasan-internal",
            "Pelanggaran temuan pengawasan internal dan laporan penindakannya",
        ),
        (
            "setiap-saat-pengaduan-masyarakat",
            "Pelanggaran yang dilaporkan masyarakat dan laporan penindakannya",
        ),
        ("setiap-saat-penelitian", "Daftar serta hasil-hasil penelitian"),
        (
            "setiap-saat-putusan-sengketa",
            "Informasi yang telah dinyatakan terbuka melalui keberatan atau sengketa",
        ),
        (
            "setiap-saat-standar-pengumuman",
            "Informasi tentang standar pengumuman informasi serta merta",
        ),
        (
            "setiap-saat-pertemuan-terbuka",
            "Informasi dan kebijakan yang disampaikan pejabat publik dalam "
            "pertemuan terbuka",
        ),
    ],
}

# Catch-alls and those only some OPDs hold are not expected of every OPD.
NOT_REQUIRED = {
    "berkala-lainnya",
    "berkala-ketenagakerjaan",
    "setiap-saat-perizinan",
    "setiap-saat-penelitian",
    "setiap-saat-putusan-sengketa",
    "setiap-saat-standar-pengumuman",
}


def add_subtypes(apps, schema_editor):
    Subtype = apps.get_model("ppid", "Subtype")
    for category, entries in SUBTYPES.items():
        for position, (code, name) in enumerate(entries, start=1):
            Subtype.objects.update_or_create(
                code=code,
                defaults={
                    "category": category,
                    "name": name,
                    "position": position,
                    "is_required": category != "serta_merta" and code not in NOT_REQUIRED,
                },
            )


def remove_subtypes(apps, schema_editor):
    Subtype = apps.get_model("ppid", "Subtype")
    codes = [code for entries in SUBTYPES.values() for code, _ in entries]
    Subtype.objects.filter(code__in=codes, items__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("ppid", "0001_initial")]

    operations = [migrations.RunPython(add_subtypes, remove_subtypes)]
