"""Triage of citizens' messages: kind, topic, OPD, location, spam, the
reasons shown to staff, duplicates, and learning from corrections."""

from __future__ import annotations

import datetime
import json
import time

import pytest

from aspirations.triage.classifier import KINDS, Triage, classify, learn
from aspirations.triage.cues import read_weighted
from aspirations.triage.duplicates import find_duplicates, similar
from aspirations.triage.registry import csv_directory, directory_from_database
from aspirations.triage.text import normalise, tokens
from aspirations.triage.topics import TOPICS, topic_name, topics_for_opd_kind
from tests.aspirations.triage_samples import FRESH, HELD_OUT, SAMPLES
from tests.factories import OpdFactory


def _accuracy(samples):
    right = {"kind": 0, "topic": 0, "opd": 0}
    wrong = []
    for text, account, kind, topic, opd in samples:
        result = classify(text, account_opd_slug=account)
        right["kind"] += result.kind == kind
        right["topic"] += result.topic == topic
        right["opd"] += result.opd == opd
        if (result.kind, result.topic, result.opd) != (kind, topic, opd):
            wrong.append((text, result.kind, result.topic, result.opd))
    return {key: value / len(samples) for key, value in right.items()}, wrong


def test_accuracy_on_the_sample_messages(capsys):
    """The cue tables were written with these 50 messages at hand (but no
    message's own string is a cue); floors a little under what is reached
    (kind 98 %, topic 100 %, OPD 100 % when written)."""
    assert len(SAMPLES) >= 40
    accuracy, wrong = _accuracy(SAMPLES)
    with capsys.disabled():
        print(
            "\ntriage on {} sample messages: kind {:.0%}, topic {:.0%}, first OPD {:.0%}; wrong: {}".format(
                len(SAMPLES),
                accuracy["kind"],
                accuracy["topic"],
                accuracy["opd"],
                wrong,
            )
        )
    assert accuracy["kind"] >= 0.9
    assert accuracy["topic"] >= 0.9
    assert accuracy["opd"] >= 0.9


def test_accuracy_on_held_out_messages(capsys):
    """Written after the tables, then measured once: kind 87 %, topic 73 %,
    OPD 80 %. Two general changes followed (place nouns such as "pasar" and
    "terminal" weigh less than a problem phrase; a message with a topic and
    no kind cue is a complaint), so these are no longer quite held out
    (now 100 %, 93 %, 100 %); the floors are the first measurement's."""
    accuracy, wrong = _accuracy(HELD_OUT)
    with capsys.disabled():
        print(
            "\ntriage on {} held-out messages: kind {:.0%}, topic {:.0%}, first OPD {:.0%}; wrong: {}".format(
                len(HELD_OUT),
                accuracy["kind"],
                accuracy["topic"],
                accuracy["opd"],
                wrong,
            )
        )
    assert accuracy["kind"] >= 0.85
    assert accuracy["topic"] >= 0.7
    assert accuracy["opd"] >= 0.8


def test_accuracy_on_fresh_messages(capsys):
    """Written after every change to the tables and measured once, with no
    change afterwards: kind 93 %, topic 100 %, OPD 100 % (the miss: "saran
    ... buka ... bisa belajar" read as a question)."""
    accuracy, wrong = _accuracy(FRESH)
    with capsys.disabled():
        print(
            "\ntriage on {} fresh messages: kind {:.0%}, topic {:.0%}, first OPD {:.0%}; wrong: {}".format(
                len(FRESH), accuracy["kind"], accuracy["topic"], accuracy["opd"], wrong
            )
        )
    assert accuracy["kind"] >= 0.85
    assert accuracy["topic"] >= 0.85
    assert accuracy["opd"] >= 0.85


# The examples of the brief, one by one.


def test_a_banyumasan_road_complaint_with_its_reasons():
    result = classify("min dalan nang desa karangreja rusak parah kapan dibenerna")
    assert isinstance(result, Triage)
    assert (result.kind, result.topic, result.opd) == ("complaint", "roads", "DPUPR")
    # The citizen's own words are quoted, not their Indonesian forms.
    assert '"rusak"' in result.kind_reason and '"kapan dibenerna"' in result.kind_reason
    assert '"dalan"' in result.topic_reason
    assert result.kecamatan == "Karangreja"
    assert result.desa == "karangreja"
    assert "KEC-KARANGREJA" in result.opd_short_names
    assert result.learned_cues == ()


