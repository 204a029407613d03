"""The demo's social-media accounts: figures that went through the pipeline."""

from collections import Counter

import pytest

from opds.demo import seed_demo
from opds.models import Opd
from socialposts.accounts.models import (
    AccountMetricDaily,
    PostMetricSnapshot,
    SocialAccount,
)
from socialposts.demo import seed_social
from socialposts.pulls.models import IngestionRun

pytestmark = pytest.mark.django_db


def test_the_demo_pulls_every_platform_through_the_fake_server(settings, caplog):
    settings.DEBUG = True
    seed_demo()
    with caplog.at_level("INFO"):
        assert seed_social() > 0
    # A fresh demo is quiet: every picture the fake links to is fetched.
    assert not [r for r in caplog.records if "not stored" in r.getMessage()]
    per_opd = Counter(SocialAccount.objects.values_list("opd_id", flat=True))
    assert set(per_opd) == set(Opd.objects.active().values_list("pk", flat=True))
    assert 2 <= min(per_opd.values()) and max(per_opd.values()) <= 4
    api = SocialAccount.objects.filter(connection="api")
    assert set(api.values_list("platform", flat=True)) == {
        "instagram",
        "facebook",
        "youtube",
        "tiktok",
    }
    pulled = IngestionRun.objects.filter(status=IngestionRun.Status.SUCCEEDED)
    for platform in ("instagram", "facebook", "youtube", "tiktok"):
        assert pulled.filter(account__platform=platform).exists(), platform
        assert PostMetricSnapshot.objects.filter(
            post__account__platform=platform
        ).exists(), platform
    assert [a.token_health() for a in api].count("expired") == 1
    manual = SocialAccount.objects.filter(connection="manual")
    assert AccountMetricDaily.objects.filter(account__in=manual).exists()
    assert seed_social() == 0
