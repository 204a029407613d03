"""Demo data of the aspiration inbox: six months of what citizens wrote.

Messages arrive the way they would in production: the citizen's message is
given to the fake platform (run in a thread while seeding), which answers
with the webhook payload the real platform sends; that payload is signed,
stored as a delivery and read by the intake. YouTube comments are polled
from the fake; TikTok comments are copied in by hand; the portal's form
takes the rest. Every step (verify, route, reply, follow-up, close) is then
replayed on its own day through the inbox's services, and replies leave
through the fake platform's API with its clock set to that day, so its
windows hold as they would have.
"""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from aspirations import events
from aspirations.channels import intake
from aspirations.conversions import services as conversions
from aspirations.inbox import services
from aspirations.inbox.models import Case, Message, State, WhatsAppLine
from aspirations.portal import services as portal
from aspirations.replies import services as replies
from core import crypto
from opds.models import Opd, User
from socialposts.accounts.models import SocialAccount
from socialposts.pulls import fake_inbox, fake_platform

# The regency's WhatsApp line (Lapor MasBuP) on the fake's business account.
LINE_ID = "106540352242922"
DAYS = 183
# What citizens write about most in Purbalingga (2025: roads, social aid,
# street lighting; shared/docs/aspirations.md §1), in their own words.
MESSAGES = [
    "min dalan nang desa {desa} rusak parah, kapan dibenerna?",
    "Jalan penghubung {desa} - {kec} berlubang besar, sudah ada motor jatuh",
    "Lampu PJU di jalan raya {kec} mati sudah seminggu, gelap sekali malam hari",
    "lampu jalan nang perempatan {desa} mati kabeh, peteng banget",
    "Bansos PKH ibu saya di {desa} belum cair bulan ini, kenapa ya?",
    "Mohon informasi cara daftar BPNT untuk warga {desa}",
    "Sampah menumpuk di pinggir jalan dekat pasar {kec}, bau sekali",
    "Saluran air / gorong-gorong di {desa} mampet, kalau hujan banjir",
    "Air PDAM di {desa} mati sudah 3 hari, tolong dicek",
    "Pelayanan di puskesmas {kec} antrenya lama sekali, mohon ditambah petugas",
    "Gimana cara daftar PPDB SMP negeri tahun ini?",
    "KTP elektronik saya belum jadi padahal sudah rekam 2 bulan di {kec}",
    "Mohon informasi anggaran dana desa {desa} tahun 2026",
    "Saran: taman kota sebaiknya ditambah lampu dan tempat sampah",
    "Pedagang kaki lima memenuhi trotoar di depan alun-alun, susah lewat",
    "Pohon tumbang di jalan {desa}, menutup separuh jalan",
    "Longsor kecil di tebing jalan {desa}, mohon segera ditangani",
    "Izin usaha (NIB) saya ditolak terus di OSS, bagaimana solusinya?",
    "Pupuk subsidi di kios {kec} kosong terus, petani kesulitan",
    "Anak saya stunting, ada program bantuan gizi dari dinas?",
    "Jembatan kecil di {desa} kayunya sudah lapuk, bahaya buat anak sekolah",
    "Terima kasih jalan di {desa} sudah diperbaiki, mantap",
    "Parkir liar di depan RSUD bikin macet, mohon ditertibkan",
    "Kapan ada lowongan kerja / job fair di Purbalingga?",
    "Mohon salinan data penerima BLT desa {desa} 2025",
]
PLACES = [
    ("Karangreja", "Serang"),
    ("Karangreja", "Kutabawa"),
    ("Bobotsari", "Karangmalang"),
    ("Kutasari", "Candinata"),
    ("Bojongsari", "Beji"),
    ("Mrebet", "Campakoah"),
    ("Kalimanah", "Kalimanah Wetan"),
    ("Padamara", "Karangsentul"),
    ("Kemangkon", "Bokol"),
    ("Bukateja", "Kutawis"),
    ("Kejobong", "Bandingan"),
    ("Rembang", "Losari"),
    ("Kaligondang", "Penaruban"),
    ("Karanganyar", "Bungkanel"),
]
NAMES = [
    "Sri Wahyuni",
    "Budi Santoso",
    "warga_bojongsari",
    "Dwi Lestari",
    "mas_agus_pbg",
    "Siti Aminah",
    "Rina",
    "Yanto Kutasari",
    "ibu_nur",
    "Slamet Riyadi",
    "Eko P.",
    "tri.handayani",
]
ANSWERS = [
    "Terima kasih atas laporannya. Sudah kami teruskan ke petugas lapangan "
    "dan akan ditinjau minggu ini.",
    "Terima kasih, Bapak/Ibu. Laporan sudah kami catat dan akan ditindaklanjuti "
    "sesuai jadwal pemeliharaan.",
    "Petugas kami sudah meninjau lokasi; perbaikan dijadwalkan pekan depan.",
    "Informasi yang diminta dapat dilihat di laman PPID kami; bila perlu "
    "salinan, silakan ajukan permohonan informasi.",
]
# Channels and their share of the demo's cases (2025: 83.7 % by WhatsApp).
CHANNEL_WEIGHTS = [
    (events.WHATSAPP, 56),
    (events.INSTAGRAM_COMMENT, 12),
    (events.INSTAGRAM_MESSAGE, 5),
    (events.FACEBOOK_COMMENT, 7),
    (events.MESSENGER, 4),
    (events.YOUTUBE_COMMENT, 5),
    (events.TIKTOK_COMMENT, 3),
    (events.PORTAL, 8),
]


