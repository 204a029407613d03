"""The infographic engine: sizes, PNG weight, text inside its boxes, the QR
code, refusals naming the field, and the alt text."""

from __future__ import annotations

import copy
import io
import tomllib
from pathlib import Path

import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from PIL import Image

from socialposts.infographics.engine import (
    DIMENSIONS,
    MAX_PNG_BYTES,
    Kind,
    Size,
    alt_text,
    layouts,
    render,
    text,
    validate,
)
from socialposts.infographics.engine.validation import clean

URL = "https://ppid.purbalingga.go.id/informasi/1234/"
ROOT = Path(__file__).resolve().parents[2]

LONG_WORDS = (
    "pertanggungjawaban ketenagakerjaan penyelenggaraan administrasi "
    "kependudukan keterbukaan informasi publik pemberdayaan masyarakat "
    "kesejahteraan perlindungan"
).split()


def words(limit: int, start: int = 0) -> str:
    """Indonesian words (long ones) up to ``limit`` characters."""
    out, index = "", start
    while True:
        candidate = (out + " " + LONG_WORDS[index % len(LONG_WORDS)]).strip()
        if len(candidate) > limit:
            return out
        out, index = candidate, index + 1


def a_logo() -> bytes:
    buffer = io.BytesIO()
    image = Image.radial_gradient("L").convert("RGB").resize((300, 300))
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def sample(kind: str) -> dict:
    """Realistic data for each kind."""
    if kind == Kind.ITEM_CARD:
        return {
            "title": "Laporan Realisasi Anggaran Dinas Kesehatan Tahun 2025",
            "category": "Informasi berkala",
            "opd_name": "Dinas Kesehatan",
            "summary": "Realisasi pendapatan dan belanja selama tahun anggaran 2025.",
            "where": "Unduh di portal atau minta di meja PPID Dinas Kesehatan.",
            "url": URL,
            "logo": a_logo(),
        }
    if kind == Kind.SERVICE_FLOW:
        return {
            "title": "Alur Pendaftaran Pasien Rawat Jalan",
            "opd_name": "RSUD dr. R. Goeteng Taroenadibrata",
            "steps": [
                {"title": "Ambil nomor antrean", "text": "Di anjungan mandiri."},
                {"title": "Verifikasi berkas", "text": "KTP, kartu BPJS, rujukan."},
                {"title": "Pemeriksaan", "text": "Di poliklinik tujuan."},
            ],
            "url": URL,
        }
    if kind == Kind.DATA_CHART:
        return {
            "title": "Tempat Tidur Kosong per Kelas",
            "opd_name": "RSUD dr. R. Goeteng Taroenadibrata",
            "chart": "bar",
            "unit": "tempat tidur",
            "rows": [
                {"label": "VIP", "value": 3},
                {"label": "Kelas I", "value": 7},
                {"label": "Kelas III", "value": 21},
            ],
            "source": "SIMRS",
            "url": URL,
        }
    if kind == Kind.KIP_CARD:
        return {
            "opd_name": "Dinas Kesehatan",
            "month_label": "Oktober 2026",
            "score": 87.45,
            "band_label": "Menuju informatif",
            "change": -1.5,
            "url": URL,
        }
    return {
        "month_label": "Oktober 2026",
        "rows": [
            {
                "rank": i + 1,
                "opd_name": f"Kecamatan {i}",
                "score": 90 - i,
                "band_label": "Informatif",
            }
            for i in range(10)
        ],
        "url": URL,
    }


def errors_of(kind, size, data) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        validate(kind, size, data)
    return caught.value.message_dict


# -- sizes and weight ----------------------------------------------------------------


@pytest.mark.parametrize("size", Size.values)
@pytest.mark.parametrize("kind", Kind.values)
def test_every_kind_and_size_is_a_png_of_its_dimensions_under_1_mb(kind, size):
    rendered = render(kind, size, sample(kind))

    image = Image.open(io.BytesIO(rendered.png))
    assert image.format == "PNG"
    assert image.size == DIMENSIONS[size] == (rendered.width, rendered.height)
    assert len(rendered.png) < MAX_PNG_BYTES
    assert rendered.text_boxes


def test_the_sizes_are_instagrams():
    assert DIMENSIONS == {
        "portrait": (1080, 1350),
        "square": (1080, 1080),
        "story": (1080, 1920),
    }


def worst_flow() -> dict:
    return {
        "title": words(300),
        "opd_name": words(200, 3),
        "steps": [
            {"title": words(60, i), "text": words(160, i + 1)} for i in range(10)
        ],
        "url": URL + "?" + "x" * 400,
        "logo": a_logo(),
    }


