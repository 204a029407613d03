"""The demo's months went through the whole workflow."""

import pytest
from django.core.management import call_command

from evaluations.models import Contest, MonthlyReport, OpdScore

pytestmark = pytest.mark.django_db


def test_the_demo_has_five_final_months_and_one_open_for_reply(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    capsys.readouterr()
    statuses = list(
        MonthlyReport.objects.order_by("month").values_list("status", flat=True)
    )
    assert statuses == ["final"] * 5 + ["reply"]
    latest = MonthlyReport.objects.order_by("-month").first()
    assert Contest.objects.filter(
        item_score__opd_score__report=latest, status="pending"
    ).exists()
    scores = OpdScore.objects.filter(report=latest)
    assert scores.count() == 47
    # The demo's data reach every indicator: scores spread over the bands.
    assert scores.values("band").distinct().count() >= 2
    assert scores.filter(score__gt=0).count() == 47
