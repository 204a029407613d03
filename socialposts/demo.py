"""Demo social-media accounts: six months of posts and metrics per OPD.

Some accounts of every platform the portal pulls (Instagram, Facebook
Pages, YouTube, TikTok) are API-connected and pulled through the real
clients from the fake platform server (in this process), so their figures
went through the whole pipeline; the others are manual accounts whose
figures are written through the same upsert path an import uses. One
account has an expired token.
"""

from __future__ import annotations

import datetime
import hashlib
import random

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from core import runs
from opds.models import Opd
from socialposts.accounts.ingest import (
    AccountValue,
    PostValue,
    upsert_account_values,
    upsert_post_values,
)
from socialposts.accounts.models import Post, SocialAccount
from socialposts.pulls import fake_platform, tokens
from socialposts.pulls import services as pulls
from socialposts.pulls.models import IngestionRun

API_ACCOUNTS = 6
DAYS = 183
CONTENT = ["foto", "foto", "infografis", "video", "reels", "carousel", "infografis"]
TOPICS = ["kegiatan", "kebijakan", "layanan", "data", "serta_merta", "lainnya"]


def _number(*parts: object) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def seed_social() -> int:
    """Create the demo accounts unless they exist; return accounts created."""
    if SocialAccount.objects.exists():
        return 0
    opds = list(Opd.objects.active().order_by("slug"))
    created = []
    with transaction.atomic():
        for index, opd in enumerate(opds):
            base = opd.slug.replace("-", "")
            api = index < API_ACCOUNTS
            created.append(
                SocialAccount.objects.create(
                    opd=opd,
                    platform="instagram",
                    handle="{}.pbg".format(base)[:100],
                    profile_url="https://www.instagram.com/{}.pbg/".format(base),
                    external_id="1784{:010d}".format(index + 1) if api else "",
                    connection="api" if api else "manual",
                )
            )
            created.append(
                SocialAccount.objects.create(
                    opd=opd,
                    platform="facebook",
                    handle="{}purbalingga".format(base)[:100],
                    profile_url="https://www.facebook.com/{}purbalingga".format(base),
                    **_connected(index < 2, "page{:012d}".format(index + 1)),
                )
            )
            if index % 3 == 0:
                created.append(
                    SocialAccount.objects.create(
                        opd=opd,
                        platform="youtube",
                        handle="{}pbg".format(base)[:100],
                        profile_url="https://www.youtube.com/@{}pbg".format(base),
                        **_connected(index < 6, "UCdemo{:016d}".format(index + 1)),
                    )
                )
            if index < 4:
                created.append(
                    SocialAccount.objects.create(
                        opd=opd,
                        platform="tiktok",
                        handle="{}.pbg".format(base)[:100],
                        profile_url="https://www.tiktok.com/@{}.pbg".format(base),
                        **_connected(index < 2, "ttdemo{:04d}".format(index + 1)),
                    )
                )
    now = timezone.now()
    for account in created:
        if account.connection == "api":
            tokens.set_tokens(account, **_demo_tokens(account, now))
    # One connection left to lapse, as happens when nobody refreshes it.
    expired = next(
        a for a in created if a.connection == "api" and a.platform == "instagram"
    )
    SocialAccount.objects.filter(pk=expired.pk).update(
        token_expires_at=now - datetime.timedelta(days=3)
    )
    _pull_api_accounts(
        [a for a in created if a.connection == "api" and a.pk != expired.pk]
    )
    _manual_history([a for a in created if a.connection == "manual"])
    return len(created)


def _connected(api: bool, external_id: str) -> dict:
    return {"connection": "api", "external_id": external_id} if api else {}


def _demo_tokens(account: SocialAccount, now: datetime.datetime) -> dict:
    """Tokens shaped as each platform issues them: YouTube and TikTok give
    short access tokens (renewed before the pull) and a refresh token."""
    if account.platform == "youtube":
        return {"access": "ya29.demo", "refresh": "1//demo-refresh", "expires_at": now}
    if account.platform == "tiktok":
        user = account.external_id
        return {
            "access": "act.{}.1".format(user),
            "refresh": "rft.{}.1".format(user),
            "expires_at": now,
        }
    return {"access": "demo-token", "expires_at": now + datetime.timedelta(days=50)}


