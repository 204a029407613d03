"""The pure parts of the realistic benchmark (bench/realistic.py): the Zipf
sampler, the traffic mix, misspellings, query generation and the edit
form's round trip. No server, no database."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from bench import realistic


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # nosec B311 # reproducible test data


def test_zipf_sampler_favours_low_ranks_in_proportion():
    sampler = realistic.ZipfSampler(1000, s=1.0)
    rng = seeded(7)
    draws = Counter(sampler(rng) for _ in range(50_000))
    assert min(draws) >= 0 and max(draws) < 1000
    # P(rank 0) / P(rank 1) = 2 for s = 1; allow the sampling noise.
    assert 1.8 < draws[0] / draws[1] < 2.2
    assert abs(draws[0] / 50_000 - sampler.probability(0)) < 0.01


def test_zipf_sampler_probabilities_add_up_to_one():
    sampler = realistic.ZipfSampler(500, s=0.9)
    assert sum(sampler.probability(r) for r in range(500)) == pytest.approx(1.0)


def test_zipf_sampler_needs_a_rank():
    with pytest.raises(ValueError):
        realistic.ZipfSampler(0)


def test_kind_picker_follows_the_mix():
    picker = realistic.KindPicker([("a", 0.75), ("b", 0.25)])
    rng = seeded(3)
    draws = Counter(picker(rng) for _ in range(20_000))
    assert set(draws) == {"a", "b"}
    assert 0.72 < draws["a"] / 20_000 < 0.78


def test_a_mix_must_add_up_to_one():
    with pytest.raises(ValueError):
        realistic.KindPicker([("a", 0.5), ("b", 0.4)])


def test_misspell_changes_a_word_but_keeps_its_first_letter():
    rng = seeded(11)
    for _ in range(500):
        typo = realistic.misspell("kecamatan", rng)
        assert typo != "kecamatan"
        assert typo[0] == "k"
        assert abs(len(typo) - len("kecamatan")) <= 1


def test_misspell_leaves_short_words_alone():
    assert realistic.misspell("rt", seeded(1)) == "rt"


def test_misspell_query_skips_numbers_and_short_words():
    rng = seeded(5)
    assert realistic.misspell_query("rt 2024", rng) is None
    typo = realistic.misspell_query("apbd 2024", rng)
    assert typo is not None and typo.endswith(" 2024") and typo != "apbd 2024"


TITLES = [
    "Laporan Realisasi Anggaran Desa {} Kecamatan {} Tahun {}".format(d, k, y)
    for d in ("Gondang", "Galuh", "Majapura", "Karangcegak", "Bobotsari")
    for k in ("Karangreja", "Bojongsari", "Kutasari", "Kaligondang")
    for y in range(2019, 2026)
]


def test_build_queries_gives_distinct_queries_of_one_to_three_words():
    queries, typos = realistic.build_queries(
        TITLES, 100, seeded(2), stop_words=frozenset({"dan"})
    )
    assert len(queries) == 100 == len(typos)
    assert len(set(queries)) == len(queries)
    assert {q.count(" ") + 1 for q in queries} == {1, 2, 3}
    # A run never starts with a number, and years are the only numbers.
    assert not any(q.split(" ")[0].isdigit() for q in queries)


def test_build_queries_misspells_the_share_asked_for():
    queries, typos = realistic.build_queries(TITLES, 100, seeded(4), misspelt_share=0.5)
    vocabulary = {w for title in TITLES for s in realistic.tokens(title) for w in s}
    assert 0.3 < sum(typos) / len(typos) < 0.6
    for query, typo in zip(queries, typos, strict=True):
        assert typo == any(word not in vocabulary for word in query.split(" "))


def test_build_queries_is_reproducible_with_a_seed():
    first = realistic.build_queries(TITLES, 100, seeded(9))
    again = realistic.build_queries(TITLES, 100, seeded(9))
    assert first == again


def test_build_queries_stops_when_the_texts_run_out():
    queries, _ = realistic.build_queries(
        ["Dana Desa"], 50, seeded(1), misspelt_share=0.0
    )
    assert sorted(queries) == ["dana", "dana desa", "desa"]


def test_form_reader_sends_what_a_browser_would():
    page = """
    <form method="post" action="/logout/"><input name="csrfmiddlewaretoken" value="t1"></form>
    <form method="post" enctype="multipart/form-data">
      <input type="hidden" name="csrfmiddlewaretoken" value="t2">
      <input name="title" value="Laporan &amp; Data">
      <textarea name="summary">
Ringkasan.</textarea>
      <select name="category"><option value="">-</option>
        <option value="berkala" selected>Berkala</option></select>
      <select name="subtype"><option value="">-</option><option value="7">x</option></select>
      <input type="checkbox" name="remove_files" value="3">
      <input type="checkbox" name="flag" checked>
      <input type="file" name="files">
      <button type="submit">Simpan</button>
    </form>"""
    reader = realistic.FormReader()
    reader.feed(page)
    assert reader.forms[0] == [("csrfmiddlewaretoken", "t1")]
    assert reader.forms[1] == [
        ("csrfmiddlewaretoken", "t2"),
        ("title", "Laporan & Data"),
        ("summary", "Ringkasan."),
        ("category", "berkala"),
        ("subtype", ""),
        ("flag", "on"),
    ]


def test_toggled_summary_goes_back_and_forth():
    assert realistic.toggled_summary("Ringkasan data.") == "Ringkasan data"
    assert realistic.toggled_summary("Ringkasan data") == "Ringkasan data."


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert realistic.percentile(values, 50) == 50.0
    assert realistic.percentile(values, 95) == 95.0
    assert realistic.percentile([], 95) is None


def test_summarise_counts_hits_and_non_200_answers():
    stats = realistic.KindStats(
        latencies=[0.010, 0.020, 0.030, 0.040],
        statuses=Counter({200: 3, 500: 1}),
        cache=Counter({"hit": 1, "miss": 2}),
        errors=Counter({"timeout": 1}),
    )
    summary = realistic.summarise(stats, seconds=2.0)
    assert summary["answered"] == 4 and summary["requests"] == 5
    assert summary["rps"] == 2.0
    assert summary["non_200"] == 1
    assert summary["hit_rate"] == pytest.approx(1 / 3)
    assert summary["p50_ms"] == pytest.approx(20.0)


def test_without_the_cache_header_the_hit_rate_is_unknown():
    stats = realistic.KindStats(latencies=[0.01], statuses=Counter({200: 1}))
    assert realistic.summarise(stats, seconds=1.0)["hit_rate"] is None
