"""Infographic benchmark: drawing time and memory per kind and size.

Run from the project root::

    .venv/bin/python bench/infographics.py [--repeats 30]
    .venv/bin/python bench/infographics.py --samples docs/infographics

(``--samples DIR`` only writes the README's sample images and measures nothing.)

Each kind runs in its own Python process (so one kind's memory does not
hide in another's): it sets Django up, draws each size once cold (fonts not
yet loaded), then ``--repeats`` times warm, and reports the median and p95
of ``socialposts.infographics.engine.render`` (validation, layout, drawing, PNG
encoding and alt text: everything the API does for one image), the PNG
size, the peak of Python allocations during one render (tracemalloc) and
the growth of the process's peak RSS over its size before the first render
(``resource.getrusage``; Pillow's image buffers are not seen by
tracemalloc). The data are heavy but valid for every size: a 12-row chart,
a 10-step flow, ten ranked OPDs, long Indonesian titles and an OPD logo.

Targets (issue 9): median ≤ 300 ms and ≤ 100 MB for any kind and size.
Exit status 0 when they pass, 1 when one fails.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess  # nosec B404 # runs this script again, one process per kind
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 300
TARGET_MB = 100
URL = "https://ppid.purbalingga.go.id/informasi/1234/"


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _logo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.radial_gradient("L").convert("RGB").resize((400, 400)).save(buffer, "PNG")
    return buffer.getvalue()


def heavy_data(kind: str) -> dict:
    """Data near the limits that every size still accepts."""
    title = (
        "Laporan Pertanggungjawaban Penyelenggaraan Pelayanan Informasi Publik "
        "dan Ketenagakerjaan Kabupaten Purbalingga Tahun Anggaran 2026"
    )
    opd = "Rumah Sakit Umum Daerah dr. R. Goeteng Taroenadibrata Purbalingga"
    common = {"url": URL, "logo": _logo(), "opd_name": opd}
    if kind == "item_card":
        return dict(
            common,
            title=title,
            category="Informasi yang wajib disediakan dan diumumkan secara berkala",
            summary=" ".join(
                ["Ringkasan realisasi pendapatan dan belanja daerah."] * 20
            ),
            where="Unduh di portal atau minta salinan di meja PPID, Jl. Jenderal "
            "Sudirman No. 1, Purbalingga, pada hari dan jam kerja.",
        )
    if kind == "service_flow":
        steps = [
            {
                "title": f"Langkah {i + 1}: verifikasi berkas",
                "text": "Tunjukkan KTP, kartu BPJS dan surat rujukan di loket.",
            }
            for i in range(10)
        ]
        return dict(common, title=title, steps=steps)
    if kind == "data_chart":
        rows = [
            {"label": f"Kelas {i + 1}", "value": 1234.5 * (i - 3)} for i in range(12)
        ]
        return dict(
            common,
            title=title,
            chart="bar",
            unit="tempat tidur",
            rows=rows,
            source="SIMRS RSUD, 26 November 2026",
        )
    if kind == "kip_card":
        return dict(
            common,
            month_label="Oktober 2026",
            score=87.46,
            band_label="Menuju informatif",
            change=-2.25,
        )
    rows = [
        {
            "rank": i + 1,
            "opd_name": "Dinas Sosial, Pengendalian Penduduk dan Keluarga Berencana",
            "score": 95 - i * 2.5,
            "band_label": "Menuju informatif",
        }
        for i in range(10)
    ]
    return dict(common, month_label="Oktober 2026", rows=rows)


SAMPLES = {
    "item_card_portrait.png": (
        "item_card",
        "portrait",
        {
            "title": "Laporan Realisasi Anggaran Dinas Kesehatan Tahun 2025",
            "category": "Informasi berkala",
            "opd_name": "Dinas Kesehatan",
            "summary": "Realisasi pendapatan, belanja dan pembiayaan Dinas Kesehatan "
            "selama tahun anggaran 2025, dengan catatan atas laporan keuangan.",
            "where": "Unduh di portal, atau minta salinan di meja PPID Dinas "
            "Kesehatan pada hari dan jam kerja.",
        },
    ),
    "service_flow_square.png": (
        "service_flow",
        "square",
        {
            "title": "Alur Pendaftaran Pasien Rawat Jalan",
            "opd_name": "RSUD dr. R. Goeteng Taroenadibrata",
            "steps": [
                {
                    "title": "Ambil nomor antrean",
                    "text": "Di anjungan mandiri "
                    "atau lewat aplikasi Mobile JKN sebelum datang.",
                },
                {
                    "title": "Verifikasi berkas",
                    "text": "Tunjukkan KTP, kartu "
                    "BPJS dan surat rujukan di loket pendaftaran.",
                },
                {
                    "title": "Pemeriksaan dokter",
                    "text": "Tunggu panggilan di ruang tunggu poliklinik tujuan.",
                },
                {
                    "title": "Ambil obat",
                    "text": "Serahkan resep di instalasi farmasi rawat jalan.",
                },
            ],
        },
    ),
    "data_chart_story.png": (
        "data_chart",
        "story",
        {
            "title": "Tempat Tidur Kosong per Kelas Hari Ini",
            "opd_name": "RSUD dr. R. Goeteng Taroenadibrata",
            "chart": "bar",
            "unit": "tempat tidur",
            "csv": "Kelas,Kosong\nVIP,2\nKelas I,5\nKelas II,9\nKelas III,14\n"
            "ICU,1\nHCU,2\nIsolasi,4\nPerinatologi,3\n",
            "source": "SIMRS RSUD, 26 November 2026 pukul 08.00",
        },
    ),
    "kip_card_portrait.png": (
        "kip_card",
        "portrait",
        {
            "opd_name": "Dinas Kependudukan dan Pencatatan Sipil",
            "month_label": "Oktober 2026",
            "score": 87.46,
            "band_label": "Menuju informatif",
            "change": 3.5,
        },
    ),
    "ranking_card_portrait.png": (
        "ranking_card",
        "portrait",
        {
            "month_label": "Oktober 2026",
            "rows": [
                {"rank": i + 1, "opd_name": name, "score": score, "band_label": band}
                for i, (name, score, band) in enumerate(
                    [
                        ("Dinas Komunikasi dan Informatika", 96.2, "Informatif"),
                        ("Dinas Kesehatan", 93.75, "Informatif"),
                        ("RSUD dr. R. Goeteng Taroenadibrata", 91.1, "Informatif"),
                        ("Kecamatan Bukateja", 88.4, "Menuju informatif"),
                        ("Dinas Pendidikan dan Kebudayaan", 85.05, "Menuju informatif"),
                        ("Sekretariat Daerah", 82.5, "Menuju informatif"),
                        ("Kecamatan Kutasari", 79.9, "Menuju informatif"),
                        (
                            "Dinas Sosial, Pengendalian Penduduk dan KB",
                            74.3,
                            "Menuju informatif",
                        ),
                        ("Kecamatan Rembang", 68.15, "Cukup informatif"),
                        ("Inspektorat Daerah", 61.0, "Cukup informatif"),
                    ]
                )
            ],
        },
    ),
}


def write_samples(folder: Path) -> None:
    """The README's sample images, drawn from demo-like data."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "True")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from socialposts.infographics.engine import render

    folder.mkdir(parents=True, exist_ok=True)
    for name, (kind, size, data) in SAMPLES.items():
        rendered = render(kind, size, dict(data, url=URL))
        (folder / name).write_bytes(rendered.png)
        print(f"{folder / name}: {len(rendered.png) // 1024} KB")