def worst_chart(chart: str) -> dict:
    return {
        "title": words(300),
        "opd_name": words(200),
        "chart": chart,
        "unit": "tempat tidur",
        "rows": [
            {"label": f"Kelas {i}", "value": 1234567.89 * (i + 1)} for i in range(12)
        ],
        "source": words(150),
        "url": URL,
        "logo": a_logo(),
    }


@pytest.mark.parametrize(
    "kind,data",
    [
        (Kind.SERVICE_FLOW, worst_flow()),
        (Kind.DATA_CHART, worst_chart("bar")),
        (Kind.DATA_CHART, worst_chart("line")),
    ],
)
def test_the_worst_cases_at_story_size_stay_under_1_mb(kind, data):
    rendered = render(kind, Size.STORY, data)

    assert len(rendered.png) < MAX_PNG_BYTES


# -- rendered bounds -----------------------------------------------------------------


def assert_text_inside(kind: str, size: str, data: dict):
    """Every line drawn lies inside the image and inside its region, and
    every field's words are the given words, whole, with … only at the end."""
    rendered = render(kind, size, data)
    plan = layouts.plan(kind, size, clean(kind, size, data))
    width, height = DIMENSIONS[size]
    lines = [(op, line) for op in plan.text_ops() for line in op.block.lines]
    assert [line for _op, line in lines] == [box[0] for box in rendered.text_boxes]
    for (op, line), (_text, (left, top, right, bottom)) in zip(
        lines, rendered.text_boxes, strict=True
    ):
        x0, y0, x1, y1 = op.region
        assert 0 <= left and 0 <= top and right <= width and bottom <= height, line
        assert x0 <= left and right <= x1, (op.name, line, op.region)
        assert y0 <= top and bottom <= y1, (op.name, line, op.region)
        assert right - left <= x1 - x0
    boxes = [box for _line, box in rendered.text_boxes]
    for index, (left, top, right, bottom) in enumerate(boxes):
        for other in boxes[index + 1 :]:
            overlap = min(right, other[2]) > max(left, other[0]) and min(
                bottom, other[3]
            ) > max(top, other[1])
            assert not overlap, (rendered.text_boxes[index], other)
    for op in plan.text_ops():
        given = _given(data, op.name)
        if given is not None:
            assert_whole_words(" ".join(op.block.lines), given)
    return rendered, plan


def _given(data: dict, name: str) -> str | None:
    if name in ("title", "summary", "where", "opd_name", "category"):
        return data.get(name)
    if name.startswith("steps["):
        index, part = name[len("steps[") :].split("].")
        return data["steps"][int(index)][part]
    return None


def assert_whole_words(drawn: str, given: str) -> None:
    drawn_words, given_words = drawn.split(), given.split()
    assert drawn_words, given
    assert len(drawn_words) <= len(given_words)
    assert all(text.ELLIPSIS not in word for word in drawn_words[:-1])
    *head, last = drawn_words
    assert head == given_words[: len(head)]
    target = given_words[len(head)]
    if last.endswith(text.ELLIPSIS):
        assert target.startswith(last[:-1]) and len(last) > 1
    else:
        assert last == target
        # Words missing at the end would need an ellipsis to say so.
        assert len(drawn_words) == len(given_words)


LONG_TITLE = words(300)


@pytest.mark.parametrize("size", Size.values)
def test_a_very_long_indonesian_title_is_shortened_with_an_ellipsis(size):
    data = dict(sample(Kind.ITEM_CARD), title=LONG_TITLE, opd_name=words(200, 2))
    data["summary"] = words(3000, 1)

    _rendered, plan = assert_text_inside(Kind.ITEM_CARD, size, data)

    title = next(op for op in plan.text_ops() if op.name == "title")
    assert title.block.lines[-1].endswith(text.ELLIPSIS)
    summary = next(op for op in plan.text_ops() if op.name == "summary")
    assert summary.block.lines[-1].endswith(text.ELLIPSIS)


@pytest.mark.parametrize("size", Size.values)
@pytest.mark.parametrize("kind", [Kind.SERVICE_FLOW, Kind.DATA_CHART])
def test_long_titles_of_flows_and_charts_stay_inside(kind, size):
    data = dict(sample(kind), title=LONG_TITLE, opd_name=words(200, 4))

    assert_text_inside(kind, size, data)