class _Fake:
    """The fake platform in a thread, its clock and its webhook payloads."""

    def __init__(self) -> None:
        self.server, _state, self.url = fake_platform.start_in_thread()
        self.client = httpx.Client(base_url=self.url, timeout=10)

    def close(self) -> None:
        self.client.close()
        self.server.shutdown()
        self.server.server_close()

    def clock(self, moment: datetime.datetime | None) -> None:
        body = {"now": moment.isoformat() if moment else None}
        self.client.post("/_inbox/clock", json=body).raise_for_status()

    def inject(self, **spec: Any) -> dict:
        spec["time"] = spec["time"].isoformat()
        answer = self.client.post("/_inbox/inject", json=spec)
        answer.raise_for_status()
        return answer.json()


@contextmanager
def _as_of(moment: datetime.datetime, fake: _Fake) -> Iterator[None]:
    """Let the inbox (and the fake platform) see ``moment`` as now while a
    step is replayed."""
    original = services.now
    services.now = lambda: moment
    fake.clock(moment)
    try:
        yield
    finally:
        services.now = original


def _deliver(source: str, payload: dict) -> None:
    """A webhook delivery as the platform sends it: signed, stored, read."""
    body = json.dumps(payload).encode()
    signature = fake_inbox.sign(body, settings.META_APP_SECRET)
    intake.store(
        source=source,
        body=body,
        signature=signature,
        enqueue=lambda pk: intake.process(delivery_id=pk),
    )


def _moment(rng: random.Random, now: datetime.datetime) -> datetime.datetime:
    # More recent weeks are busier; a fifth arrive in the evening.
    age = int(DAYS * rng.random() ** 1.6)
    day = timezone.localdate(now) - datetime.timedelta(days=age)
    hour = rng.choice([7, 8, 9, 10, 11, 13, 14, 15, 19, 20, 21])
    moment = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60)))
    )
    return min(moment, now - datetime.timedelta(minutes=30 + rng.randrange(600)))


def _text(rng: random.Random) -> tuple[str, str, str]:
    kec, desa = rng.choice(PLACES)
    return rng.choice(MESSAGES).format(kec=kec, desa=desa), kec, desa


