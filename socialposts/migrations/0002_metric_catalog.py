"""The canonical metrics, the platforms' names for them with their validity
dates, and the topics of Dinkominfo's evaluation.

The data is frozen here on purpose: later changes to the catalogue (a new
deprecation) get their own data migration, so every database tells the
same story of when a name changed.
"""

import datetime

from django.db import migrations

D = datetime.date

# code, name (Indonesian, as staff read it), level, kind
METRICS = [
    ("followers", "Pengikut", "account", "total"),
    ("new_followers", "Pengikut baru", "account", "count"),
    ("reach", "Jangkauan", "both", "count"),
    ("views", "Tayangan", "both", "count"),
    ("interactions", "Interaksi", "both", "count"),
    ("profile_visits", "Kunjungan profil", "account", "count"),
    ("likes", "Suka", "both", "count"),
    ("comments", "Komentar", "both", "count"),
    ("shares", "Dibagikan", "both", "count"),
    ("saves", "Disimpan", "post", "count"),
    ("watch_time_minutes", "Waktu tonton (menit)", "both", "minutes"),
]

# platform, platform name, canonical code, valid_from, valid_to, breaks, note
NAMES = [
    ("instagram", "followers_count", "followers", None, None, False, "Field of the IG user node, snapshot daily."),
    ("instagram", "follower_count", "new_followers", None, None, False, ""),
    ("instagram", "reach", "reach", None, None, False, ""),
    ("instagram", "impressions", "views", None, D(2025, 4, 20), False, "Deprecated in v22; replaced by views on 2025-04-21."),
    ("instagram", "views", "views", D(2025, 4, 21), None, True, "Counts replays too: not comparable with impressions."),
    ("instagram", "plays", "views", None, D(2025, 4, 20), False, "Reels plays, replaced by views."),
    ("instagram", "total_interactions", "interactions", None, None, False, "Was 'engagement' before v18."),
    ("instagram", "profile_views", "profile_visits", None, None, False, ""),
    ("instagram", "likes", "likes", None, None, False, ""),
    ("instagram", "comments", "comments", None, None, False, ""),
    ("instagram", "shares", "shares", None, None, False, ""),
    ("instagram", "saved", "saves", None, None, False, ""),
    ("facebook", "followers_count", "followers", None, None, False, "Field of the Page node, snapshot daily."),
    ("facebook", "page_daily_follows_unique", "new_followers", None, None, False, ""),
    ("facebook", "page_impressions_unique", "reach", None, D(2025, 11, 14), False, "Retired 2025-11-15."),
    ("facebook", "page_total_media_view_unique", "reach", D(2025, 11, 15), None, True, "Replaces page_impressions_unique."),
    ("facebook", "page_impressions", "views", None, D(2025, 11, 14), False, "Retired 2025-11-15."),
    ("facebook", "page_media_view", "views", D(2025, 11, 15), None, True, "Replaces page_impressions."),
    ("facebook", "page_post_engagements", "interactions", None, None, False, ""),
    ("facebook", "page_views_total", "profile_visits", None, None, False, ""),
    ("facebook", "post_impressions_unique", "reach", None, D(2025, 11, 14), False, "Retired 2025-11-15."),
    ("facebook", "post_total_media_view_unique", "reach", D(2025, 11, 15), None, True, "Replaces post_impressions_unique."),
    ("facebook", "post_media_view", "views", D(2025, 11, 15), None, True, ""),
    ("facebook", "post_reactions_by_type_total", "likes", None, None, False, "Sum of all reaction types."),
    ("facebook", "comments", "comments", None, None, False, "comments.summary.total_count"),
    ("facebook", "shares", "shares", None, None, False, "shares.count"),
    ("youtube", "subscriberCount", "followers", None, None, False, "Data API channels.list statistics."),
    ("youtube", "subscribersGained", "new_followers", None, None, False, "YouTube Analytics."),
    ("youtube", "views", "views", None, None, False, "YouTube Analytics, per day."),
    ("youtube", "viewCount", "views", None, None, False, "Data API videos.list, cumulative."),
    ("youtube", "likeCount", "likes", None, None, False, ""),
    ("youtube", "commentCount", "comments", None, None, False, ""),
    ("youtube", "estimatedMinutesWatched", "watch_time_minutes", None, None, False, "YouTube Analytics."),
    ("tiktok", "follower_count", "followers", None, None, False, "Display API user.info.stats."),
    ("tiktok", "view_count", "views", None, None, False, "Display API video query, cumulative."),
    ("tiktok", "like_count", "likes", None, None, False, ""),
    ("tiktok", "comment_count", "comments", None, None, False, ""),
    ("tiktok", "share_count", "shares", None, None, False, ""),
]

TOPICS = [
    ("kegiatan", "Kegiatan"),
    ("kebijakan", "Kebijakan"),
    ("layanan", "Layanan publik"),
    ("data", "Data dan informasi"),
    ("serta_merta", "Informasi serta merta"),
    ("lainnya", "Lainnya"),
]


def load(apps, schema_editor):
    Metric = apps.get_model("socialposts", "Metric")
    PlatformMetric = apps.get_model("socialposts", "PlatformMetric")
    Topic = apps.get_model("socialposts", "Topic")
    for code, name, level, kind in METRICS:
        Metric.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "kind": kind}
        )
    for platform, name, code, start, end, breaks, note in NAMES:
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
    for position, (code, name) in enumerate(TOPICS):
        Topic.objects.update_or_create(
            code=code, defaults={"name": name, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("socialposts", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