def child(kind: str, repeats: int) -> dict:
    """Measure one kind in this process and return the figures."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "True")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from socialposts.infographics.engine import Size, render

    data = heavy_data(kind)
    baseline = _rss_mb()
    results = {}
    for size in Size.values:
        started = time.perf_counter()
        render(kind, size, data)
        cold = (time.perf_counter() - started) * 1000
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            rendered = render(kind, size, data)
            times.append((time.perf_counter() - started) * 1000)
        tracemalloc.start()
        render(kind, size, data)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        times.sort()
        results[size] = {
            "cold_ms": cold,
            "median_ms": statistics.median(times),
            "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
            "png_kb": len(rendered.png) / 1024,
            "py_peak_mb": peak / 2**20,
        }
    return {
        "kind": kind,
        "sizes": results,
        "rss_before_mb": baseline,
        "rss_growth_mb": _peak_rss_mb() - baseline,
        "peak_rss_mb": _peak_rss_mb(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--samples", type=Path, help="write sample PNGs there")
    args = parser.parse_args()
    if args.samples:
        write_samples(args.samples)
        return 0
    if args.child:
        print(json.dumps(child(args.child, args.repeats)))
        return 0

    kinds = ["item_card", "service_flow", "data_chart", "kip_card", "ranking_card"]
    load_before = os.getloadavg()
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}"
    )
    print(f"{args.repeats} warm renders per kind and size, one process per kind\n")
    header = (
        f"{'kind':<14} {'size':<9} {'cold ms':>8} {'median ms':>10} {'p95 ms':>8} "
        f"{'PNG KB':>7} {'py peak MB':>11}"
    )
    print(header)
    print("-" * len(header))
    failed = False
    memory = []
    for kind in kinds:
        answer = subprocess.run(  # nosec B603 # our own interpreter and script
            [sys.executable, __file__, "--child", kind, "--repeats", str(args.repeats)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(answer.stdout.strip().splitlines()[-1])
        for size, row in figures["sizes"].items():
            over = row["median_ms"] > TARGET_MS or row["png_kb"] >= 1024
            failed |= over
            print(
                f"{kind:<14} {size:<9} {row['cold_ms']:>8.0f} {row['median_ms']:>10.0f} "
                f"{row['p95_ms']:>8.0f} {row['png_kb']:>7.0f} {row['py_peak_mb']:>11.1f}"
                + ("  OVER TARGET" if over else "")
            )
        memory.append(figures)
    print(
        f"\n{'kind':<14} {'RSS before MB':>14} {'RSS growth MB':>14} {'peak RSS MB':>12}"
    )
    for figures in memory:
        over = figures["rss_growth_mb"] > TARGET_MB
        failed |= over
        print(
            f"{figures['kind']:<14} {figures['rss_before_mb']:>14.0f} "
            f"{figures['rss_growth_mb']:>14.0f} {figures['peak_rss_mb']:>12.0f}"
            + ("  OVER TARGET" if over else "")
        )
    load_after = os.getloadavg()
    print(
        f"\nload average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}"
    )
    print(
        f"targets: median ≤ {TARGET_MS} ms, RSS growth ≤ {TARGET_MB} MB, PNG < 1 MB: "
        + ("FAILED" if failed else "met")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
