"""YouTube quota benchmark: what polling one channel's comments costs a day,
and how many channels the budget covers (issue 19: "the benchmark shows
the cost per channel").

Run from the project root::

    .venv/bin/python bench/youtube_quota.py [--channels 40] [--comments 30]

It polls ``--channels`` channels of the fake platform through the inbox's
real client (``aspirations.channels.clients.YouTubeInbox``: commentThreads.
list, 100 threads a page, a unit a page) twice each: the first round reads
every thread the fake holds (``--comments`` injected per channel on top of
the ones it seeds), the second, like a round every 15 minutes, only what
is newer than the last. It prints the units each round spent per channel
(counted by the budget itself), the day's cost at 96 rounds a day, the
channels the daily budget (``YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY``) covers
and the replies (50 units each, comments.insert) left over. YouTube's
figures: developers.google.com/youtube/v3/determine_quota_cost (read
2026-12-07). Exit status 0.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys

ROUNDS_A_DAY = 96  # every 15 minutes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=40)
    parser.add_argument("--comments", type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "True")
    import django

    django.setup()
    import httpx
    from django.conf import settings
    from django.core.cache import cache
    from django.test import override_settings
    from django.utils import timezone

    from aspirations.channels.clients import (
        YouTubeInbox,
        budget_key,
        youtube_units_spent,
    )
    from socialposts.pulls import fake_platform

    server, _state, url = fake_platform.start_in_thread()
    first, later = [], []
    try:
        with override_settings(**fake_platform.settings_for(url)):
            now = timezone.now()
            for n in range(args.channels):
                channel = "UCbench{:017d}".format(n)
                video = fake_platform.media_for(channel, timezone.localdate())[0]["id"]
                httpx.post(
                    url + "/_inbox/inject",
                    json={
                        "platform": "youtube",
                        "kind": "comment",
                        "account": channel,
                        "post": video,
                        "author": {"id": "UCwarga{:015d}".format(n)},
                        "text": "Komentar warga",
                        "time": (now - datetime.timedelta(minutes=30)).isoformat(),
                        "count": args.comments,
                    },
                ).raise_for_status()
                cache.delete(budget_key())
                client = YouTubeInbox(channel, "ya29.bench")
                try:
                    client.poll()
                    first.append(youtube_units_spent())
                    cache.delete(budget_key())
                    client.poll(since=now - datetime.timedelta(minutes=15))
                    later.append(youtube_units_spent())
                finally:
                    client.close()
                cache.delete(budget_key())
    finally:
        server.shutdown()
        server.server_close()
    budget = settings.YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY
    per_round = max(later)
    per_day = per_round * ROUNDS_A_DAY
    covered = budget // per_day if per_day else 0
    spent = per_day * args.channels
    print("channels polled: {}".format(args.channels))
    print(
        "first round (every thread): {}-{} units a channel".format(
            min(first), max(first)
        )
    )
    print(
        "a 15-minute round (new threads only): {} unit(s) a channel".format(per_round)
    )
    print("a day at {} rounds: {} units a channel".format(ROUNDS_A_DAY, per_day))
    print(
        "{} channels: {} units a day of a budget of {}; the budget covers {} "
        "channels".format(args.channels, spent, budget, covered)
    )
    left = max(budget - spent, 0)
    print(
        "left for replies (50 units each): {} units, {} replies".format(
            left, left // 50
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
