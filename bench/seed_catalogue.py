"""A large synthetic catalogue for the benchmarks: ``python -m
bench.seed_catalogue --items N --opds N --seed N`` from the repository root,
with the benchmark's environment (``bench/catalogue.py`` runs it).

Creates ``--opds`` OPDs (slugs prefixed ``bench-``) and ``--items`` information
items with Indonesian government text, replacing any earlier bench rows.
Rows are loaded with COPY, the search vectors are filled with
``ppid.catalogue.search.refresh_search_vectors`` in one UPDATE, and the table is
vacuumed and analysed afterwards. PostgreSQL only.

The text is generated so that the query lists below fall into known classes:
``SELECTIVE_QUERIES`` match at most 0.5 % of the items (village names are
spread evenly over ~200 villages; some objects appear in one title of ~300)
and ``BROAD_QUERIES`` match at least 20 % (the commonest words of the
Zipf-distributed filler text and of the summary templates). The command
prints the real match counts, and ``bench/catalogue.py`` checks them again.
"""

# The models are imported after Django is set up when run as a module.
# ruff: noqa: E402

from __future__ import annotations

import datetime
import io
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import django

if __name__ == "__main__":
    # ``python -m bench.seed_catalogue``: Django first, then the models.
    django.setup()

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from opds.models import Opd
from ppid.catalogue.analysis import parse_query
from ppid.catalogue.models import Category, InformationItem, Subtype
from ppid.catalogue.search import match_q, refresh_search_vectors

SLUG_PREFIX = "bench-"
COPY_BATCH = 5_000

# --- Places ---------------------------------------------------------------------

# The 18 kecamatan of Kabupaten Purbalingga and villages in each.
KECAMATAN_VILLAGES: dict[str, list[str]] = {
    "Bobotsari": [
        "Banjarsari", "Dagan", "Gandasuli", "Gunungkarang", "Karangduren",
        "Karangmalang", "Karangtalun", "Kalapacung", "Limbasari", "Majapura",
        "Palumbungan", "Pakuncen", "Talagening", "Tlagayasa", "Untung",
    ],
    "Bojongsari": [
        "Banjaran", "Beji", "Brobot", "Bumisari", "Galuh", "Gembong",
        "Kajongan", "Karangbanjar", "Metenggeng", "Pagedangan", "Patemon",
        "Pekalongan", "Sumbersari",
    ],
    "Bukateja": [
        "Bajong", "Cipawon", "Karangcengis", "Karanggedang", "Kebutuh",
        "Kedungjati", "Kembangan", "Kutawis", "Majasari", "Penaruban", "Tidu",
        "Wirasaba",
    ],
    "Kaligondang": [
        "Arenan", "Brecek", "Cilapar", "Kalikajar", "Kalitinggar", "Lamongan",
        "Penolih", "Selakambang", "Selanegara", "Sempor", "Sidanegara",
        "Sidareja", "Sinduraja", "Tejasari",
    ],
    "Kalimanah": [
        "Babakan", "Blater", "Grecol", "Karangpetir", "Kedungwuluh",
        "Klapasawit", "Manduraga", "Mewek", "Rabak", "Selabaya", "Sidakangen",
    ],
    "Karanganyar": [
        "Banjarkerta", "Brakas", "Buara", "Bungkanel", "Jambudesa",
        "Kabunderan", "Kaliori", "Lumpang", "Maribaya", "Ponjen",
    ],
    "Karangjambu": [
        "Danasari", "Jingkang", "Purbasari", "Sanguwatang", "Sirandu",
    ],
    "Karangmoncol": [
        "Baleraksa", "Grantung", "Karangsari", "Kramat", "Pekiringan",
        "Rajawana", "Sirau", "Tajug", "Tamansari", "Tunjungmuli",
    ],
    "Karangreja": [
        "Gondang", "Kutabawa", "Serang", "Siwarak", "Tlahab",
    ],
    "Kejobong": [
        "Bandingan", "Gumiwang", "Kedarpan", "Krenceng", "Lamuk",
        "Nangkasawit", "Nangkod", "Pandansari", "Pangempon", "Sokanegara",
        "Timbang",
    ],
    "Kemangkon": [
        "Bakulan", "Bokol", "Gambarsari", "Jetis", "Kalialang", "Kalijaran",
        "Karangkemiri", "Kedunglegok", "Kedungbenda", "Majatengah", "Muntang",
        "Panican", "Pegandekan", "Plumutan", "Senon", "Sumilir", "Toyareka",
    ],
    "Kertanegara": [
        "Adiarsa", "Condong", "Karangasem", "Karangpucung", "Krangean",
        "Layansari", "Mergasana", "Pepedan",
    ],
    "Kutasari": [
        "Candinata", "Candiwulan", "Cendana", "Karangaren", "Karangcegak",
        "Karangjengkol", "Karangklesem", "Karanglewas", "Limbangan", "Munjul",
        "Sumingkir",
    ],
    "Mrebet": [
        "Binangun", "Campakoah", "Cipaku", "Karangnangka", "Lambur",
        "Mangunegara", "Onje", "Pagerandong", "Pengalusan", "Selaganggeng",
        "Sindang", "Tangkisan",
    ],
    "Padamara": [
        "Bojanegara", "Dawuhan", "Gemuruh", "Karangjambe", "Karangsentul",
        "Mipiran", "Prigi", "Purbayasa",
    ],
    "Pengadegan": [
        "Bedagas", "Karangjoho", "Panunggalan", "Pasunggingan", "Tegalpingen",
        "Tetel",
    ],
    "Purbalingga": [
        "Bancar", "Kandanggampang", "Kedungmenjangan", "Penambongan",
        "Toyareja", "Wirasana", "Jatisaba", "Kalikabong",
    ],
    "Rembang": [
        "Bantarbarang", "Gunungwuled", "Losari", "Makam", "Panusupan",
        "Wanogara", "Tanalum", "Karangbawang", "Bodaskarangjati", "Sumampir",
        "Wlahar",
    ],
}  # fmt: skip

MONTHS = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober "
    "November Desember"
).split()

# --- Words ------------------------------------------------------------------------

