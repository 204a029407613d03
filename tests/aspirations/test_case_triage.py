"""A new case is triaged against the registry, learns from corrections and
joins the cluster of the same matter."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from aspirations import events
from aspirations.inbox import services, triage
from aspirations.inbox.models import Kind
from opds.models import Opd, User
from tests.factories import OpdFactory, UserFactory

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture(autouse=True)
def registry():
    triage._cache.clear()
    OpdFactory(short_name="DPUPR", name="Dinas Pekerjaan Umum dan Penataan Ruang")
    OpdFactory(short_name="DINRUMKIM", name="Dinas Perumahan dan Kawasan Permukiman")
    OpdFactory(
        short_name="KEC-KARANGREJA",
        name="Kecamatan Karangreja",
        kind=Opd.Kind.KECAMATAN,
    )
    yield
    triage._cache.clear()


def case(text: str, minutes: int = 0):
    return services.create_case(
        channel=events.PORTAL,
        text=text,
        received_at=T0 + datetime.timedelta(minutes=minutes),
    )


def test_a_report_is_classified_with_its_reason_and_place():
    first = case("min dalan nang desa karangreja rusak parah kapan dibenerna")
    assert first.kind == Kind.COMPLAINT
    assert first.topic == "roads"
    assert first.suggested_opd.short_name == "DPUPR"
    assert first.kecamatan.short_name == "KEC-KARANGREJA"
    assert "rusak" in first.triage_reason


def test_the_same_road_reported_again_joins_the_first_report():
    first = case("jalan di desa karangreja rusak parah berlubang")
    second = case("jalan karangreja rusak berlubang parah tolong diperbaiki", 30)
    third = case("dalan karangreja rusak berlubang", 60)
    assert second.duplicate_of == first
    assert third.duplicate_of == first
    assert first.number in third.triage_reason
    other = case("lampu PJU di alun-alun mati", 90)
    assert other.duplicate_of is None


def test_a_correction_teaches_the_next_case():
    coordinator = UserFactory(role=User.Role.DINKOMINFO)
    before = case("talud di belakang balai desa retak")
    assert before.topic == "roads"
    services.correct_triage(case=before, by=coordinator, topic="drainage")
    # The forgotten cues are rebuilt once the correction is committed.
    triage.forget_learned()
    after = case("talud belakang balai desa retak lagi", 10)
    assert after.topic == "drainage"
    assert "koreksi" in after.triage_reason or "correction" in after.triage_reason