def test_street_lighting_goes_to_the_transport_office():
    result = classify("PJU di jl. mayjen sungkono mati sudah seminggu")
    assert (result.kind, result.topic, result.opd) == (
        "complaint",
        "street_lighting",
        "DINHUB",
    )
    assert '"pju"' in result.topic_reason


def test_a_question_about_school_admission():
    result = classify("gimana cara daftar PPDB SMP negeri?")
    assert (result.kind, result.topic, result.opd) == (
        "question",
        "education",
        "DINDIKBUD",
    )
    assert "question mark" in result.kind_reason or "tanda tanya" in result.kind_reason


def test_a_request_for_public_information():
    result = classify("mohon informasi anggaran dana desa 2026")
    assert result.kind == "information_request"
    assert '"anggaran"' in result.kind_reason


def test_gambling_promotion_is_spam_and_not_routed():
    result = classify("slot gacor hari ini link di bio")
    assert result.kind == "spam" and result.is_spam
    assert result.opds == () and result.topic == "other"


def test_a_link_with_promotion_words_is_spam_but_a_link_alone_is_not():
    assert classify("promo spesial hari ini https://bit.ly/abc").kind == "spam"
    plain = classify(
        "jalan rusak di depan balai desa, fotonya https://drive.google.com/x"
    )
    assert plain.kind == "complaint"


def test_insults_flag_a_complaint_without_making_it_spam():
    result = classify("goblok kabeh pegawaine, jalan rusak ora dibenerna")
    assert result.is_abuse and result.kind == "complaint"
    assert '"goblok"' in result.kind_reason
    only_insults = classify("dasar bangsat kabeh")
    assert only_insults.is_abuse and only_insults.kind == "spam"
    assert not classify("jalan rusak parah").is_abuse


def test_whistleblowing_is_never_guessed():
    """Whistle-blowing is the citizen's or staff's choice of confidentiality."""
    assert "whistleblowing" in KINDS
    result = classify("ada korupsi dan pungli di kantor dinas, suap untuk proyek jalan")
    assert result.kind != "whistleblowing"
    assert result.opd == "INSPEKTORAT"


def test_a_message_with_no_cue_says_so():
    result = classify("halo")
    assert result.kind == "aspiration" and result.topic == "other"
    assert result.confidence < 0.5
    assert "cue" in result.kind_reason or "penanda" in result.kind_reason
    empty = classify("")
    assert (empty.kind, empty.topic, empty.opds) == ("aspiration", "other", ())


def test_a_triage_is_stored_as_json():
    data = classify("PJU mati di kec. bukateja", account_opd_slug="dinhub").as_dict()
    assert json.loads(json.dumps(data))["opds"][0]["short_name"] == "DINHUB"
    assert data["kecamatan"] == "Bukateja"


# The account the message came to.


def test_the_receiving_account_is_suggested_when_words_are_vague():
    result = classify(
        "pelayanannya kurang ramah pak", account_opd_slug="dinpendukcapil"
    )
    assert result.opd == "DINPENDUKCAPIL"
    assert "account" in result.opds[0].reason or "akun" in result.opds[0].reason


def test_clear_words_outrank_the_receiving_account():
    result = classify(
        "jalan rusak berlubang di depan puskesmas kutasari", account_opd_slug="dinkes"
    )
    assert result.opd_short_names[:2] == ("DPUPR", "DINKES")


def test_the_account_breaks_a_tie_between_topics():
    text = "bantuan untuk balita gizi buruk"
    assert classify(text).opd == "DINKES"
    assert (
        classify(text, account_opd_slug="dinsosdaldukkbp3a").opd == "DINSOSDALDUKKBP3A"
    )


def test_an_unknown_account_is_ignored():
    assert classify("jalan rusak", account_opd_slug="no-such-opd").opd == "DPUPR"


# Normalisation.


