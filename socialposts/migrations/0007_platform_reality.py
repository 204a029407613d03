"""How each Instagram account was connected, the failed parts of a pull,
and the metric catalogue corrected against the platforms' documentation as
read on 2026-12-07 (sources next to each row)."""

import datetime

from django.db import migrations, models

D = datetime.date
PACIFIC = "America/Los_Angeles"
WIB = "Asia/Jakarta"

# platform, name, valid_from → changes. Sources:
# - developers.facebook.com/docs/platforminsights/page/deprecated-metrics
#   ("Alternative names", read 2026-12-07); airbytehq/airbyte #80740, #84408;
#   Postiz commit ce32dccb0 (2026-06-18): page_impressions, post_impressions
#   and page_fans went on 2025-11-15; the *_impressions_unique family on
#   2026-06-15.
# - developers.google.com/youtube/analytics/revision_history (2026-08-27
#   entry): viewCount counts every start of a Short from 2025-03-31 and of
#   every format from 2026-08-24.
# - developers.facebook.com/docs/instagram-platform/api-reference/
#   instagram-user/insights (updated 2026-06-16): views, total_interactions
#   and profile_views only as total_value; follower_count needs 100
#   followers and covers the last 30 days.
CHANGES = [
    (
        "facebook",
        "page_impressions_unique",
        None,
        {"valid_to": D(2026, 6, 14), "note": "Retired 2026-06-15."},
    ),
    (
        "facebook",
        "post_impressions_unique",
        None,
        {"valid_to": D(2026, 6, 14), "note": "Retired 2026-06-15."},
    ),
    (
        "youtube",
        "viewCount",
        None,
        {
            "valid_to": D(2026, 8, 23),
            "note": "Data API videos.list, cumulative; Shorts counted every start from 2025-03-31.",
        },
    ),
    (
        "instagram",
        "views",
        D(2025, 4, 21),
        {
            "note": "Counts replays too: not comparable with impressions. Account level: metric_type=total_value only."
        },
    ),
    (
        "instagram",
        "total_interactions",
        None,
        {
            "note": "Was 'engagement' before v18. Account level: metric_type=total_value only."
        },
    ),
    (
        "instagram",
        "profile_views",
        None,
        {
            "note": "Daily series deprecated in v21 (2025-01-08): metric_type=total_value only."
        },
    ),
    (
        "instagram",
        "follower_count",
        None,
        {
            "note": "period=day; only accounts with 100 followers or more, last 30 days only."
        },
    ),
]
NEW = [
    (
        "youtube",
        "viewCount",
        "views",
        D(2026, 8, 24),
        None,
        True,
        "Redefined for every format on 2026-08-24: each start counts, as for Shorts.",
    ),
]
# Days are cut where the platform cuts them (Meta's and YouTube
# Analytics' reporting day is Pacific time). Fields read off a profile or a
# post at pull time (TikTok's figures are all such) are counted on the
# portal's own WIB day.
FIELDS = {
    "followers_count",
    "subscriberCount",
    "viewCount",
    "likeCount",
    "commentCount",
    "comments",
    "shares",
}


def correct(apps, schema_editor):
    PlatformMetric = apps.get_model("socialposts", "PlatformMetric")
    for platform, name, start, changes in CHANGES:
        PlatformMetric.objects.filter(
            platform=platform, name=name, valid_from=start
        ).update(**changes)
    for platform, name, code, start, end, breaks, note in NEW:
        PlatformMetric.objects.update_or_create(
            platform=platform,
            name=name,
            valid_from=start,
            defaults={
                "metric_id": code,
                "valid_to": end,
                "breaks_series": breaks,
                "note": note,
            },
        )
    for row in PlatformMetric.objects.all():
        local = row.platform == "tiktok" or (
            row.name in FIELDS and row.platform != "instagram"
        )
        if row.platform == "instagram" and row.name == "followers_count":
            local = True
        row.reporting_timezone = WIB if local else PACIFIC
        row.save(update_fields=["reporting_timezone"])


class Migration(migrations.Migration):
    dependencies = [
        ("socialposts", "0006_durable_runs"),
    ]

    operations = [
        migrations.AddField(
            model_name="ingestionrun",
            name="failed_parts",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The parts of the pull that failed (a metric group, a post's insights, a report); the next pull asks for them again.",
                verbose_name="failed parts",
            ),
        ),
        migrations.AddField(
            model_name="platformmetric",
            name="reporting_timezone",
            field=models.CharField(
                blank=True,
                help_text="The time zone in which the platform cuts its days (Meta and YouTube: Pacific time).",
                max_length=40,
                verbose_name="reporting time zone",
            ),
        ),
        migrations.AddField(
            model_name="socialaccount",
            name="meta_login",
            field=models.CharField(
                choices=[
                    ("facebook", "Facebook Login for Business"),
                    ("instagram", "Instagram Login"),
                ],
                default="facebook",
                help_text="How an Instagram account was connected: through its Facebook Page, or with Instagram Login.",
                max_length=10,
                verbose_name="Meta login",
            ),
        ),
        migrations.RunPython(correct, migrations.RunPython.noop),
    ]