# Title openers, with relative weights.
DOC_TYPES: list[tuple[str, int]] = [
    ("Laporan", 14), ("Laporan Realisasi", 4), ("Laporan Hasil", 3),
    ("Rencana", 5), ("Daftar", 4), ("Data", 5), ("Dokumen", 3),
    ("Pengumuman", 4), ("Keputusan Kepala", 2), ("Surat Edaran", 2),
    ("Rekapitulasi", 3), ("Profil", 2), ("Standar Pelayanan", 2),
    ("Peraturan Bupati tentang", 2), ("Ringkasan", 3), ("Hasil Evaluasi", 2),
    ("Jadwal", 2), ("Rincian", 2), ("Notulen Rapat", 1), ("Petunjuk Teknis", 1),
    ("Berita Acara", 1), ("Dokumentasi", 1), ("Kerangka Acuan Kerja", 1),
    ("Rencana Anggaran Biaya", 1), ("Matriks", 1), ("Statistik", 1),
    ("Kajian", 1), ("Naskah Akademik", 1), ("Pedoman", 1), ("Rekomendasi", 1),
]  # fmt: skip

ACTIVITIES = [
    "Pembangunan", "Rehabilitasi", "Pemeliharaan", "Pengadaan", "Penyaluran",
    "Pendataan", "Pengelolaan", "Pembinaan", "Pengawasan", "Penataan",
    "Peningkatan", "Sosialisasi", "Pelatihan", "Verifikasi", "Pemantauan",
    "Evaluasi", "Penyusunan", "Perencanaan", "Pengembangan", "Penanganan",
    "Pencegahan", "Pemberdayaan", "Pendampingan", "Penertiban", "Penilaian",
    "Pemeriksaan", "Penetapan", "Pengujian", "Perbaikan", "Normalisasi",
    "Revitalisasi", "Digitalisasi", "Optimalisasi", "Fasilitasi", "Inventarisasi",
    "Sertifikasi", "Akreditasi", "Standardisasi", "Penyelenggaraan", "Penguatan",
    "Percepatan", "Penanggulangan", "Pemulihan", "Rekonstruksi", "Relokasi",
    "Pembebasan Lahan", "Pengukuran", "Penerbitan", "Pemutakhiran",
    "Pengendalian", "Pemanfaatan", "Pelestarian", "Penghijauan", "Pengerasan",
    "Pengaspalan", "Pelebaran", "Pemasangan", "Penggantian", "Pembersihan",
    "Penyemprotan", "Vaksinasi", "Penyuluhan", "Bimbingan Teknis", "Lomba",
    "Musyawarah", "Rapat Koordinasi", "Kunjungan Kerja", "Audit", "Reviu",
    "Asistensi",
]  # fmt: skip

