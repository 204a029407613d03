"""The demo's months went through the whole workflow."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from evaluations.models import Contest, MonthlyReport, OpdScore

pytestmark = pytest.mark.django_db


def test_the_demo_has_six_final_months_and_a_current_preview(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    capsys.readouterr()
    statuses = list(
        MonthlyReport.objects.order_by("month").values_list("status", flat=True)
    )
    assert statuses == ["final"] * 6 + ["draft"]
    current = MonthlyReport.objects.order_by("-month").first()
    assert current.month == timezone.localdate().replace(day=1)
    # The current month has not ended: a preview, never opened nor final.
    assert current.is_preview and current.as_of == timezone.localdate()
    assert current.opened_for_reply_at is None and current.finalised_at is None
    for final in MonthlyReport.objects.filter(status="final"):
        assert not final.is_preview
        assert timezone.localtime(final.finalised_at).date() > final.month_end
    last_final = MonthlyReport.objects.filter(status="final").order_by("-month").first()
    assert Contest.objects.filter(
        item_score__opd_score__report=last_final, status="rejected"
    ).exists()
    scores = OpdScore.objects.filter(report=last_final)
    assert scores.count() == 47
    assert set(scores.values_list("reply", flat=True)) == {"agree", "contest"}
    # The demo's data reach every indicator: scores spread over the bands.
    assert scores.values("band").distinct().count() >= 2
    assert scores.filter(score__gt=0).count() == 47