@pytest.mark.parametrize("size", Size.values)
def test_a_word_wider_than_the_image_is_cut_with_an_ellipsis(size):
    word = "Pertanggungjawabanpenyelenggaraanpemerintahandaerahkabupatenpurbalingga"
    data = dict(sample(Kind.ITEM_CARD), title=word + " 2025")

    _rendered, plan = assert_text_inside(Kind.ITEM_CARD, size, data)

    title = next(op for op in plan.text_ops() if op.name == "title")
    assert title.block.lines == (title.block.lines[0],)
    assert title.block.lines[0].endswith(text.ELLIPSIS)


def test_ten_steps_of_maximum_length_fit_the_story():
    rendered, plan = assert_text_inside(Kind.SERVICE_FLOW, Size.STORY, worst_flow())

    drawn = {op.name for op in plan.text_ops()}
    for index in range(10):
        assert {f"steps[{index}].title", f"steps[{index}].text"} <= drawn
    assert "10" in [line for line, _box in rendered.text_boxes]


@pytest.mark.parametrize("size", Size.values)
def test_ten_steps_of_ordinary_length_fit_every_size(size):
    data = dict(sample(Kind.SERVICE_FLOW), title=LONG_TITLE)
    data["steps"] = [
        {"title": words(30, i), "text": words(60, i + 2)} for i in range(10)
    ]

    assert_text_inside(Kind.SERVICE_FLOW, size, data)


@pytest.mark.parametrize("size", Size.values)
@pytest.mark.parametrize("chart", ["bar", "line"])
def test_twelve_rows_with_negative_values_stay_inside(size, chart):
    data = dict(sample(Kind.DATA_CHART), chart=chart)
    data["rows"] = [
        {"label": f"Bln {i + 1}", "value": (i - 5) * 1234.5} for i in range(12)
    ]

    rendered, _plan = assert_text_inside(Kind.DATA_CHART, size, data)

    assert len(rendered.png) < MAX_PNG_BYTES


@pytest.mark.parametrize("size", Size.values)
@pytest.mark.parametrize("chart", ["bar", "line"])
def test_the_longest_numbers_stay_inside(size, chart):
    data = chart_with(chart=chart, unit="rupiah")
    data["rows"] = [
        {"label": f"Bln {i + 1}", "value": (-1) ** i * 999_999_999_999.99}
        for i in range(12)
    ]

    assert_text_inside(Kind.DATA_CHART, size, data)


@pytest.mark.parametrize("size", Size.values)
def test_ranking_and_kip_cards_with_long_names_stay_inside(size):
    ranking = sample(Kind.RANKING_CARD)
    for row in ranking["rows"]:
        row["opd_name"] = words(200, row["rank"])
    assert_text_inside(Kind.RANKING_CARD, size, ranking)
    kip = dict(sample(Kind.KIP_CARD), opd_name=words(200), band_label=words(60))
    assert_text_inside(Kind.KIP_CARD, size, kip)


# -- QR code ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,size",
    [(kind, Size.SQUARE) for kind in Kind.values]
    + [(Kind.ITEM_CARD, Size.PORTRAIT), (Kind.ITEM_CARD, Size.STORY)],
)
def test_the_qr_code_decodes_to_the_url(kind, size):
    url = "https://ppid.purbalingga.go.id/informasi/%s/" % (len(kind) * 97)
    rendered = render(kind, size, dict(sample(kind), url=url))

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(rendered.png)))

    assert [code.text for code in found] == [url]


def test_a_long_url_still_decodes():
    url = URL + "?utm_source=instagram&utm_campaign=" + "a" * 300
    rendered = render(Kind.KIP_CARD, Size.SQUARE, dict(sample(Kind.KIP_CARD), url=url))

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(rendered.png)))

    assert [code.text for code in found] == [url]


# -- refusals ----------------------------------------------------------------------------


def flow_with(steps) -> dict:
    return dict(sample(Kind.SERVICE_FLOW), steps=steps)


def step(title="Langkah", text="Keterangan singkat"):
    return {"title": title, "text": text}


@pytest.mark.parametrize(
    "data,field",
    [
        (flow_with([step()] * 11), "steps"),
        (flow_with([step()]), "steps"),
        (flow_with([]), "steps"),
        (flow_with("not a list"), "steps"),
        (flow_with([step(), step(title="x" * 61)]), "steps[1].title"),
        (flow_with([step(), step(title="")]), "steps[1].title"),
        (flow_with([step(text="y" * 161), step()]), "steps[0].text"),
        (dict(sample(Kind.SERVICE_FLOW), title="  "), "title"),
        (dict(sample(Kind.SERVICE_FLOW), url="ftp://example.org/a"), "url"),
        (dict(sample(Kind.SERVICE_FLOW), url="ppid.purbalingga.go.id"), "url"),
        (dict(sample(Kind.SERVICE_FLOW), logo=b"not an image"), "logo"),
    ],
)
def test_bad_flows_are_refused_naming_the_field(data, field):
    assert field in errors_of(Kind.SERVICE_FLOW, Size.SQUARE, data)


