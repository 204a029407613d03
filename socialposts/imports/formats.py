"""What the platforms' CSV exports look like: their headers, their post
types, their dates and their ids.

Header sets read on 2026-12-07 with the project's search tool (code corpus;
the index gives a file's id, not always its repository) from public code
that parses real exports; tests/socialposts/fixtures/exports/README.md lists
them per fixture. Meta Business Suite writes US dates (month first) in both
interface languages; YouTube Studio writes "Mar 3, 2026" in English.
"""

from __future__ import annotations

import datetime
import re

from dateutil import parser as dateparser
from django.utils import timezone

# Canonical field → the headers it may have, lower case.
FIELDS: dict[str, tuple[str, ...]] = {
    "external_id": (
        # Meta Business Suite, English ("Post ID,Account ID,Account username,
        # ..." of the Instagram content export, search id 70884181608; the
        # Facebook one starts "Post ID,Page ID,Page name,Title,Description,
        # Duration (sec),Publish time", search id 53854371267).
        "post id",
        # Meta Business Suite, Indonesian ("ID Postingan","ID Akun","Nama
        # pengguna akun", ... test/instagram-parser.test.js, search id
        # 56136478774).
        "id postingan",
        # YouTube Studio "Table data" ("Content,Video title,Video publish
        # time,...", search id 6692173802) and its Indonesian "Data tabel.csv"
        # ("Konten,Judul video,Waktu publikasi video,...", search ids
        # 67611406064 and 67145554988).
        "content",
        "konten",
        "video id",
        "id video",
    ),
    "published_at": (
        "publish time",
        "waktu penerbitan",  # Meta, Indonesian (search id 56136478774)
        "waktu publikasi",
        "video publish time",
        "waktu publikasi video",
    ),
    "permalink": ("permalink", "tautan permanen"),
    "post_type": ("post type", "jenis postingan"),
    "caption": (
        "description",
        "deskripsi",
        "title",
        "judul",
        "video title",
        "judul video",
    ),
    "duration": ("duration (sec)", "durasi (detik)", "duration", "durasi"),
}

# Canonical metric → (headers, factor that turns the value into ours).
# Meta's Indonesian interface calls views "Tayangan" (its daily "Tayangan"
# file is views, search id 56136478774); Meta has no impressions column since
# Instagram's impressions became views.
META_METRICS: dict[str, tuple[tuple[str, ...], float]] = {
    "views": (("views", "tayangan"), 1),
    "reach": (("reach", "jangkauan"), 1),
    # Instagram counts likes, Facebook reactions; both are our likes.
    "likes": (("likes", "suka", "reactions", "reaksi"), 1),
    "comments": (("comments", "komentar"), 1),
    "shares": (("shares", "frekuensi dibagikan", "dibagikan", "bagikan"), 1),
    "saves": (("saves", "frekuensi disimpan", "disimpan"), 1),
}
# YouTube Studio's Indonesian export calls views "Penayangan" and
# impressions "Tayangan" (search ids 67145554988 and 68605009847). Impressions
# ("Impressions", "Thumbnail impressions", "Tayangan") are not our metric and
# are left unread, never taken for views.
YOUTUBE_METRICS: dict[str, tuple[tuple[str, ...], float]] = {
    "views": (("views", "penayangan"), 1),
    "likes": (("likes", "suka"), 1),
    "comments": (("comments added", "komentar ditambahkan", "komentar"), 1),
    "shares": (("shares", "dibagikan"), 1),
    "watch_time_minutes": (("watch time (hours)", "waktu tonton (jam)"), 60),
}

# The "Post type" column, lower case with single spaces → our content type.
POST_TYPES = {
    # Facebook, English and Indonesian.
    "photo": "foto",
    "photos": "foto",
    "foto": "foto",
    "image": "foto",
    "gambar": "foto",
    "video": "video",
    "videos": "video",
    "live": "video",
    "siaran langsung": "video",
    "reel": "reels",
    "reels": "reels",
    "carousel": "carousel",
    "album": "carousel",
    "story": "story",
    "stories": "story",
    "cerita": "story",
    "text": "teks",
    "status": "teks",
    "teks": "teks",
    "link": "teks",
    "links": "teks",
    "tautan": "teks",
    # Instagram in Meta Business Suite, English ("IG reel", "IG image",
    # search ids 70884181608 and 56283525138; "IG carousel" and "IG story"
    # follow the same pattern) and Indonesian ("Reel IG", "Gambar IG",
    # "Carousel IG", "Cerita IG", search id 56136478774).
    "ig image": "foto",
    "ig photo": "foto",
    "ig video": "video",
    "ig reel": "reels",
    "ig carousel": "carousel",
    "ig story": "story",
    "gambar ig": "foto",
    "foto ig": "foto",
    "video ig": "video",
    "reel ig": "reels",
    "carousel ig": "carousel",
    "cerita ig": "story",
}