OBJECTS = [
    "Jalan Desa", "Jalan Kabupaten", "Jembatan Gantung", "Jembatan Beton",
    "Saluran Irigasi", "Bendung", "Embung", "Drainase Perkotaan", "Trotoar",
    "Talud", "Gorong-gorong", "Puskesmas", "Puskesmas Pembantu", "Posyandu",
    "Polindes", "Rumah Sakit Umum Daerah", "Ambulans Desa", "Sekolah Dasar",
    "SMP Negeri", "PAUD", "Taman Kanak-kanak", "Perpustakaan Desa",
    "Pasar Tradisional", "Pasar Hewan", "Terminal Bus", "Alun-alun",
    "Gedung Olahraga", "Stadion Goentoer Darjono", "Kantor Kecamatan",
    "Balai Desa", "Rumah Dinas", "Rumah Tidak Layak Huni", "Air Bersih",
    "Sanitasi", "Jamban Sehat", "Bank Sampah", "TPS3R",
    "Tempat Pemrosesan Akhir", "Penerangan Jalan Umum", "Lampu Lalu Lintas",
    "Rambu Lalu Lintas", "Angkutan Perdesaan", "Pupuk Bersubsidi", "Benih Padi",
    "Bibit Kopi", "Kopi Robusta", "Gula Kelapa", "Nira Kelapa", "Kambing Etawa",
    "Sapi Potong", "Ayam Kampung", "Ikan Gurami", "Ikan Nila", "Kolam Terpal",
    "Hortikultura", "Cabai Merah", "Bawang Merah", "Stroberi", "Durian",
    "Manggis", "Nanas Madu", "Jagung Hibrida", "Kedelai", "Padi Sawah",
    "Lahan Kering", "Alat Mesin Pertanian", "Traktor Tangan", "Pompa Air",
    "Kelompok Tani", "Gapoktan", "Koperasi Simpan Pinjam", "UMKM",
    "Industri Rambut Palsu", "Bulu Mata Palsu", "Knalpot", "Batik Purbalinggan",
    "Kerajinan Bambu", "Desa Wisata", "Objek Wisata", "Owabong", "Goa Lawa",
    "Purbasari Pancuran Mas", "Sanggaluri Park", "Curug Nini", "Gunung Slamet",
    "Jalur Pendakian", "Sungai Klawing", "Sungai Serayu", "Sungai Pekacangan",
    "Bantuan Langsung Tunai", "Program Keluarga Harapan", "Kartu Indonesia Sehat",
    "Kartu Indonesia Pintar", "Beasiswa Mahasiswa", "Jaminan Kesehatan Daerah",
    "BPJS Ketenagakerjaan", "Penyandang Disabilitas", "Lanjut Usia Terlantar",
    "Anak Yatim Piatu", "Perempuan Kepala Keluarga", "Stunting", "Gizi Buruk",
    "Ibu Hamil", "Demam Berdarah Dengue", "Tuberkulosis", "Rabies", "Antraks",
    "Campak Rubela", "Polio", "Difteri", "HIV AIDS", "Kusta", "Malaria",
    "Hipertensi", "Diabetes Melitus", "Kesehatan Jiwa", "Penyalahgunaan Narkoba",
    "Kenakalan Remaja", "Perkawinan Anak", "Kekerasan Terhadap Anak",
    "KTP Elektronik", "Kartu Keluarga", "Akta Kelahiran", "Akta Kematian",
    "Identitas Kependudukan Digital", "Pajak Bumi dan Bangunan", "Pajak Restoran",
    "Pajak Hotel", "Retribusi Parkir", "Retribusi Pasar", "Pendapatan Asli Daerah",
    "Dana Desa", "Alokasi Dana Desa", "Dana Alokasi Khusus", "Dana Alokasi Umum",
    "Dana Bagi Hasil Cukai", "Bantuan Keuangan Provinsi", "Hibah Daerah",
    "Barang Milik Daerah", "Kendaraan Dinas", "Tanah Kas Desa",
    "Persetujuan Bangunan Gedung", "Nomor Induk Berusaha",
    "Rencana Detail Tata Ruang", "Kawasan Industri", "Kawasan Permukiman Kumuh",
    "Perumahan Subsidi", "Kualitas Udara", "Kualitas Air Sungai", "Limbah Medis",
    "Limbah Industri", "Hutan Rakyat", "Tanah Longsor", "Banjir Bandang",
    "Angin Puting Beliung", "Kekeringan", "Kebakaran Permukiman", "Gempa Bumi",
    "Mitigasi Bencana", "Jalur Evakuasi", "Sirine Peringatan Dini",
    "Pegawai Negeri Sipil", "PPPK", "Tenaga Harian Lepas", "Kenaikan Pangkat",
    "Disiplin Pegawai", "Tambahan Penghasilan Pegawai", "Pengaduan Masyarakat",
    "SP4N LAPOR", "Survei Kepuasan Masyarakat", "Zona Integritas",
    "Wilayah Bebas Korupsi", "Reformasi Birokrasi", "SAKIP", "LKjIP", "LPPD",
    "LKPJ", "RKPD", "RPJMD", "Renstra", "Renja", "DPA", "RKA", "APBD Perubahan",
    "Laporan Keuangan Pemerintah Daerah", "Opini BPK", "Temuan Pemeriksaan",
    "Pengadaan Langsung", "Tender Konstruksi", "E-Katalog Lokal",
    "Rencana Umum Pengadaan", "Konsultan Pengawas",
    "Sistem Pemerintahan Berbasis Elektronik", "Satu Data Purbalingga",
    "Website Resmi", "Akun Media Sosial", "Internet Desa", "Menara Telekomunikasi",
    "Command Center", "Kamera Pengawas", "Pedagang Kaki Lima", "Reklame Liar",
    "Minuman Keras", "Pemilihan Kepala Desa", "Perangkat Desa",
    "Badan Permusyawaratan Desa", "BUMDes", "Kampung KB", "Keluarga Berencana",
    "Transmigrasi", "Pencari Kerja", "Balai Latihan Kerja", "Pekerja Migran",
    "Upah Minimum Kabupaten", "Pasar Murah", "Harga Bahan Pokok", "Stok Beras",
    "Cadangan Pangan", "Lumbung Pangan", "Kemiskinan Ekstrem", "Sensus Pertanian",
    "Statistik Sektoral", "Arsip Statis", "Perpustakaan Keliling", "Cagar Budaya",
    "Kesenian Ebeg", "Kongkil", "Braen", "Hari Jadi Purbalingga",
    "Peringatan Hari Kemerdekaan", "Pekan Olahraga", "Pramuka", "Karang Taruna",
    "Pondok Pesantren", "Madrasah Diniyah", "Kerukunan Umat Beragama",
    "Wawasan Kebangsaan", "Pemilihan Umum", "Partai Politik",
    "Organisasi Kemasyarakatan", "Pemadam Kebakaran", "Hidran",
    "Rumah Potong Hewan", "Kesehatan Hewan", "Inseminasi Buatan", "Pakan Ternak",
    "Pembenihan Ikan", "Penyuluh Pertanian", "Balai Penyuluhan", "Irigasi Tersier",
    "Daerah Irigasi Slinga", "Sumur Bor", "Jaringan Pipa", "Perumda Air Minum",
    "Sambungan Rumah", "Listrik Perdesaan", "Panel Surya", "Biogas",
    "Bandara Jenderal Besar Soedirman", "Jalan Lingkar Utara", "Jalan Tol",
    "Ruang Terbuka Hijau", "Taman Kota Usman Janatin", "Pemakaman Umum",
    "Gula Semut", "Kapulaga", "Kelapa Deres", "Lebah Madu", "Jamur Tiram",
]  # fmt: skip