def _arrive(
    channel: str,
    moment: datetime.datetime,
    rng: random.Random,
    fake: _Fake,
    accounts: dict[str, list[SocialAccount]],
    admins: dict[int, User],
    n: int,
) -> Case | None:
    """The citizen writes on ``channel`` at ``moment``; the case it opened."""
    text, kec, desa = _text(rng)
    name = rng.choice(NAMES)
    author = {"id": "citizen-{}".format(n), "name": name}
    if channel == events.WHATSAPP:
        author["id"] = "628{:010d}".format(1200000000 + n * 7919 % 800000000)
        found = fake.inject(
            platform="whatsapp", account=LINE_ID, author=author, text=text, time=moment
        )
        _deliver("whatsapp", found["payload"])
    elif channel == events.PORTAL:
        kecamatan = Opd.objects.filter(
            kind=Opd.Kind.KECAMATAN, name__endswith=kec
        ).first()
        with _as_of(moment, fake):
            case, _code = portal.submit_aspiration(
                data={
                    "kind": "complaint" if "?" not in text else "question",
                    "title": text[:80],
                    "text": text,
                    "kecamatan": kecamatan,
                    "village": desa,
                    "name": name,
                    "phone": "",
                    "email": "warga{}@contoh.id".format(n),
                    "anonymous": n % 9 == 0,
                    "confidential": False,
                }
            )
        return case
    elif channel == events.TIKTOK_COMMENT:
        account = rng.choice(accounts["tiktok"])
        admin = admins.get(account.opd_id)
        if admin is None:
            return None
        with _as_of(moment + datetime.timedelta(hours=2), fake):
            return services.record_manual(
                by=admin,
                account=account,
                text=text,
                author=name.replace(" ", "_").lower(),
                received_at=moment,
                permalink=account.profile_url,
            )
    else:
        platform = events.PLATFORM_OF[channel]
        account = rng.choice(accounts[platform])
        kind = "comment" if channel.endswith("comment") else "message"
        spec: dict[str, Any] = {
            "platform": platform,
            "kind": kind,
            "account": account.external_id,
            "author": author,
            "text": text,
            "time": moment,
        }
        if kind == "comment":
            posts = fake_platform.media_for(
                account.external_id, timezone.localdate(moment)
            )
            spec["post"] = posts[n % len(posts)]["id"]
        found = fake.inject(**spec)
        if platform == "youtube":
            _poll_youtube(account, moment, fake)
        else:
            _deliver("meta", found["payload"])
    return Case.objects.filter(received_at=moment).order_by("-pk").first()


def _poll_youtube(
    account: SocialAccount, moment: datetime.datetime, fake: _Fake
) -> None:
    # YouTube has no comment webhook: the inbox polls commentThreads.list.
    from aspirations.channels import polling

    with _as_of(moment + datetime.timedelta(minutes=15), fake):
        polling.poll_account(account.pk, since=moment - datetime.timedelta(minutes=1))


def _replay(
    case: Case,
    rng: random.Random,
    fake: _Fake,
    coordinator: User,
    admins: dict[int, User],
    now: datetime.datetime,
    n: int,
) -> None:
    """Take a case as far as its age allows, some steps late; of the last
    two weeks' cases, a share stops at each stage, as an inbox at work."""
    recent = now - case.received_at < datetime.timedelta(days=14)
    stage = n % 5 if recent else 4  # 0 new, 1 routed, 2 answered, 3+ done
    if stage == 0:
        return
    working = 1 if rng.random() < 0.8 else 5  # most are routed in time
    if case.channel in (events.INSTAGRAM_MESSAGE, events.MESSENGER):
        working = 0.2  # a direct message is routed within hours
    routed_at = case.received_at + datetime.timedelta(
        hours=rng.randrange(1, 20) * working
    )
    if routed_at >= now:
        return
    if case.kind == "spam":
        with _as_of(routed_at, fake):
            services.archive(case=case, by=coordinator, reason="Spam / promosi")
        return
    opd = case.suggested_opd or case.account.opd if case.account else case.suggested_opd
    if opd is None:
        opd = Opd.objects.filter(short_name="DINKOMINFO").first()
    if n % 23 == 5:
        with _as_of(routed_at, fake):
            services.postpone(
                case=case,
                by=coordinator,
                until=None,
                reason="Menunggu kejelasan lokasi dari pelapor",
            )
        return
    with _as_of(routed_at, fake):
        case = services.route(case=case, by=coordinator, opd=opd)
    admin = admins.get(opd.pk)
    if admin is None or stage == 1:
        return
    if n % 17 == 3:
        # Not theirs: sent back, routed again to the regency's works office.
        back = routed_at + datetime.timedelta(hours=26)
        if back >= now:
            return
        with _as_of(back, fake):
            case = services.not_ours(
                case=case, by=admin, reason="Bukan kewenangan kami, jalan kabupaten."
            )
        other = Opd.objects.filter(short_name="DPUPR").exclude(pk=opd.pk).first()
        if other is None or other.pk not in admins:
            return
        with _as_of(back + datetime.timedelta(hours=3), fake):
            case = services.route(case=case, by=coordinator, opd=other)
        admin, routed_at = admins[other.pk], back + datetime.timedelta(hours=3)
    late = rng.random() < 0.18
    answered_at = routed_at + datetime.timedelta(
        hours=rng.randrange(2, 30) * (6 if late else 1)
    )
    if case.channel in (events.INSTAGRAM_MESSAGE, events.MESSENGER):
        # A direct message is answered inside Meta's 24 hours or never:
        # the OPDs that answer them do so the same day.
        answered_at = min(
            answered_at, case.last_citizen_message_at + datetime.timedelta(hours=20)
        )
    if answered_at >= now:
        return
    kind = services.reply_kinds(case)[0]
    if kind == Message.ReplyKind.MESSAGE and case.channel == events.WHATSAPP:
        windows = [w.kind for w in services.open_windows(case, answered_at)]
        if "free_form" not in windows:
            kind = Message.ReplyKind.TEMPLATE
    if n % 29 == 11 and case.channel in (events.WHATSAPP, events.PORTAL):
        with _as_of(answered_at, fake):
            conversions.convert_to_request(
                case=case,
                by=coordinator,
                data=_request_data(case, n),
            )
        return
    if n % 31 == 13:
        with _as_of(answered_at, fake):
            conversions.refer_to_lapor(
                case=case, by=coordinator, tracking_id=str(4100000 + n)
            )
        return
    with _as_of(answered_at, fake):
        services.reply(
            case=case,
            by=admin,
            text=rng.choice(ANSWERS),
            reply_kind=kind,
            template="aspirasi_tindak_lanjut" if kind == "template" else "",
            follow_up=stage > 2,
        )
    case.refresh_from_db()
    if case.state != State.ANSWERED:
        return
    if n % 4 == 0:
        closed_at = answered_at + datetime.timedelta(days=rng.randrange(1, 6))
        if closed_at < now:
            with _as_of(closed_at, fake):
                services.close(case=case, by=admin, note="Warga menyatakan selesai.")
            return
    with _as_of(now, fake):
        services.close_silent_cases(day=timezone.localdate(now))


