"""The manual path: posts and their figures from the CSV exports of Meta
Business Suite (Facebook, Instagram) and YouTube Studio.

Every row is checked before anything is written; one bad row refuses the
whole file with a report that names each row and column. Importing the same
file again changes nothing: posts are matched on their platform id and
figures upserted on (post, metric, day).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil import parser as dateparser
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opds import permissions as perms
from opds.models import User
from socialposts import runs
from socialposts.ingest import PostValue, upsert_post_values
from socialposts.models import IngestionRun, Post, SocialAccount

MAX_ROWS = 20_000

# Canonical field → the headers it may have (English and Indonesian exports).
FIELDS: dict[str, tuple[str, ...]] = {
    "external_id": (
        "post id",
        "id postingan",
        "content",
        "konten",
        "video id",
        "id video",
    ),
    "published_at": (
        "publish time",
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
# Canonical metric → headers, and the factor that turns the value into ours.
METRIC_HEADERS: dict[str, tuple[tuple[str, float], ...]] = {
    "views": (("views", 1), ("tayangan", 1)),
    "reach": (("reach", 1), ("jangkauan", 1)),
    "likes": (("likes", 1), ("suka", 1), ("reactions", 1), ("reaksi", 1)),
    "comments": (("comments", 1), ("komentar", 1), ("comments added", 1)),
    "shares": (("shares", 1), ("dibagikan", 1)),
    "saves": (("saves", 1), ("disimpan", 1)),
    "watch_time_minutes": (("watch time (hours)", 60), ("waktu tonton (jam)", 60)),
}
POST_TYPES = {
    "photo": "foto",
    "photos": "foto",
    "foto": "foto",
    "image": "foto",
    "gambar": "foto",
    "video": "video",
    "videos": "video",
    "reel": "reels",
    "reels": "reels",
    "carousel": "carousel",
    "album": "carousel",
    "story": "story",
    "stories": "story",
    "text": "teks",
    "status": "teks",
    "teks": "teks",
    "link": "teks",
    "links": "teks",
    "tautan": "teks",
}


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    rows: int
    posts_created: int
    values_written: int


def _columns(header: list[str]) -> tuple[dict[str, int], dict[str, tuple[int, float]]]:
    names = [h.strip().lower() for h in header]
    fields = {}
    for field, aliases in FIELDS.items():
        for alias in aliases:
            if alias in names:
                fields[field] = names.index(alias)
                break
    metrics = {}
    for metric, aliases in METRIC_HEADERS.items():
        for alias, factor in aliases:
            if alias in names:
                metrics[metric] = (names.index(alias), factor)
                break
    return fields, metrics


def _number(text: str) -> float | None:
    text = (text or "").strip().replace(",", "").replace(" ", "")
    if text in ("", "-", "--"):
        return None
    value = float(text)
    if value < 0 or value != value:  # negative or NaN
        raise ValueError(text)
    return value


def _published(text: str) -> datetime.datetime:
    moment = dateparser.parse(text.strip(), dayfirst=False)
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment)
    return moment


def _read(upload: UploadedFile) -> list[list[str]]:
    limit = settings.PPID_UPLOAD_MAX_BYTES
    if upload.size and upload.size > limit:
        raise ValidationError(
            {"file": [_("The file is larger than the upload limit.")]}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            {"file": [_("The file is larger than the upload limit.")]}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": [_("The file is not UTF-8 text (CSV).")]}
        ) from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise ValidationError(
            {"file": [_("The file is not a readable CSV: %(error)s") % {"error": exc}]}
        ) from None
    if len(rows) > MAX_ROWS + 2:
        raise ValidationError(
            {"file": [_("At most %(count)s rows per file.") % {"count": MAX_ROWS}]}
        )
    return rows


def parse(upload: UploadedFile, account: SocialAccount) -> list[dict]:
    """Check every row; return them parsed, or raise with the full report."""
    rows = _read(upload)
    if not rows:
        raise ValidationError({"file": [_("The file is empty.")]})
    fields, metrics = _columns(rows[0])
    missing = [f for f in ("external_id", "published_at") if f not in fields]
    if missing:
        raise ValidationError(
            {
                "file": [
                    _(
                        "Not an export we know: a column for the post id and one "
                        "for the publish time are needed (see the accepted columns)."
                    )
                ]
            }
        )
    parsed, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        external = (
            row[fields["external_id"]].strip()
            if len(row) > fields["external_id"]
            else ""
        )
        if external.lower() in ("total", "jumlah"):
            continue  # YouTube Studio's summary row
        problems = []

        def cell(index: int, row: list[str] = row) -> str:
            return row[index] if index < len(row) else ""

        if not external:
            problems.append(
                _("column “%(column)s”: empty")
                % {"column": rows[0][fields["external_id"]]}
            )
        try:
            published = _published(cell(fields["published_at"]))
        except (ValueError, OverflowError):
            problems.append(
                _("column “%(column)s”: not a date and time")
                % {"column": rows[0][fields["published_at"]]}
            )
            published = None
        values = {}
        for metric, (index, factor) in metrics.items():
            try:
                value = _number(cell(index))
            except ValueError:
                problems.append(
                    _("column “%(column)s”: not a number of 0 or more")
                    % {"column": rows[0][index]}
                )
                continue
            if value is not None:
                values[metric] = value * factor
        duration = None
        if "duration" in fields:
            try:
                duration = _number(cell(fields["duration"]))
            except ValueError:
                problems.append(
                    _("column “%(column)s”: not a number of 0 or more")
                    % {"column": rows[0][fields["duration"]]}
                )
        raw_type = (
            cell(fields["post_type"]).strip().lower() if "post_type" in fields else ""
        )
        if account.platform == "youtube":
            kind = "reels" if duration is not None and duration <= 60 else "video"
        elif raw_type:
            kind = POST_TYPES.get(raw_type)
            if kind is None:
                problems.append(
                    _("column “%(column)s”: unknown post type “%(value)s”")
                    % {"column": rows[0][fields["post_type"]], "value": raw_type[:40]}
                )
        else:
            kind = "foto"
        if problems:
            errors.append(
                _("Row %(row)s: %(problems)s")
                % {"row": number, "problems": "; ".join(problems)}
            )
            continue
        parsed.append(
            {
                "external_id": external[:100],
                "published_at": published,
                "permalink": cell(fields["permalink"]).strip()[:500]
                if "permalink" in fields
                else "",
                "caption": cell(fields["caption"]).strip()[:5000]
                if "caption" in fields
                else "",
                "content_type": kind,
                "duration_seconds": int(duration) if duration is not None else None,
                "values": values,
            }
        )
    if errors:
        raise ValidationError({"file": errors[:200]})
    if not parsed:
        raise ValidationError({"file": [_("The file holds no posts.")]})
    return parsed


def import_posts_csv(
    *,
    account: SocialAccount,
    upload: UploadedFile,
    by: User,
    as_of: datetime.date | None = None,
) -> ImportResult:
    """Import an export for ``account``; figures count as of ``as_of``."""
    if not perms.can_manage_opd_data(by, account.opd):
        raise PermissionDenied(_("You may not import figures for this account."))
    as_of = as_of or timezone.localdate()
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": [_("The date cannot be in the future.")]})
    parsed = parse(upload, account)
    with transaction.atomic():
        run = IngestionRun.objects.create(
            account=account,
            trigger=IngestionRun.Trigger.IMPORT,
            status=IngestionRun.Status.RUNNING,
            window_start=as_of,
            window_end=as_of,
            attempts=1,
            started_at=timezone.now(),
        )
        created = _save_posts(account, parsed)
        ids = dict(
            Post.objects.filter(
                account=account, external_id__in=[p["external_id"] for p in parsed]
            ).values_list("external_id", "pk")
        )
        written = upsert_post_values(_values(parsed, ids, as_of, account.platform))
        runs.finish(run, IngestionRun.Status.SUCCEEDED, rows=written)
    return ImportResult(rows=len(parsed), posts_created=created, values_written=written)


def _save_posts(account: SocialAccount, parsed: list[dict]) -> int:
    known = set(
        Post.objects.filter(
            account=account, external_id__in=[p["external_id"] for p in parsed]
        ).values_list("external_id", flat=True)
    )
    new = {
        p["external_id"]: Post(
            account=account,
            **{k: v for k, v in p.items() if k != "values"},
        )
        for p in parsed
        if p["external_id"] not in known
    }
    Post.objects.bulk_create(new.values(), batch_size=500)
    return len(new)


def _values(
    parsed: list[dict], ids: dict[str, int], as_of: datetime.date, platform: str
) -> Iterable[PostValue]:
    for post in parsed:
        for metric, value in post["values"].items():
            yield PostValue(
                ids[post["external_id"]], metric, as_of, value, "csv:" + platform
            )