def _pull_api_accounts(accounts: list[SocialAccount]) -> None:
    server, _state, url = fake_platform.start_in_thread()
    today = timezone.localdate()
    try:
        for account in accounts:
            run = pulls.queue_pull(
                account,
                trigger=IngestionRun.Trigger.COMMAND,
                window=(today - datetime.timedelta(days=DAYS - 1), today),
                enqueue=lambda run_id: None,
            )
            # The real executor, against the in-process fake platform.
            run = runs.claim(IngestionRun, run.pk)
            with override_settings(**fake_platform.settings_for(url)):
                runs.finish(run, pulls.execute(run))
    finally:
        server.shutdown()
        server.server_close()
    _classify([a.pk for a in accounts])


def _classify(account_ids: list[int]) -> None:
    """Staff mark what a pull cannot know: infographics and topics."""
    posts = list(Post.objects.filter(account_id__in=account_ids))
    infographics = [
        p.pk
        for p in posts
        if p.content_type == "foto" and _number(p.external_id) % 3 == 0
    ]
    Post.objects.filter(pk__in=infographics).update(content_type="infografis")
    _tag(posts)


def _tag(posts: list[Post]) -> None:
    """One topic per post, written in one statement."""
    through = Post.topics.through
    through.objects.bulk_create(
        [
            through(post_id=p.pk, topic_id=TOPICS[_number(p.external_id) % len(TOPICS)])
            for p in posts
        ],
        batch_size=1000,
    )