def test_normalisation_of_chat_writing():
    assert (
        normalise("Jalannya RUSAAAK bgt 😡😡 yg di jln Ahmad Yani")
        == "jalannya rusak banget yang di jalan ahmad yani"
    )
    assert normalise("maaaf, tdk bisa") == "maaf tidak bisa"
    assert (
        normalise("Dinas Pendidikan dan Kebudayaan")
        == "dinas pendidikan dan kebudayaan"
    )
    assert normalise("Café") == "cafe"


def test_banyumasan_words_and_suffixes_become_indonesian():
    assert (
        normalise("nyong ora ngerti kepriwe carane")
        == "saya tidak mengerti bagaimana caranya"
    )
    assert normalise("wis diusulna") == "sudah diusulkan"
    # A stretched or reduplicated word keeps what the citizen wrote.
    [token] = [t for t in tokens("gorong2") if t.word == "gorong-gorong"]
    assert token.surface == "gorong2"


def test_kecamatan_hint_skips_the_regencys_name():
    assert classify("jalan rusak di kabupaten purbalingga").kecamatan is None
    assert classify("jalan rusak di kec. purbalingga").kecamatan == "Purbalingga"
    assert classify("lampu mati di bukateja").kecamatan == "Bukateja"


# Topics and data.


def test_topics_api():
    assert topic_name("roads") == "Jalan dan jembatan"
    assert topic_name("nope") == "nope"
    assert "hospital" in {t.code for t in topics_for_opd_kind("rsud")}
    assert "roads" in {t.code for t in topics_for_opd_kind("kecamatan")}
    assert all(t.code == "other" or t.name for t in TOPICS)


def test_every_topic_opd_is_in_the_registry_and_every_cue_has_a_topic():
    directory = csv_directory()
    codes = {t.code for t in TOPICS}
    for topic in TOPICS:
        assert set(topic.opds) <= set(directory), topic.code
    assert {row[0] for row in read_weighted("topic_cues.csv", "topic")} <= codes
    assert {row[0] for row in read_weighted("kinds.csv", "kind")} <= set(KINDS)


@pytest.mark.django_db
def test_suggestions_follow_the_registry_in_the_database():
    """An OPD not in the portal is never suggested; the database's slugs count."""
    OpdFactory(short_name="DPUPR", slug="dinas-pu", kind="dinas")
    OpdFactory(short_name="DINKES", slug="dinkes", kind="dinas")
    directory = directory_from_database()
    result = classify(
        "PJU mati, jalan rusak", account_opd_slug="dinkes", directory=directory
    )
    assert set(result.opd_short_names) <= {"DPUPR", "DINKES"}
    assert "DINHUB" not in result.opd_short_names
    assert (
        classify(
            "pelayanan lambat", account_opd_slug="dinas-pu", directory=directory
        ).opd
        == "DPUPR"
    )


# Learning from corrections.


def test_a_topic_correction_changes_the_next_similar_message():
    text = "kalen nang desa bojongsari kebak, ora mili"
    before = classify(text)
    assert before.topic != "drainage"
    learned = learn(
        [("kalen nang ngarep omah kebak, banyune ora mili", "topic", "drainage")]
    )
    after = classify(text, learned=learned)
    assert after.topic == "drainage"
    assert '"kalen"' in after.topic_reason
    assert (
        "learned from staff corrections" in after.topic_reason
        or "dipelajari dari koreksi petugas" in after.topic_reason
    )
    assert "kalen" in after.learned_cues
    assert after.opd == "DPUPR"


def test_a_kind_correction_and_an_opd_correction_are_learned():
    text = "ijazah anak saya ditahan sekolah karena belum lunas"
    assert classify(text).kind != "information_request"
    learned = learn(
        [
            ("ijazah ditahan sekolah, minta salinan", "kind", "information_request"),
            ("ijazah ditahan sekolah swasta", "opd", "KEC-KALIGONDANG"),
        ]
    )
    result = classify(text, learned=learned)
    assert result.kind == "information_request"
    assert "KEC-KALIGONDANG" in result.opd_short_names


