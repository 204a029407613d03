"""The log filter hides personal data, and only that."""

import pytest

from core.redaction import redact


@pytest.mark.parametrize(
    "text",
    [
        "NIK 3303014507900001",
        "NIK 3303 0145 0790 0001",
        "telepon 081234567890",
        "telepon +62 812-3456-7890",
        "nik,3302011234567890,x",
        "pemohon.3302011234567890",
    ],
)
def test_personal_data_is_hidden(text):
    assert "disembunyikan" in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "Task pull succeeded in 0.5212341234567890s",
        "Task pull succeeded in 0.0123456789012345s",
        "took 12.3303014507900001 ms",
    ],
)
def test_run_times_are_not_taken_for_personal_data(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    "text",
    [
        # The demo's YouTube channel ids and the ids platforms give.
        "pull of UCdemo0000000000000001 succeeded",
        "channel=UCx3303014507900001abc",
        "kanal UC_x-3303014507900001ab",
    ],
)
def test_digits_inside_a_channel_id_are_no_nik(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "ktp3303014507900001.jpg",
        "NIK3303014507900001",
        "3303014507900001a",
        "video 3303014507900001abc",
    ],
)
def test_a_nik_beside_letters_is_still_hidden(text):
    assert "3303014507900001" not in redact(text)
    assert "[NIK disembunyikan]" in redact(text)


def test_a_nik_standing_beside_punctuation_is_still_hidden():
    assert redact("ktp_3303014507900001.jpg") == "ktp_[NIK disembunyikan].jpg"
    assert redact("(3303014507900001)") == "([NIK disembunyikan])"
