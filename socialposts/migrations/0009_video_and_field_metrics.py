"""The platform names the clients now read, added to the metric catalogue:
Facebook video and Reels insights, and Instagram's media counters (read
2026-12-07; sources beside each row)."""

from django.db import migrations

PACIFIC = "America/Los_Angeles"
WIB = "Asia/Jakarta"

# platform, name, canonical code, time zone, note
NAMES = [
    (
        "facebook",
        "blue_reels_play_count",
        "views",
        PACIFIC,
        "Reels plays, /{video-id}/video_insights (Video Insights reference).",
    ),
    (
        "facebook",
        "post_video_view_time",
        "watch_time_minutes",
        PACIFIC,
        "Reels view time in milliseconds, stored in minutes.",
    ),
    (
        "facebook",
        "total_video_view_total_time",
        "watch_time_minutes",
        PACIFIC,
        "Video view time in milliseconds, stored in minutes.",
    ),
    (
        "instagram",
        "like_count",
        "likes",
        WIB,
        "Media field; likes are an insight of Reels only.",
    ),
    (
        "instagram",
        "comments_count",
        "comments",
        WIB,
        "Media field; comments are an insight of Reels only.",
    ),
]


def load(apps, schema_editor):
    PlatformMetric = apps.get_model("socialposts", "PlatformMetric")
    for platform, name, code, zone, note in NAMES:
        PlatformMetric.objects.update_or_create(
            platform=platform,
            name=name,
            valid_from=None,
            defaults={
                "metric_id": code,
                "valid_to": None,
                "breaks_series": False,
                "reporting_timezone": zone,
                "note": note,
            },
        )


def unload(apps, schema_editor):
    PlatformMetric = apps.get_model("socialposts", "PlatformMetric")
    for platform, name, _code, _zone, _note in NAMES:
        PlatformMetric.objects.filter(platform=platform, name=name).delete()


class Migration(migrations.Migration):
    dependencies = [("socialposts", "0008_oauth_connect")]

    operations = [migrations.RunPython(load, unload)]