def test_corrections_that_cannot_be_learned_are_skipped():
    learned = learn(
        [
            ("ada pungli", "kind", "whistleblowing"),
            ("x", "topic", "no-longer-a-topic"),
            ("", "topic", "roads"),
            ("jalan", "colour", "red"),
            ("jalan ambles", "topic", "roads"),
        ]
    )
    assert (learned.corrections, learned.skipped) == (1, 4)
    assert "whistleblowing" not in str(learned.cues)


def test_agreeing_corrections_weigh_more_than_one():
    once = learn([("kalen mampet", "topic", "drainage")])
    twice = learn([("kalen mampet", "topic", "drainage")] * 2)
    split = learn(
        [("kalen mampet", "topic", "drainage"), ("kalen bersih", "topic", "waste")]
    )
    assert (
        twice.cues["topic"]["kalen"]["drainage"]
        > once.cues["topic"]["kalen"]["drainage"]
    )
    assert (
        split.cues["topic"]["kalen"]["drainage"]
        < once.cues["topic"]["kalen"]["drainage"]
    )


# Duplicates.

DAY = datetime.date(2026, 11, 20)
REPORTS = [
    (
        1,
        "dalan nang desa karangreja rusak parah, bolong gede",
        "roads",
        "Karangreja",
        DAY,
    ),
    (2, "PJU di jl. mayjen sungkono mati", "street_lighting", "Purbalingga", DAY),
    (
        3,
        "jalan desa karangreja berlubang dan rusak, tolong diperbaiki",
        "roads",
        "Karangreja",
        DAY,
    ),
    (
        4,
        "jalan rusak di desa karangreja",
        "roads",
        "Karangreja",
        DAY - datetime.timedelta(days=90),
    ),
    (5, "sampah numpuk di desa karangreja", "waste", "Karangreja", DAY),
]


def test_similar_is_a_symmetric_overlap():
    a, b = "jalan rusak di karangreja", "karangreja jalannya rusak parah"
    assert similar(a, b) == similar(b, a)
    assert 0 < similar(a, b) <= 1
    assert similar(a, "lampu mati") == 0.0
    assert similar("", a) == 0.0


def test_the_same_road_reported_again_is_found():
    found = find_duplicates(
        "min jalan desa karangreja rusak parah kapan dibenerna",
        REPORTS,
        topic="roads",
        kecamatan="Karangreja",
        on=DAY,
    )
    ids = [row[0] for row in found]
    assert ids[:2] in ([1, 3], [3, 1])
    assert 2 not in ids  # another topic and street
    assert 4 not in ids  # outside the 30-day window
    assert 5 not in ids  # the same village, another issue
    reason = found[0][2]
    assert '"rusak"' in reason
    assert "same topic" in reason or "topik sama" in reason
    assert "same desa" in reason or "desa sama" in reason


def test_a_different_issue_in_the_same_place_or_the_same_issue_elsewhere_is_not_a_duplicate():
    found = find_duplicates(
        "lampu jalan di desa karangreja mati",
        REPORTS,
        topic="street_lighting",
        kecamatan="Karangreja",
        on=DAY,
    )
    assert found == []


def test_find_duplicates_over_thousands_of_candidates():
    """Measured on the development machine (2 cores, 2026-12-07): 3,000
    distinct candidates of about 12 words take 0.36 s the first time (each
    text is stemmed once, then cached) and 0.04 s after; classify takes
    about 0.4 ms a message. No timed assert."""
    candidates = [
        (
            i,
            "keluhan nomor {} soal lampu jalan mati di desa {} kecamatan kalimanah".format(
                i, i % 50
            ),
            "street_lighting",
            "Kalimanah",
            DAY,
        )
        for i in range(3000)
    ]
    candidates.append(
        (-1, "dalan rusak parah nang desa karangreja", "roads", "Karangreja", DAY)
    )
    started = time.perf_counter()
    found = find_duplicates(
        "jalan desa karangreja rusak",
        candidates,
        topic="roads",
        kecamatan="Karangreja",
        on=DAY,
    )
    elapsed = time.perf_counter() - started
    assert [row[0] for row in found] == [-1]
    print(
        "find_duplicates over {} candidates: {:.3f} s".format(len(candidates), elapsed)
    )