# Filler vocabulary, commonest first: sampled with a Zipf distribution, so the
# head words appear in most items and the tail words in few.
GENERAL_WORDS = """
yang dan di dalam untuk dengan pada ini dari tersebut secara kegiatan
masyarakat pemerintah daerah kabupaten pelayanan program informasi
anggaran laporan data publik desa pembangunan dokumen sesuai berdasarkan
peraturan bupati dinas bidang sasaran target capaian realisasi kinerja rencana
hasil tujuan upaya peningkatan kualitas kebutuhan ketentuan perangkat pejabat
pengelola warga wilayah lokasi jumlah nilai biaya belanja pendapatan penerimaan
pengeluaran dana sumber rupiah persen tahap jadwal waktu bulan minggu hari
tanggal tempat kantor gedung ruang fasilitas sarana prasarana infrastruktur
sekolah guru siswa pendidikan kesehatan dokter perawat bidan pasien obat vaksin
klinik balita ibu anak remaja pemuda perempuan keluarga penduduk pertanian
petani sawah ladang kebun panen pupuk benih ternak peternakan perikanan kolam
pangan beras harga pasar pedagang usaha pelaku koperasi industri kerajinan
produk produksi pemasaran investasi modal pinjaman kredit bank pajak retribusi
izin perizinan pengawasan pemeriksaan audit inspeksi monitoring penilaian
indikator indeks survei kepuasan pengaduan keluhan saran masukan aspirasi
rapat koordinasi sosialisasi penyuluhan pelatihan bimbingan pendampingan
pembinaan partisipasi kerja sama kemitraan swasta lembaga organisasi instansi
satuan unit tim panitia kelompok anggota ketua sekretaris bendahara kepala camat
lurah sekretariat badan inspektorat kecamatan kelurahan dusun rukun tetangga
lingkungan hidup sampah limbah pencemaran udara tanah hutan sungai bencana
banjir longsor kebakaran kekeringan gempa angin darurat tanggap siaga evakuasi
pengungsi korban kerusakan kerugian bantuan sosial miskin kemiskinan penerima
manfaat kartu jaminan perlindungan disabilitas lansia yatim terlantar gizi
penyakit menular wabah pencegahan pengendalian penanganan pengobatan rujukan
ambulans keamanan ketertiban ketenteraman hukum pelanggaran sanksi denda
razia patroli pengamanan kendaraan angkutan transportasi terminal parkir
perhubungan komunikasi teknologi digital aplikasi sistem elektronik jaringan
internet berita pengumuman siaran pers publikasi arsip kearsipan perpustakaan
buku bacaan budaya kebudayaan kesenian tradisi adat wisata pariwisata
wisatawan destinasi promosi festival olahraga atlet prestasi lomba juara
penghargaan piagam sertifikat keputusan edaran instruksi nota disposisi naskah
kebijakan strategi arah prioritas isu strategis permasalahan tantangan peluang
potensi kekuatan kelemahan analisis kajian penelitian pengembangan inovasi
terobosan percepatan efisiensi efektivitas akuntabilitas transparansi
integritas reformasi birokrasi aparatur sipil negara pegawai karyawan tenaga
honorer formasi seleksi rekrutmen pengangkatan mutasi jabatan fungsional
struktural eselon golongan pangkat gaji tunjangan honorarium perjalanan
akomodasi konsumsi pengadaan barang jasa penyedia kontrak adendum termin
pembayaran uang muka serah terima pekerjaan konstruksi pengawas konsultan
perencana gambar teknis spesifikasi volume perkiraan pagu rekening kode akun
neraca aset kewajiban ekuitas piutang utang persediaan penyusutan kas pembantu
pertanggungjawaban bukti kuitansi faktur pembelian penjualan lelang hibah
bansos subsidi insentif stimulan alokasi transfer pusat provinsi jawa tengah
nasional kementerian gubernur wakil asisten staf ahli dewan perwakilan rakyat
fraksi komisi paripurna sidang persetujuan penetapan pengesahan rancangan
akademik harmonisasi pasal ayat huruf lampiran nomor triwulan semester bulanan
tahunan periode berkala rahasia pribadi terbuka tertutup uji konsekuensi
kepentingan umum keberatan sengketa permohonan pemohon jawaban tanggapan
pemberitahuan tertulis salinan rekaman cetak format ukuran halaman lembar
berkas penyimpanan retensi musnah permanen inaktif aktif vital klasifikasi
daftar register agenda catatan notulen acara resume ringkasan rangkuman
ikhtisar profil struktur tugas pokok fungsi visi misi motto maklumat standar
operasional prosedur alur mekanisme persyaratan syarat kelengkapan formulir
blanko isian verifikasi validasi pemutakhiran sinkronisasi integrasi
interoperabilitas siber server pusat tata kelola manajemen risiko
pengendalian intern kepatuhan temuan rekomendasi tindak lanjut pemulihan
rehabilitasi rekonstruksi relokasi hunian sementara tetap layak huni
permukiman perumahan kawasan kumuh kota perkotaan perdesaan pedesaan dataran
tinggi rendah lereng gunung bukit lembah mata air embung bendungan waduk
irigasi saluran drainase gorong talud jembatan jalan aspal beton paving
rabat kerikil pasir semen besi baja kayu bambu genteng atap dinding lantai
pintu jendela halaman pagar taman pohon tanaman bunga buah sayur padi jagung
kedelai ketela singkong ubi kacang kopi teh kelapa cengkeh lada vanili
durian manggis nanas pisang pepaya jeruk salak rambutan alpukat jambu
mangga semangka melon tomat cabai bawang kentang wortel kubis sawi bayam
kangkung terong timun labu gula madu susu telur daging ayam bebek kambing
sapi kerbau domba kelinci ikan lele nila gurami mas patin udang kepiting
tambak jaring perahu pelabuhan dermaga bandara stasiun halte trotoar lampu
rambu marka zebra simpang bundaran tikungan tanjakan turunan ruas segmen
kilometer meter hektare ton kuintal liter unit paket buah orang jiwa kepala
rumah tangga kartu identitas akta kelahiran kematian perkawinan perceraian
pindah datang domisili alamat kode pos telepon surel faksimile laman portal
dasbor grafik tabel diagram peta citra satelit koordinat titik batas
wilayah administrasi luas topografi geologi hidrologi klimatologi curah hujan
suhu kelembapan musim kemarau penghujan cuaca iklim emisi karbon energi
terbarukan listrik surya angin biomassa bahan bakar minyak gas elpiji tabung
subsidi distribusi pangkalan agen stok pasokan permintaan inflasi deflasi
pertumbuhan ekonomi produk domestik regional bruto pengangguran angkatan
partisipasi sekolah melek huruf harapan hidup kematian bayi ibu melahirkan
persalinan nifas menyusui asi eksklusif imunisasi lengkap timbang tinggi
badan lingkar lengan kepala tumbuh kembang pengasuhan parenting paud
sekolah dasar menengah pertama atas kejuruan perguruan tinggi universitas
mahasiswa beasiswa bantuan operasional ruang kelas laboratorium sanggar
kurikulum merdeka belajar asesmen ujian kelulusan ijazah akreditasi
sertifikasi kompetensi keahlian keterampilan kewirausahaan magang praktik
lapangan studi banding kunjungan kerja pameran bazar expo gelar karya
apresiasi penganugerahan perlombaan kejuaraan turnamen pertandingan
pembukaan penutupan upacara peringatan hari jadi kemerdekaan pahlawan
kartini santri guru nasional sumpah pemuda kebangkitan lahir pancasila
ibadah masjid musala gereja pura vihara klenteng pondok pesantren madrasah
takmir ulama tokoh agama adat kepemudaan karang taruna pramuka kader
posyandu dasawisma pkk kader kesehatan relawan sukarelawan donor darah
palang merah pemadam damkar satpol linmas babinsa bhabinkamtibmas polres
kodim kejaksaan pengadilan negeri agama kantor pertanahan badan pusat
statistik bulog perum perumda bumd bumdes badan usaha milik desa swadaya
gotong royong kerja bakti jumat bersih minggu sehat car free day senam
jalan sehat sepeda santai lari maraton bola voli bulutangkis sepak futsal
renang pencak silat karate taekwondo catur tenis meja ke itu terhadap bagi
oleh serta agar guna sebagai telah akan dapat sudah belum juga maupun antara
setelah sebelum selama hingga sampai sejak melalui menurut mengenai tentang
apabila jika karena sehingga namun tetapi bahwa adapun yakni yaitu seluruh
setiap masing beberapa berbagai lainnya tertentu pertama kedua ketiga keempat
kelima tambahan perubahan pergeseran penyesuaian pengurangan penambahan
kenaikan penurunan selisih sisa lebih kurang silpa defisit surplus
pembiayaan penyertaan investasi obligasi cadangan darurat tak terduga
operasional modal pegawai hibah bunga cicilan angsuran tunggakan denda
keterlambatan percepatan penundaan pembatalan penghentian pemutusan
wanprestasi klaim ganti rugi asuransi garansi pemeliharaan masa retensi
"""