def chart_with(**changes) -> dict:
    data = sample(Kind.DATA_CHART)
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "data,field",
    [
        (chart_with(rows=[{"label": "a", "value": 1}] * 13), "rows"),
        (chart_with(rows=[]), "rows"),
        (chart_with(rows=[{"label": "a", "value": "banyak"}]), "rows[0].value"),
        (chart_with(rows=[{"label": "a", "value": float("nan")}]), "rows[0].value"),
        (chart_with(rows=[{"label": "", "value": 1}]), "rows[0].label"),
        (chart_with(rows=None, csv="Kelas,Kamar\nVIP,3\nKelas I,tujuh\n"), "csv"),
        (chart_with(rows=None, csv="VIP;3;4\n"), "csv"),
        (chart_with(rows=None, csv="Kelas,Kamar\n"), "csv"),
        (
            chart_with(rows=None, csv="\n".join(f"K{i},{i}" for i in range(13))),
            "csv",
        ),
        (chart_with(csv="VIP,3"), "csv"),
        (chart_with(chart="pie"), "chart"),
        (chart_with(rows=[{"label": "a", "value": -1e12}]), "rows[0].value"),
        (chart_with(unit="u" * 31), "unit"),
    ],
)
def test_bad_charts_are_refused_naming_the_field(data, field):
    assert field in errors_of(Kind.DATA_CHART, Size.SQUARE, data)


def test_text_too_long_even_at_the_smallest_size_is_refused():
    # Ten steps of maximum length fit the story but not the square.
    assert "steps" in errors_of(Kind.SERVICE_FLOW, Size.SQUARE, worst_flow())
    one_word = "Pendaftaran" * 14  # 154 characters and no space
    data = flow_with([step(), step(text=one_word)])
    assert "steps[1].text" in errors_of(Kind.SERVICE_FLOW, Size.STORY, data)
    label = "Penyelenggaraan kesejahteraan sosial"
    data = chart_with(
        chart="line",
        rows=[{"label": label, "value": i} for i in range(12)],
    )
    assert "rows[0].label" in errors_of(Kind.DATA_CHART, Size.SQUARE, data)
    data = chart_with(chart="line", rows=None)
    data["csv"] = "\n".join(f"{label},{i}" for i in range(12))
    assert "csv" in errors_of(Kind.DATA_CHART, Size.SQUARE, data)


@pytest.mark.parametrize(
    "kind,size,field",
    [("poster", Size.SQUARE, "kind"), (Kind.KIP_CARD, "a4", "size")],
)
def test_unknown_kinds_and_sizes_are_refused(kind, size, field):
    assert field in errors_of(kind, size, sample(Kind.KIP_CARD))


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"score": 101}, "score"),
        ({"score": "tinggi"}, "score"),
        ({"score": None}, "score"),
        ({"change": "naik"}, "change"),
        ({"band_label": ""}, "band_label"),
    ],
)
def test_bad_kip_cards_are_refused(changes, field):
    data = dict(sample(Kind.KIP_CARD), **changes)
    assert field in errors_of(Kind.KIP_CARD, Size.SQUARE, data)


def test_bad_rankings_are_refused():
    data = sample(Kind.RANKING_CARD)
    data["rows"] = data["rows"] + [data["rows"][0]]
    assert "rows" in errors_of(Kind.RANKING_CARD, Size.SQUARE, data)
    data = sample(Kind.RANKING_CARD)
    data["rows"][2] = dict(data["rows"][2], rank=0, score=-3)
    errors = errors_of(Kind.RANKING_CARD, Size.SQUARE, data)
    assert {"rows[2].rank", "rows[2].score"} <= set(errors)


def test_validation_changes_nothing_in_the_data():
    data = worst_flow()
    before = copy.deepcopy(data)
    with pytest.raises(ValidationError):
        validate(Kind.SERVICE_FLOW, Size.SQUARE, data)
    assert data == before


# -- accepted data ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "csv_text",
    [
        "Kelas,Kamar kosong\nVIP,3\nKelas I,7\nKelas III,21\n",
        "VIP,3\r\nKelas I,7\r\nKelas III,21",
        "\ufeffKelas;Kamar\nVIP;3\nKelas I;7,0\nKelas III;21",
        'Kelas,Kamar\n"VIP",3\n"Kelas I",7\n"Kelas III","21"\n',
    ],
)
def test_a_csv_of_two_columns_becomes_the_rows(csv_text):
    data = chart_with(rows=None, csv=csv_text)

    cleaned = validate(Kind.DATA_CHART, Size.SQUARE, data)

    assert cleaned["rows"] == [
        {"label": "VIP", "value": 3.0},
        {"label": "Kelas I", "value": 7.0},
        {"label": "Kelas III", "value": 21.0},
    ]


