"""The models of the social-media app, as Django registers them. Each lives
in its sub-domain: accounts, posts and figures in ``socialposts.accounts``,
pull runs in ``socialposts.pulls``, CSV import jobs in
``socialposts.imports``, infographics in ``socialposts.infographics``. Code
imports them from there."""

from socialposts.accounts.models import (
    EXPIRING_WITHIN,
    STALE_AFTER,
    AccountMetricDaily,
    ContentType,
    Metric,
    Platform,
    PlatformMetric,
    Post,
    PostMetricSnapshot,
    SocialAccount,
    Topic,
)
from socialposts.imports.models import ImportJob
from socialposts.infographics.models import Infographic
from socialposts.pulls.models import IngestionRun, RawPayload, raw_payload_retention

__all__ = [
    "EXPIRING_WITHIN",
    "STALE_AFTER",
    "AccountMetricDaily",
    "ContentType",
    "ImportJob",
    "Infographic",
    "IngestionRun",
    "Metric",
    "Platform",
    "PlatformMetric",
    "Post",
    "PostMetricSnapshot",
    "RawPayload",
    "SocialAccount",
    "Topic",
    "raw_payload_retention",
]