ADJECTIVES = """
baru lama besar kecil utama umum khusus lokal regional terpadu berkelanjutan
inklusif partisipatif responsif adaptif produktif kreatif mandiri sejahtera
sehat cerdas aman nyaman bersih hijau tertib lancar cepat tepat mudah murah
gratis prima optimal maksimal minimal wajar lengkap sah resmi valid akurat
mutakhir terkini strategis prioritas mendesak darurat rutin insidental
"""

VERBS = """
dilaksanakan disusun diserahkan disampaikan ditetapkan disetujui diajukan
diterbitkan diumumkan dipublikasikan dibagikan disalurkan diberikan diterima
dilaporkan dievaluasi diverifikasi divalidasi dipantau diawasi diperiksa
dibangun diperbaiki dipelihara ditingkatkan dikembangkan dikelola diatur
dibina didampingi dilatih disosialisasikan dikoordinasikan difasilitasi
direncanakan dianggarkan direalisasikan dibayarkan dicairkan dipertanggungjawabkan
menyusun menyampaikan menetapkan melaksanakan melaporkan mengevaluasi
memantau mengawasi membangun memperbaiki meningkatkan mengembangkan
mengelola membina mendampingi melatih menyalurkan memberikan menerima
mencatat mendata memverifikasi menindaklanjuti mengoordinasikan
"""

FIRST_NAMES = (
    "Agus Budi Cahyo Dwi Eko Fajar Gunawan Hadi Imam Joko Kusno Lukman Mulyono "
    "Nur Purwanto Rahmat Slamet Teguh Untung Wahyu Yuli Sri Endang Retno Tri Siti "
    "Dewi Rini Wulan Ratna Yuni Lestari Ani Kartika Puspita Sugeng Bambang Herman"
).split()
LAST_NAMES = (
    "Santoso Wibowo Prasetyo Nugroho Setiawan Hidayat Susanto Kurniawan Saputra "
    "Rahayu Wijaya Utomo Purnomo Hartono Sulistyo Handayani Kusumawati Rahmawati "
    "Pratama Firmansyah Suryanto Haryadi Sutrisno Widodo"
).split()
POSITIONS = [
    "Kepala Dinas", "Sekretaris", "Kepala Bidang", "Kepala Sub Bagian Umum",
    "Kepala Seksi", "Camat", "Lurah", "Direktur", "Kepala Badan", "Inspektur",
    "Kepala Satuan", "PPID Pelaksana",
]  # fmt: skip

# --- OPDs -------------------------------------------------------------------------

