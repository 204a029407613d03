"""The targets the automatic items are scored against are data of each
framework year (issue 17): a month rebuilt after a change is scored
against its own year's targets."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from evaluations import rules, services
from evaluations.models import Framework, Target
from socialposts import targets
from tests.evaluations.conftest import MONTH
from tests.evaluations.deadlines import InformationRequestFactory
from tests.evaluations.scenario import item, score
from tests.factories import PostFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db
IN_MONTH = datetime.datetime(2026, 10, 10, 9, tzinfo=datetime.UTC)
OCTOBER = rules.Month(MONTH, datetime.date(2026, 10, 31), [])
JANUARY_2027 = rules.Month(datetime.date(2027, 1, 1), datetime.date(2027, 1, 31), [])


def test_the_seeded_targets_are_the_values_the_code_scored_with():
    stored = Target.objects.filter(framework__year=2026)
    assert {t.code: t.value for t in stored} == {
        # Until now constants of evaluations/rules.py.
        "serta_merta_hours": 24,
        "median_days_full": 5,
        "median_days_three_quarters": 10,
        "median_days_half": 17,
        # Until now read from socialposts/targets.py and the settings.
        "posts_per_week": targets.POSTS_PER_WEEK,
        "visual_share": targets.VISUAL_SHARE,
        "ppid_share": targets.PPID_SHARE,
        "follower_growth": targets.FOLLOWER_GROWTH,
        "follower_band_1": targets.FOLLOWER_BANDS[0],
        "follower_band_2": targets.FOLLOWER_BANDS[1],
        "follower_band_3": targets.FOLLOWER_BANDS[2],
        "video_max_seconds": settings.SOCIAL_VIDEO_MAX_SECONDS,
    }
    assert set(Target.Code.values) == {t.code for t in stored}
    assert all(t.source.strip() for t in stored)


def test_changing_a_stored_target_changes_the_score_of_a_rebuilt_month(opds, on):
    poster, answerer, _quiet = opds
    account = SocialAccountFactory(opd=poster, connection="manual")
    for day in range(3):
        PostFactory(
            account=account, published_at=IN_MONTH + datetime.timedelta(days=day)
        )
    # Answered in 7 working days: three quarters of the median's marks.
    InformationRequestFactory(
        opd=answerer,
        received_on=datetime.date(2026, 10, 1),
        answered_on=datetime.date(2026, 10, 12),
    )
    on(datetime.date(2026, 11, 3))
    first = services.build_report(MONTH)
    posting = item(first, poster, "frekuensi_unggah").ratio
    median = item(first, answerer, "median_hari_kerja").ratio
    assert median == Decimal("0.75")
    before = {opd: score(first, opd).score for opd in (poster, answerer)}

    mine = Target.objects.filter(framework__year=2026)
    mine.filter(code=Target.Code.POSTS_PER_WEEK).update(value=1)
    mine.filter(code=Target.Code.MEDIAN_DAYS_FULL).update(value=7)
    again = services.build_report(MONTH)
    assert item(again, poster, "frekuensi_unggah").ratio == pytest.approx(posting * 3)
    assert item(again, answerer, "median_hari_kerja").ratio == 1
    for opd in (poster, answerer):
        assert score(again, opd).score > before[opd], opd


def test_a_year_without_targets_of_its_own_keeps_the_previous_years():
    later = Framework.objects.create(year=2027, name="Kesiapan KIP 2027")
    assert rules.month_targets(JANUARY_2027, {})["posts_per_week"] == 3
    Target.objects.create(
        framework=later, code="posts_per_week", value=4, source="Surat edaran 2027"
    )
    assert rules.month_targets(JANUARY_2027, {})["posts_per_week"] == 4
    # A 2026 month keeps the 2026 target.
    assert rules.month_targets(OCTOBER, {})["posts_per_week"] == 3


def test_a_target_no_framework_holds_is_refused_by_name():
    Target.objects.filter(code=Target.Code.VISUAL_SHARE).delete()
    with pytest.raises(ImproperlyConfigured, match="visual_share"):
        rules.month_targets(OCTOBER, {})