def _request_data(case: Case, n: int) -> dict:
    first = case.messages.filter(direction=Message.Direction.IN).first()
    return {
        "requester_type": "perorangan",
        "full_name": case.contact.name if case.contact else "Warga",
        # Kecamatan code, then the birth date (DDMMYY), then a serial.
        "nik": "330301{:02d}0190{:04d}".format(1 + n % 28, n),
        "address": "Purbalingga",
        "phone": "",
        "email": "",
        "occupation": "",
        "requested_information": first.text if first else case.title,
        "purpose": "Mengetahui hak warga",
        "access_method": "melihat",
        "copy_format": "",
        "delivery_method": "langsung",
        "opd": case.opd,
    }


def _line() -> WhatsAppLine:
    line, _created = WhatsAppLine.objects.get_or_create(
        phone_number_id=LINE_ID,
        defaults={
            "name": "Lapor MasBuP",
            "display_number": "+62 811-2600-0111",
            "access_token_encrypted": crypto.encrypt(
                "EAAW-demo-lapor-masbup", settings.SOCIAL_TOKEN_KEYS
            ),
        },
    )
    return line


def seed_aspirations(count: int = 300, seed: int = 2026) -> int:
    """Create six months of cases unless the inbox holds some; the number made."""
    if Case.objects.exists():
        return 0
    rng = random.Random(seed)  # nosec B311 # demo data, not security
    _line()
    coordinator = User.objects.filter(role=User.Role.DINKOMINFO).first()
    admins = {
        user.opd_id: user
        for user in User.objects.filter(role=User.Role.OPD_ADMIN, is_active=True)
    }
    connected = SocialAccount.objects.filter(connection="api").exclude(external_id="")
    accounts = {
        platform: list(connected.filter(platform=platform).order_by("pk"))
        for platform in ("instagram", "facebook", "youtube")
    }
    accounts["tiktok"] = list(
        SocialAccount.objects.filter(platform="tiktok").order_by("pk")
    )
    channels = [c for c, w in CHANNEL_WEIGHTS for _ in range(w)]
    fake = _Fake()
    now = timezone.now()
    made = 0
    original_send = services.hook("send")
    try:
        with override_settings(**fake_platform.settings_for(fake.url)):
            # Replies leave in-process through the same sender the workers run.
            services.register("send", replies.send)
            arrivals = sorted(_moment(rng, now) for _ in range(count))
            for n, moment in enumerate(arrivals):
                channel = rng.choice(channels)
                platform = events.PLATFORM_OF[channel]
                if platform in accounts and not accounts[platform]:
                    channel = events.WHATSAPP
                # No transaction around a case's story: each step commits,
                # so a reply leaves (after its commit) on the step's own day.
                case = _arrive(channel, moment, rng, fake, accounts, admins, n)
                if case is None:
                    continue
                made += 1
                if coordinator is not None:
                    _replay(case, rng, fake, coordinator, admins, now, n)
    finally:
        if original_send is not None:
            services.register("send", original_send)
        fake.close()
    return made