def _manual_history(accounts: list[SocialAccount]) -> None:
    """Six months of figures for manual accounts, written in a few batches."""
    today = timezone.localdate()
    values: list[AccountValue] = []
    posts: list[Post] = []
    for account in accounts:
        rng = random.Random(_number(account.handle))  # nosec B311 # demo data, not a secret
        followers = 300 + rng.randint(0, 5000)
        for back in range(DAYS, -1, -1):
            day = today - datetime.timedelta(days=back)
            followers += rng.randint(0, 6)
            reach = 80 + rng.randint(0, 600)
            values += [
                AccountValue(account.pk, "followers", day, followers, "manual"),
                AccountValue(account.pk, "reach", day, reach, "manual"),
                AccountValue(account.pk, "views", day, reach * 2, "manual"),
                AccountValue(account.pk, "interactions", day, reach // 12, "manual"),
            ]
            if rng.random() < 0.35:
                kind = "video" if account.platform == "youtube" else rng.choice(CONTENT)
                posts.append(
                    Post(
                        account=account,
                        external_id="{}-{}".format(account.handle, day.isoformat()),
                        published_at=timezone.make_aware(
                            datetime.datetime.combine(
                                day, datetime.time(9, rng.randint(0, 59))
                            )
                        ),
                        content_type=kind,
                        caption="Kegiatan {} pada {}".format(
                            account.opd.short_name, day.isoformat()
                        ),
                        duration_seconds=rng.choice([30, 45, 58, 75, 120, 300])
                        if kind in ("video", "reels")
                        else None,
                    )
                )
    upsert_account_values(values)
    Post.objects.bulk_create(posts, batch_size=1000)
    saved = list(Post.objects.filter(account__in=accounts))
    _tag(saved)
    snapshot = []
    for post in saved:
        views = 100 + _number(post.external_id) % 2000
        snapshot += [
            PostValue(post.pk, "views", today, views, "manual"),
            PostValue(post.pk, "reach", today, views // 2, "manual"),
            PostValue(post.pk, "likes", today, views // 20, "manual"),
            PostValue(post.pk, "comments", today, views // 200, "manual"),
        ]
    upsert_post_values(snapshot)


# --- Infographics -----------------------------------------------------------------
# A few images per kind of OPD, made through the service as their admins
# would make them, from the catalogue and the final months seeded before.

RSUD_REGISTRATION = [
    (
        "Ambil nomor antrean",
        "Di anjungan mandiri lobi utama, atau daftar lewat aplikasi.",
    ),
    ("Verifikasi berkas", "Tunjukkan KTP-el, kartu BPJS Kesehatan dan surat rujukan."),
    (
        "Tunggu di poliklinik",
        "Perawat memeriksa tensi dan berat badan sebelum dipanggil.",
    ),
    ("Pemeriksaan dokter", "Dokter memeriksa dan menulis resep atau rujukan lanjutan."),
    ("Ambil obat", "Serahkan resep di instalasi farmasi rawat jalan."),
]
FREE_ROOMS = [
    ("VIP", 3),
    ("Kelas I", 7),
    ("Kelas II", 12),
    ("Kelas III", 18),
    ("ICU", 1),
]
KECAMATAN_LETTER = [
    ("Siapkan berkas", "Surat pengantar RT/RW, KTP-el dan Kartu Keluarga."),
    ("Datang ke loket", "Loket pelayanan kecamatan, Senin sampai Jumat."),
    ("Pemeriksaan", "Petugas memeriksa kelengkapan dan mencatat permohonan."),
    ("Tanda tangan camat", "Surat ditandatangani pada hari yang sama bila lengkap."),
]
SATPOL_REPORT = [
    ("Laporkan", "Lewat telepon, WhatsApp pengaduan atau datang ke kantor."),
    ("Verifikasi", "Petugas memeriksa laporan dan lokasi kejadian."),
    ("Penertiban", "Tim turun ke lapangan sesuai prosedur."),
]
PORTAL_VISITORS = [
    ("Jun", 1840),
    ("Jul", 2105),
    ("Agu", 2390),
    ("Sep", 2210),
    ("Okt", 2760),
    ("Nov", 3015),
]


def _flow(title: str, steps: list[tuple[str, str]]) -> dict:
    return {"title": title, "steps": [{"title": a, "text": b} for a, b in steps]}


def _chart(title: str, chart: str, unit: str, rows: list, source: str) -> dict:
    return {
        "title": title,
        "chart": chart,
        "unit": unit,
        "source": source,
        "rows": [{"label": label, "value": value} for label, value in rows],
    }


def seed_infographics() -> int:
    """Make the demo infographics unless some exist; return images made."""
    from opds.models import User
    from ppid.catalogue.models import InformationItem
    from socialposts.infographics import services
    from socialposts.infographics.models import Infographic

    if Infographic.objects.exists():
        return 0
    team = User.objects.filter(role=User.Role.DINKOMINFO, is_active=True).first()
    months = services.final_months()
    if team is None:
        return 0
    admins = {
        u.opd_id: u
        for u in User.objects.filter(role=User.Role.OPD_ADMIN, is_active=True)
    }
    by_kind: dict[str, Opd] = {}
    for opd in Opd.objects.active().order_by("slug"):
        by_kind.setdefault(opd.kind, opd)
    rsud = Opd.objects.active().filter(kind=Opd.Kind.RSUD).order_by("name").first()
    dinkominfo = Opd.objects.filter(slug="dinkominfo").first() or by_kind.get("dinas")
    plans: list[tuple[Opd | None, str, str, dict]] = [
        (
            rsud,
            "service_flow",
            "portrait",
            _flow("Alur Pendaftaran Pasien Rawat Jalan", RSUD_REGISTRATION),
        ),
        (
            rsud,
            "data_chart",
            "square",
            _chart(
                "Kamar Rawat Inap Kosong Hari Ini",
                "bar",
                "kamar",
                FREE_ROOMS,
                "Instalasi Rawat Inap",
            ),
        ),
        (
            by_kind.get("kecamatan"),
            "service_flow",
            "story",
            _flow("Alur Pembuatan Surat Keterangan", KECAMATAN_LETTER),
        ),
        (
            by_kind.get("satpol"),
            "service_flow",
            "square",
            _flow("Alur Pengaduan Ketertiban Umum", SATPOL_REPORT),
        ),
        (
            dinkominfo,
            "data_chart",
            "portrait",
            _chart(
                "Pengunjung Portal Informasi Publik",
                "line",
                "pengunjung",
                PORTAL_VISITORS,
                "Statistik portal",
            ),
        ),
    ]
    for kind in ("sekretariat", "inspektorat", "dinas", "kelurahan"):
        plans.append((by_kind.get(kind), "item_card", "portrait", {}))
    if months:
        for kind in ("badan", "kecamatan", "rsud"):
            plans.append((by_kind.get(kind), "kip_card", "square", {}))
        plans.append((dinkominfo, "ranking_card", "portrait", {}))
    made = 0
    for opd, kind, size, fields in plans:
        if opd is None:
            continue
        user = admins.get(opd.pk, team)
        item = None
        if kind == "item_card":
            # The first OPD of this kind with a published item shows it.
            item = (
                InformationItem.objects.public()
                .filter(opd__kind=opd.kind, opd__is_active=True)
                .select_related("opd")
                .order_by("opd__slug", "-published_at", "pk")
                .first()
            )
            if item is None:
                continue
            opd = item.opd
            user = admins.get(opd.pk, team)
        month = months[0] if months else None
        draft = services.Draft(opd, kind, size, fields, item, month)
        infographic = services.make_infographic(user=user, draft=draft)
        made += 1
        post = Post.objects.filter(account__opd=opd).order_by("-published_at").first()
        if item is not None and post is not None:
            services.link_to_post(user=user, infographic=infographic, post=post)
    return made
