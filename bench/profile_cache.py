"""What the visitors' cache costs on a hit, and how much of it survives edits.

In-process (django.test.Client) against the seeded ``purbalingga_bench``
database and Redis, beside the trivial floor view measured in the same run,
so the figures are ratios. It writes nothing to the database: an "edit" is
the bump of the versions a title edit of a published item would move
(``ppid.catalogue.cache.item_changed``), done without the edit itself.

    STATIC_ROOT=/tmp/purbalingga-profile-cache-static python manage.py collectstatic
    REDIS_URL=redis://127.0.0.1:6379/8 python bench/profile_cache.py

Prints the mean time per request of the floor, and of a hit on an item
page, the catalogue, a search and the API list; then warms N item pages and
searches, "edits" E random published items, and prints how many warmed
pages are still hits (with a global version, none would be).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/purbalingga_bench"
)
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 64)
os.environ.setdefault(
    "PERSONAL_DATA_KEYS", "YmVuY2gtb25seS1ub3QtYS1zZWNyZXQta2V5LTEyMzQ="
)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Collected beforehand: manage.py collectstatic with this STATIC_ROOT.
os.environ.setdefault(
    "STATIC_ROOT",
    str(Path(tempfile.gettempdir()) / "purbalingga-profile-cache-static"),
)

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from ppid.catalogue.models import InformationItem  # noqa: E402

REPEAT = int(os.environ.get("REPEAT", "400"))
WARM_ITEMS = int(os.environ.get("WARM_ITEMS", "300"))
EDITS = int(os.environ.get("EDITS", "30"))
WORDS = ["anggaran", "kesehatan", "laporan", "jalan", "sekolah", "pajak", "desa"]


def mean_ms(client: Client, url: str, repeat: int = REPEAT) -> float:
    client.get(url)
    start = time.perf_counter()
    for _ in range(repeat):
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit("{} answered {}".format(url, response.status_code))
    return (time.perf_counter() - start) / repeat * 1000


def main() -> None:
    client = Client()
    ids = list(
        InformationItem.objects.public()
        .order_by("?")
        .values_list("pk", "opd_id", "category")[: WARM_ITEMS + EDITS]
    )
    first = "/informasi/{}/".format(ids[0][0])
    rows = {
        "floor": "/bench-floor/",
        "item page (hit)": first,
        "catalogue (hit)": "/informasi/",
        "search (hit)": "/informasi/?q=laporan+keuangan",
        "api list (hit)": "/api/v1/information/",
    }
    floor = None
    for name, url in rows.items():
        ms = mean_ms(client, url)
        floor = floor or ms
        print("{:<20} {:7.3f} ms  {:5.2f}x floor".format(name, ms, floor / ms))
    header = client.get(first).get("X-Cache", "(none)")
    print("X-Cache on a repeated item page:", header)

    from opds.models import Opd

    slugs = list(Opd.objects.order_by("pk").values_list("slug", flat=True)[:20])
    kinds = {
        "item pages": ["/informasi/{}/".format(pk) for pk, _o, _c in ids[:WARM_ITEMS]],
        "api items": [
            "/api/v1/information/{}/".format(pk) for pk, _o, _c in ids[:WARM_ITEMS]
        ],
        "searches": ["/informasi/?q={}".format(word) for word in WORDS],
        "category lists": [
            "/informasi/?category={}".format(c)
            for c in ("berkala", "serta_merta", "setiap_saat")
        ],
        "opd lists": ["/informasi/?opd={}".format(slug) for slug in slugs],
    }
    warmed = [url for urls in kinds.values() for url in urls]
    for url in warmed:
        client.get(url)
    try:
        from core import versions
    except ImportError:
        print("(no per-object versions in this checkout)")
        return
    # Not security: which items the simulated edits touch.
    edited = random.Random(EDITS).sample(ids, EDITS)  # nosec B311
    for pk, opd_id, category in edited:
        versions.bump_now(
            [
                "item:{}".format(pk),
                "items",
                "public-items",
                "opd-texts:{}".format(opd_id),
                "category-texts:{}".format(category),
            ]
        )
    print("after {} title edits, still hits:".format(EDITS))
    for kind, urls in kinds.items():
        hits = sum(client.get(url).get("X-Cache") == "hit" for url in urls)
        print(
            "  {:<15} {:4}/{:<4} ({:.0%})".format(
                kind, hits, len(urls), hits / len(urls)
            )
        )


if __name__ == "__main__":
    main()