def test_numbers_written_the_indonesian_way_are_read():
    data = chart_with(rows=None, csv="Bulan;Pengunjung\nJanuari;1.234,5\nFebruari;-2")

    cleaned = validate(Kind.DATA_CHART, Size.SQUARE, data)

    assert [row["value"] for row in cleaned["rows"]] == [1234.5, -2.0]


def test_text_is_cleaned_of_line_breaks():
    data = dict(sample(Kind.ITEM_CARD), title="  Laporan\n\nKeuangan\t2025 ")

    assert validate(Kind.ITEM_CARD, Size.SQUARE, data)["title"] == (
        "Laporan Keuangan 2025"
    )


# -- alt text ----------------------------------------------------------------------------


def test_the_alt_text_of_a_chart_has_every_label_and_value():
    data = chart_with(
        rows=[{"label": "VIP", "value": 3}, {"label": "ICU", "value": 1234.5}]
    )

    alt = render(Kind.DATA_CHART, Size.SQUARE, data).alt_text

    assert data["title"] in alt and data["opd_name"] in alt
    assert "VIP: 3" in alt and "ICU: 1.234,5" in alt
    assert alt == alt_text(Kind.DATA_CHART, data)
    assert alt.endswith(URL)


def test_the_alt_text_of_a_flow_numbers_every_step():
    data = sample(Kind.SERVICE_FLOW)

    alt = alt_text(Kind.SERVICE_FLOW, data)

    for number, item in enumerate(data["steps"], start=1):
        assert f"{number}. {item['title']}: {item['text']}" in alt
    assert alt.index("1. ") < alt.index("2. ") < alt.index("3. ")


def test_the_alt_text_of_cards_has_their_figures():
    kip = alt_text(Kind.KIP_CARD, sample(Kind.KIP_CARD))
    assert "87,45" in kip and "Menuju informatif" in kip and "1,50" in kip
    ranking = alt_text(Kind.RANKING_CARD, sample(Kind.RANKING_CARD))
    assert "1. Kecamatan 0: 90,00 (Informatif)" in ranking
    assert "10. Kecamatan 9: 81,00" in ranking
    item = sample(Kind.ITEM_CARD)
    alt = alt_text(Kind.ITEM_CARD, item)
    for key in ("title", "category", "opd_name", "summary", "where"):
        assert item[key] in alt


# -- the bundled font -------------------------------------------------------------------


def test_the_font_is_bundled_with_its_licence_and_packaged():
    for name in text.FONT_FILES.values():
        assert (text.FONT_DIR / name).stat().st_size > 100_000
    assert "Bitstream" in (text.FONT_DIR / "LICENSE").read_text()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    data = pyproject["tool"]["setuptools"]["package-data"][
        "socialposts.infographics.engine"
    ]
    assert "fonts/*.ttf" in data and "fonts/LICENSE" in data
    assert "segno" in " ".join(pyproject["project"]["dependencies"])


@pytest.mark.parametrize("kind", Kind.values)
def test_cleaned_data_cleans_to_itself_and_draws_the_same_image(kind):
    data = sample(kind)
    if kind == Kind.DATA_CHART:
        data = chart_with(rows=None, csv="Kelas;Kosong\nVIP;3\nKelas I;7,5")

    cleaned = validate(kind, Size.PORTRAIT, data)

    assert validate(kind, Size.PORTRAIT, cleaned) == cleaned
    assert render(kind, Size.PORTRAIT, cleaned).png == (
        render(kind, Size.PORTRAIT, data).png
    )


@pytest.mark.parametrize(
    ("url", "printed"),
    [
        ("http://127.0.0.1:8001/informasi/12/", "127.0.0.1:8001/informasi/12"),
        (
            "https://ppid.purbalingga.go.id/informasi/12/",
            "ppid.purbalingga.go.id/informasi/12",
        ),
    ],
)
def test_the_footer_prints_the_address_with_its_port(url, printed):
    data = clean(Kind.ITEM_CARD, Size.SQUARE, dict(sample(Kind.ITEM_CARD), url=url))
    plan = layouts.plan(Kind.ITEM_CARD, Size.SQUARE, data)
    address = next(op for op in plan.text_ops() if op.name == "address")
    assert list(address.block.lines) == [printed]