BASE_OPDS: list[tuple[str, str, str, str]] = [
    # (kind, name, short name, slug suffix)
    ("sekretariat", "Sekretariat Daerah", "Setda", "setda"),
    ("sekretariat", "Sekretariat DPRD", "Setwan", "setwan"),
    ("inspektorat", "Inspektorat Daerah", "Inspektorat", "inspektorat"),
    ("badan", "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah",
     "Bappelitbangda", "bappelitbangda"),
    ("badan", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM",
     "bkpsdm"),
    ("badan", "Badan Pengelolaan Keuangan dan Pendapatan Daerah", "BPKPD", "bpkpd"),
    ("badan", "Badan Penanggulangan Bencana Daerah", "BPBD", "bpbd"),
    ("badan", "Badan Kesatuan Bangsa dan Politik", "Kesbangpol", "kesbangpol"),
    ("dinas", "Dinas Pendidikan dan Kebudayaan", "Dindikbud", "dindikbud"),
    ("dinas", "Dinas Kesehatan", "Dinkes", "dinkes"),
    ("dinas", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", "dpupr"),
    ("dinas", "Dinas Perumahan dan Kawasan Permukiman", "Dinrumkim", "dinrumkim"),
    ("dinas", "Dinas Lingkungan Hidup", "DLH", "dlh"),
    ("dinas", "Dinas Sosial, Pengendalian Penduduk dan Keluarga Berencana",
     "Dinsosdalduk KB", "dinsosdalduk"),
    ("dinas", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3A", "dp3a"),
    ("dinas", "Dinas Kependudukan dan Pencatatan Sipil", "Dindukcapil",
     "dindukcapil"),
    ("dinas", "Dinas Pemberdayaan Masyarakat dan Desa", "Dinpermasdes",
     "dinpermasdes"),
    ("dinas", "Dinas Perhubungan", "Dinhub", "dinhub"),
    ("dinas", "Dinas Komunikasi dan Informatika", "Dinkominfo", "dinkominfo"),
    ("dinas", "Dinas Koperasi dan Usaha Kecil Menengah", "Dinkop UKM", "dinkopukm"),
    ("dinas", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP",
     "dpmptsp"),
    ("dinas", "Dinas Kepemudaan, Olahraga dan Pariwisata", "Dinporapar",
     "dinporapar"),
    ("dinas", "Dinas Arsip dan Perpustakaan", "Dinarpus", "dinarpus"),
    ("dinas", "Dinas Pertanian", "Dinpertan", "dinpertan"),
    ("dinas", "Dinas Ketahanan Pangan dan Perikanan", "Dinkanlut", "dinkanlut"),
    ("dinas", "Dinas Perindustrian dan Perdagangan", "Dinperindag", "dinperindag"),
    ("dinas", "Dinas Tenaga Kerja dan Transmigrasi", "Dinnakertrans",
     "dinnakertrans"),
    ("satpol", "Satuan Polisi Pamong Praja", "Satpol PP", "satpolpp"),
    ("rsud", "RSUD dr. R. Goeteng Taroenadibrata", "RSUD Goeteng", "rsud-goeteng"),
    ("rsud", "RSUD Panti Nugroho", "RSUD Panti Nugroho", "rsud-panti-nugroho"),
    *[
        ("kecamatan", "Kecamatan {}".format(k), "Kec. {}".format(k),
         "kecamatan-{}".format(k.lower()))
        for k in KECAMATAN_VILLAGES
    ],
    *[
        ("kelurahan", "Kelurahan {}".format(k), "Kel. {}".format(k),
         "kelurahan-{}".format(k.lower().replace(" ", "-")))
        for k in (
            "Bancar", "Bojong", "Kandanggampang", "Kedungmenjangan",
            "Penambongan", "Purbalingga Kidul", "Purbalingga Kulon",
            "Purbalingga Lor", "Purbalingga Wetan", "Wirasana", "Kembaran Kulon",
            "Karangmanyar", "Kalikabong",
        )
    ],
]  # fmt: skip

KIND_WEIGHT = {
    "sekretariat": 2.0,
    "inspektorat": 1.0,
    "badan": 2.0,
    "dinas": 3.0,
    "satpol": 1.0,
    "rsud": 2.0,
    "kecamatan": 1.0,
    "kelurahan": 0.5,
}

# --- Query lists ------------------------------------------------------------------

# At most 0.5 % of the items each (checked when seeding and by the benchmark).
SELECTIVE_QUERIES = [
    # Villages, spread evenly over the items.
    "Limbasari", "Tlagayasa", "Candiwulan", "Karangjengkol", "Onje",
    "Pagerandong", "Kutabawa", "Siwarak", "Metenggeng", "Kajongan",
    "Toyareka", "Plumutan", "Panusupan", "Selakambang", "Kedungwuluh",
    "Jambudesa", "Tunjungmuli", "Nangkasawit", "Mipiran", "Karangjoho",
    # Objects named in about one title of three hundred.
    "rabies", "antraks", "owabong", "knalpot", "stroberi", "kapulaga",
    # Two words together.
    "jembatan Sidanegara", "posyandu Wirasaba", "irigasi Sinduraja",
    "dana desa Gumiwang",
]  # fmt: skip

# At least 20 % of the items each.
BROAD_QUERIES = [
    "kegiatan",
    "masyarakat",
    "pemerintah daerah",
    "kabupaten purbalingga",
    "pelayanan",
    "program",
    "anggaran",
    "laporan",
    "informasi publik",
    "data",
]

SELECTIVE_MAX_SHARE = 0.005
BROAD_MIN_SHARE = 0.20


def vocabulary() -> set[str]:
    """Every distinct lower-case word the generator can write."""
    words: set[str] = set()
    texts = [GENERAL_WORDS, ADJECTIVES, VERBS, " ".join(MONTHS)]
    texts += [name for name, _ in DOC_TYPES] + ACTIVITIES + OBJECTS
    texts += list(KECAMATAN_VILLAGES) + [
        v for villages in KECAMATAN_VILLAGES.values() for v in villages
    ]
    texts += [name for _, name, _, _ in BASE_OPDS] + SUMMARY_TEMPLATES
    for text in texts:
        for word in text.replace("{", " ").replace("}", " ").split():
            word = word.strip(".,;:()").lower()
            if word.isalpha() or "-" in word:
                words.add(word)
    return words


SUMMARY_TEMPLATES = [
    "Dokumen ini memuat {what} {place} yang disusun oleh {opd} untuk {period}.",
    "Informasi mengenai {what} {place} sebagai bagian dari program kerja {opd}.",
    "Ringkasan {what} {place}, termasuk capaian kinerja dan realisasi anggaran "
    "{period}.",
    "{opd} menyampaikan {what} {place} kepada masyarakat sebagai wujud "
    "keterbukaan informasi publik.",
    "Data {what} {place} yang dihimpun dari laporan kegiatan {opd} pada {period}.",
    "Pelaksanaan {what} {place} dilakukan melalui koordinasi dengan pemerintah "
    "desa dan pemangku kepentingan.",
    "Rincian {what} {place} meliputi lokasi, volume, nilai kontrak dan jadwal "
    "pekerjaan {period}.",
    "Hasil {what} {place} menjadi bahan penyusunan kebijakan {opd} berikutnya.",
]


def match_counts(queries: Sequence[str]) -> dict[str, int]:
    """Public items whose search vector matches each query.

    Counted with the catalogue's own query parsing (stems, synonyms) but
    without its ranking or candidate cap, so the count is every match.
    """
    public = InformationItem.objects.public().order_by()
    counts = {}
    for q in queries:
        counts[q] = public.filter(match_q(parse_query(q).clauses)).count()
    return counts


def _bump_catalogue_version() -> None:
    try:
        from ppid.catalogue.cache import bump_catalogue_version
    except ImportError:  # a portal without the page cache
        return
    bump_catalogue_version()


# --- Generation -------------------------------------------------------------------


@dataclass(frozen=True)
class BenchOpd:
    pk: int
    name: str
    kind: str
    kecamatan: str | None


class TextGenerator:
    """Deterministic Indonesian catalogue text from a seeded RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.filler = list(dict.fromkeys(GENERAL_WORDS.split()))
        zipf = [1.0 / (rank + 1) for rank in range(len(self.filler))]
        self.filler_cum = list(accumulate(zipf))
        self.adjectives = ADJECTIVES.split()
        self.verbs = VERBS.split()
        self.doc_types = [d for d, _ in DOC_TYPES]
        self.doc_cum = list(accumulate(w for _, w in DOC_TYPES))
        self.villages = [
            (v, k) for k, villages in KECAMATAN_VILLAGES.items() for v in villages
        ]

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.filler, cum_weights=self.filler_cum, k=n)

    def sentence(self) -> str:
        rng = self.rng
        words = self.words(rng.randint(6, 12))
        words.insert(rng.randint(1, len(words)), rng.choice(self.verbs))
        if rng.random() < 0.5:
            words.insert(rng.randint(1, len(words)), rng.choice(self.adjectives))
        return " ".join(words).capitalize() + "."

    def place(self, opd: BenchOpd) -> tuple[str, str, str | None]:
        """(phrase, place made, village or None)."""
        rng = self.rng
        roll = rng.random()
        if opd.kecamatan and roll < 0.6:
            village = rng.choice(KECAMATAN_VILLAGES[opd.kecamatan])
            kec = opd.kecamatan
        elif roll < 0.4:
            village, kec = rng.choice(self.villages)
        else:
            village = None
            kec = opd.kecamatan or rng.choice(list(KECAMATAN_VILLAGES))
        if village:
            return "Desa {} Kecamatan {}".format(village, kec), village, village
        if rng.random() < 0.5:
            return "Kecamatan {}".format(kec), kec, None
        return "Kabupaten Purbalingga", "Purbalingga", None

    def item_text(
        self, opd: BenchOpd, year: int, period: str
    ) -> tuple[str, str, str, str]:
        """(title, summary, extracted text, place made)."""
        rng = self.rng
        doc = rng.choices(self.doc_types, cum_weights=self.doc_cum)[0]
        activity = rng.choice(ACTIVITIES)
        obj = rng.choice(OBJECTS)
        place, made_at, _village = self.place(opd)
        what = "{} {}".format(activity, obj).lower()
        when = "{} tahun {}".format(period, year) if period else "tahun {}".format(year)
        title = "{} {} {} {} {}".format(doc, activity, obj, place, when.title())
        if rng.random() < 0.35:
            title = "{} {} {}".format(doc, obj, when.title())
            if place != "Kabupaten Purbalingga":
                title = "{} {} {} {}".format(doc, obj, place, when.title())
        title = " ".join(title.split())[:300]
        template = rng.choice(SUMMARY_TEMPLATES)
        first = template.format(what=what, place=place, opd=opd.name, period=when)
        sentences = [first[0].upper() + first[1:]]
        sentences += [self.sentence() for _ in range(rng.randint(2, 4))]
        summary = " ".join(sentences)
        extracted = ""
        if rng.random() < 0.35:
            body = [title + "."] + [self.sentence() for _ in range(rng.randint(6, 18))]
            extracted = "\n".join(body)
        return title, summary, extracted, made_at


def _copy_value(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    return (
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


COPY_COLUMNS = [
    "opd_id", "title", "summary", "category", "subtype_id",
    "responsible_official", "made_on", "made_at_place", "format",
    "retention_period", "year", "period", "external_url", "status",
    "event_occurred_at", "last_updated_at", "submitted_at", "published_at",
    "withdrawn_at", "created_at", "updated_at", "extracted_text",
]  # fmt: skip


class Command(BaseCommand):
    help = "Seed a large synthetic catalogue for benchmarks (PostgreSQL only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--items", type=int, default=100_000)
        parser.add_argument("--opds", type=int, default=60)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench/seed_catalogue.py needs PostgreSQL.")
        n_items, n_opds = options["items"], options["opds"]
        if n_items < 1 or n_opds < 1:
            raise CommandError("--items and --opds must be positive.")
        rng = random.Random(options["seed"])  # nosec B311 # synthetic data, not a secret
        started = time.monotonic()
        with transaction.atomic():
            wiped = self.wipe()
            opds = self.create_opds(n_opds)
            self.copy_items(rng, opds, n_items)
            load_s = time.monotonic() - started
            refresh_search_vectors(
                InformationItem.objects.filter(opd_id__in=[o.pk for o in opds])
            )
            # Rows written behind the services' back: make any cached public
            # page stale, as a change through the services would.
            _bump_catalogue_version()
        vectors_s = time.monotonic() - started - load_s
        # VACUUM cannot run inside a transaction block; the command runs in
        # autocommit once the atomic block above has committed.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE ppid_informationitem")
            cursor.execute("VACUUM ANALYZE opds_opd")
        self.report(wiped, opds, n_items, load_s, vectors_s, started)

    def wipe(self) -> int:
        """Delete earlier bench rows; returns how many items went."""
        opd_ids = list(
            Opd.objects.filter(slug__startswith=SLUG_PREFIX).values_list(
                "pk", flat=True
            )
        )
        if not opd_ids:
            return 0
        with connection.cursor() as cursor:
            # Whatever points at the bench items goes first (files, change
            # log, exclusion decisions); raw SQL because the ORM would load
            # every item to cascade.
            cursor.execute(
                """
                SELECT c.conrelid::regclass::text, a.attname
                FROM pg_constraint c
                JOIN pg_attribute a
                  ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.contype = 'f'
                  AND c.confrelid = 'ppid_informationitem'::regclass
                """
            )
            for table, column in cursor.fetchall():
                cursor.execute(
                    'DELETE FROM {} WHERE "{}" IN (SELECT id FROM '  # nosec B608 # names from pg_constraint
                    "ppid_informationitem WHERE opd_id = ANY(%s))".format(
                        table, column
                    ),
                    [opd_ids],
                )
            cursor.execute(
                "DELETE FROM ppid_informationitem WHERE opd_id = ANY(%s)", [opd_ids]
            )
            deleted = cursor.rowcount
        Opd.objects.filter(pk__in=opd_ids, parent__isnull=False).delete()
        Opd.objects.filter(pk__in=opd_ids).delete()
        return deleted

    def create_opds(self, n: int) -> list[BenchOpd]:
        specs = list(BASE_OPDS[:n])
        for i in range(len(specs), n):
            specs.append(
                (
                    "badan",
                    "Unit Pelaksana Teknis {}".format(i + 1),
                    "UPT {}".format(i + 1),
                    "upt-{}".format(i + 1),
                )
            )
        created = Opd.objects.bulk_create(
            Opd(
                kind=kind,
                name=name,
                short_name=short,
                slug=SLUG_PREFIX + suffix,
                address="Purbalingga, Jawa Tengah",
            )
            for kind, name, short, suffix in specs
        )
        by_slug = {o.slug: o for o in created}
        parent = by_slug.get(SLUG_PREFIX + "kecamatan-purbalingga")
        if parent:
            kelurahan = [o for o in created if o.kind == Opd.Kind.KELURAHAN]
            for o in kelurahan:
                o.parent = parent
            Opd.objects.bulk_update(kelurahan, ["parent"])
        result = []
        for o in created:
            kec = None
            if o.kind == Opd.Kind.KECAMATAN:
                kec = o.name.removeprefix("Kecamatan ")
            elif o.kind == Opd.Kind.KELURAHAN:
                kec = "Purbalingga"
            result.append(BenchOpd(o.pk, o.name, o.kind, kec))
        return result

    def copy_items(self, rng: random.Random, opds: list[BenchOpd], n: int) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg2 cursor under Django's wrapper
            sql = "COPY ppid_informationitem ({}) FROM STDIN".format(
                ", ".join(COPY_COLUMNS)
            )
            for start in range(0, n, COPY_BATCH):
                count = min(COPY_BATCH, n - start)
                buffer = io.StringIO()
                for row in self.rows(rng, opds, count):
                    buffer.write("\t".join(_copy_value(v) for v in row))
                    buffer.write("\n")
                buffer.seek(0)
                raw.copy_expert(sql, buffer)

    def rows(
        self, rng: random.Random, opds: list[BenchOpd], n: int
    ) -> Iterator[list[Any]]:
        if not hasattr(self, "_gen"):
            self._gen = TextGenerator(rng)
            self._opd_cum = list(accumulate(KIND_WEIGHT[o.kind] for o in opds))
            subtypes: dict[str, list[int]] = {}
            for pk, category in Subtype.objects.values_list("pk", "category"):
                subtypes.setdefault(category, []).append(pk)
            self._subtypes = subtypes
            self._now = timezone.now()
        gen, now = self._gen, self._now
        start = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
        span = (now - start).total_seconds() - 86_400
        categories = [
            Category.BERKALA,
            Category.SETIAP_SAAT,
            Category.SERTA_MERTA,
            Category.DIKECUALIKAN,
        ]
        category_cum = [55, 85, 95, 100]
        statuses = ["published", "draft", "submitted", "withdrawn"]
        status_cum = [90, 94, 97, 100]
        formats = ["softcopy", "hardcopy", "both"]
        for _ in range(n):
            opd = rng.choices(opds, cum_weights=self._opd_cum)[0]
            category = rng.choices(categories, cum_weights=category_cum)[0]
            status = rng.choices(statuses, cum_weights=status_cum)[0]
            created = start + datetime.timedelta(seconds=rng.random() * span)
            published = submitted = withdrawn = None
            if status in ("published", "withdrawn", "submitted"):
                submitted = created + datetime.timedelta(hours=rng.randint(1, 96))
            if status in ("published", "withdrawn"):
                published = submitted + datetime.timedelta(hours=rng.randint(1, 72))
                published = min(published, now)
            if status == "withdrawn":
                withdrawn = min(published + datetime.timedelta(days=30), now)
            made_on = (created - datetime.timedelta(days=rng.randint(0, 60))).date()
            year = made_on.year
            period = ""
            if category == Category.BERKALA:
                period = rng.choice(
                    [
                        "Semester I",
                        "Semester II",
                        "Triwulan I",
                        "Triwulan II",
                        "Triwulan III",
                        "Triwulan IV",
                        "Bulan " + rng.choice(MONTHS),
                        "",
                    ]
                )
            event = None
            if category == Category.SERTA_MERTA:
                event = created - datetime.timedelta(hours=rng.randint(1, 48))
            subtype = None
            if category != Category.DIKECUALIKAN:
                subtype = rng.choice(self._subtypes[category])
            title, summary, extracted, made_at = gen.item_text(opd, year, period)
            official = "{} {} {}".format(
                rng.choice(POSITIONS), rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            )
            updated = max(x for x in (created, submitted, published, withdrawn) if x)
            yield [
                opd.pk,
                title,
                summary,
                category,
                subtype,
                official,
                made_on,
                made_at,
                rng.choice(formats),
                rng.choice(["2 tahun", "5 tahun", "10 tahun", "Permanen"]),
                year,
                period,
                "",
                status,
                event,
                published or created,
                submitted,
                published,
                withdrawn,
                created,
                updated,
                extracted,
            ]

    def report(
        self,
        wiped: int,
        opds: list[BenchOpd],
        n_items: int,
        load_s: float,
        vectors_s: float,
        started: float,
    ) -> None:
        out = self.stdout
        items = InformationItem.objects.filter(opd_id__in=[o.pk for o in opds])
        out.write("Removed {} earlier bench items.".format(wiped))
        out.write(
            "Created {} OPDs and {} items: COPY {:.1f}s, search vectors {:.1f}s, "
            "total {:.1f}s.".format(
                len(opds), n_items, load_s, vectors_s, time.monotonic() - started
            )
        )
        rows = (
            items.order_by()
            .values_list("category")
            .annotate(n=Count("id"))
            .order_by("category")
        )
        out.write("By category: " + ", ".join("{}={}".format(c, n) for c, n in rows))
        out.write("Public items: {}".format(InformationItem.objects.public().count()))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM ts_stat('SELECT search_vector FROM "
                "ppid_informationitem')"
            )
            lexemes = cursor.fetchone()[0]
        out.write(
            "Vocabulary: {} distinct words in the generator, {} distinct "
            "lexemes in the search vectors.".format(len(vocabulary()), lexemes)
        )
        for label, queries, check in (
            ("Selective", SELECTIVE_QUERIES, lambda s: s <= SELECTIVE_MAX_SHARE),
            ("Broad", BROAD_QUERIES, lambda s: s >= BROAD_MIN_SHARE),
        ):
            out.write("{} queries (matches among public items):".format(label))
            for q, count in match_counts(queries).items():
                share = count / n_items
                flag = "ok" if check(share) and count > 0 else "OUT OF CLASS"
                out.write(
                    "  {:<28} {:>7} {:>7.3f}%  {}".format(q, count, share * 100, flag)
                )


if __name__ == "__main__":
    import sys

    from django.core.management import call_command

    call_command(Command(), *sys.argv[1:])