# Excel shows a long number as "1.22158E+17" and saves it so: the digits are
# gone. Meta's ids are digits (Facebook's API form digits_digits), so any such
# form is a damaged id (the sample of search id 53854371267 has one).
SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+-]?\d+$")

_US_DATE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ ,T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$"
)
_ID_WORDS = re.compile(
    r"\b(januari|februari|maret|mei|juni|juli|agustus|agus|agu|agt|oktober|okt"
    r"|nopember|nop|desember|des|pukul|wib|wita|wit)\b",
    re.IGNORECASE,
)
_ID_WORD_EN = {
    "januari": "january",
    "februari": "february",
    "maret": "march",
    "mei": "may",
    "juni": "june",
    "juli": "july",
    "agustus": "august",
    "agus": "august",
    "agu": "august",
    "agt": "august",
    "oktober": "october",
    "okt": "october",
    "nopember": "november",
    "nop": "november",
    "desember": "december",
    "des": "december",
    "pukul": " ",
    # Indonesia's three time zones.
    "wib": "+07:00",
    "wita": "+08:00",
    "wit": "+09:00",
}
# "09.15" is how Indonesian writes a time; not "12.08" of "12.08.2026".
_DOTTED_TIME = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})(?:\.(\d{2}))?(?![\d.])")


def metric_headers(platform: str) -> dict[str, tuple[tuple[str, ...], float]]:
    """The metric columns of this platform's export."""
    return YOUTUBE_METRICS if platform == "youtube" else META_METRICS


def columns(
    header: list[str], platform: str
) -> tuple[dict[str, int], dict[str, tuple[int, float]]]:
    """Where each field and each metric is in this header, as far as found."""
    names = [h.strip().lower() for h in header]
    fields = {}
    for field, aliases in FIELDS.items():
        for alias in aliases:
            if alias in names:
                fields[field] = names.index(alias)
                break
    metrics = {}
    for metric, (aliases, factor) in metric_headers(platform).items():
        for alias in aliases:
            if alias in names:
                metrics[metric] = (names.index(alias), factor)
                break
    return fields, metrics


def post_type(text: str) -> str | None:
    """Our content type for the export's "Post type", None when unknown."""
    return POST_TYPES.get(" ".join(text.lower().split()))


def published(text: str) -> datetime.datetime:
    """The export's publish time; raises ValueError when it is none."""
    text = text.strip()
    match = _US_DATE.match(text)
    if match:
        # Meta's form, the bulk of every file: no need for dateutil's search.
        month, day, year, hour, minute, second = match.groups()
        moment = datetime.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            # zoneinfo, not pytz: attaching the zone is the right localisation.
            tzinfo=timezone.get_current_timezone(),
        )
    else:
        english = _ID_WORDS.sub(lambda m: _ID_WORD_EN[m.group(1).lower()], text)
        english = _DOTTED_TIME.sub(
            lambda m: ":".join(g for g in m.groups() if g is not None), english
        )
        moment = dateparser.parse(english, dayfirst=False)
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment)
    return moment


def api_post_id(external_id: str, platform: str, page_id: str) -> str:
    """The id the platform's API gives the post.

    Facebook's API names a Page post ``{page-id}_{post-id}``; Meta Business
    Suite's export writes the post id alone.
    """
    if platform == "facebook" and page_id and "_" not in external_id:
        return "{}_{}".format(page_id, external_id)
    return external_id


def export_post_id(external_id: str, platform: str, page_id: str) -> str | None:
    """The same post's id as an older import stored it (without the Page
    prefix), when it differs from the API form."""
    prefix = "{}_".format(page_id)
    if platform == "facebook" and page_id and external_id.startswith(prefix):
        return external_id[len(prefix) :]
    return None
