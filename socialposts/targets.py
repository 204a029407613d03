"""Dinkominfo's targets for the OPDs' social media, in one place.

The account pages show an account's figures against them
(``socialposts.accounts.selectors.house_rules``), the OPD admin's dashboard
compares against them (``config.dashboard``), and the benchmarks seed the
metrics named here. The monthly evaluation scores against its own copy of
the figures per framework year (``evaluations.models.Target``), so a past
month keeps its year's targets: a target that changes changes here for the
pages, and as the new year's ``Target`` for the evaluation.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

# The house rules are read over the last four weeks.
WINDOW_DAYS = 28
# Posts a week an account should publish.
POSTS_PER_WEEK = Decimal("3")
# Share of posts that are infographics or videos (content mix).
VISUAL_SHARE = Decimal("0.5")
# Share of posts that announce a PPID item.
PPID_SHARE = Decimal("0.1")
# Follower growth a month.
FOLLOWER_GROWTH = Decimal("0.01")
# Follower bands: engagement is compared only among accounts of a size.
FOLLOWER_BANDS = [1_000, 10_000, 100_000]
# Content types (socialposts.accounts.models.ContentType) that count as
# visual, and as video for the length limit.
VISUAL_TYPES = ("infografis", "video", "reels")
VIDEO_TYPES = ("video", "reels")
# Every metric an account may have a daily value of, and those that make
# its engagement rate (interactions ÷ reach, ÷ followers).
ACCOUNT_METRICS = (
    "followers",
    "new_followers",
    "reach",
    "views",
    "interactions",
    "profile_visits",
    "likes",
    "comments",
    "shares",
    "watch_time_minutes",
)
ENGAGEMENT_METRICS = ("interactions", "reach")


def video_max_seconds() -> int:
    """The longest a video may be (the house maximum, a setting)."""
    return settings.SOCIAL_VIDEO_MAX_SECONDS
