"""The manual path: posts and their figures from the CSV exports of Meta
Business Suite (Facebook, Instagram) and YouTube Studio.

Every row is checked before anything is written; one bad row refuses the
whole file with a report that names each row and column. Importing the same
file again changes nothing: posts are matched on their platform id and
figures upserted on (post, metric, day).

Files above ``SOCIAL_IMPORT_INLINE_ROWS`` rows are stored and imported by a
task as an ``ImportJob``, whose page shows the progress; the rules are the
same either way.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import runs, work
from opds import permissions as perms
from opds.models import User
from socialposts.accounts.ingest import PostValue, upsert_post_values
from socialposts.accounts.models import Post, SocialAccount
from socialposts.imports import formats
from socialposts.imports.models import ImportJob
from socialposts.pulls.models import IngestionRun

logger = logging.getLogger(__name__)

MAX_ROWS = 20_000
# A job writes how far its check has come after every this many rows: often
# enough for a moving bar, rare enough to cost nothing next to the parsing.
PROGRESS_EVERY = 500
# Reports list the problems of this many rows; the count covers them all.
REPORT_ROWS = 200


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    rows: int
    posts_created: int
    values_written: int


@dataclass(frozen=True)
class Problem:
    """One failed check: the file's row number (None for the whole file),
    the column's header as in the file, and the message."""

    row: int | None
    field: str
    message: str


class RowsInvalid(ValidationError):
    """Rows failed their checks: the per-row report, as text for a form and
    as entries for an import job."""

    def __init__(self, bad_rows: list[tuple[int, list[Problem]]]) -> None:
        self.rows_invalid = len(bad_rows)
        listed = bad_rows[:REPORT_ROWS]
        self.problems = [problem for _row, problems in listed for problem in problems]
        super().__init__(
            {
                "file": [
                    _("Row %(row)s: %(problems)s")
                    % {
                        "row": number,
                        "problems": "; ".join(p.message for p in problems),
                    }
                    for number, problems in listed
                ]
            }
        )


def _number(text: str) -> float | None:
    text = (text or "").strip().replace(",", "").replace(" ", "")
    if text in ("", "-", "--"):
        return None
    value = float(text)
    if value < 0 or value != value:  # negative or NaN
        raise ValueError(text)
    return value


def _read(upload: IO[bytes]) -> list[list[str]]:
    return _rows(_read_bytes(upload))


def _read_bytes(upload: IO[bytes]) -> bytes:
    limit = settings.PPID_UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size and size > limit:
        raise ValidationError(
            {"file": [_("The file is larger than the upload limit.")]}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            {"file": [_("The file is larger than the upload limit.")]}
        )
    return data


def _rows(data: bytes) -> list[list[str]]:
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


def _columns_or_refuse(
    rows: list[list[str]], platform: str
) -> tuple[dict[str, int], dict[str, tuple[int, float]]]:
    if not rows:
        raise ValidationError({"file": [_("The file is empty.")]})
    fields, metrics = formats.columns(rows[0], platform)
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
    return fields, metrics


def check_rows(
    rows: list[list[str]],
    account: SocialAccount,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> list[dict]:
    """Check every row of a read file; return them parsed or raise the report.

    ``on_progress`` is told how many data rows were checked, every
    ``PROGRESS_EVERY`` rows.
    """
    fields, metrics = _columns_or_refuse(rows, account.platform)
    header = rows[0]
    platform = account.platform
    page_id = account.external_id if platform == "facebook" else ""
    # Meta's ids are digits: one Excel shortened is lost, not a new post.
    meta = platform in ("facebook", "instagram")
    # The file's row of each post, in the API's form: a post twice in one
    # file would be two rows merged into one post without a word.
    seen: dict[str, int] = {}
    parsed: list[dict] = []
    bad_rows: list[tuple[int, list[Problem]]] = []
    for checked, row in enumerate(rows[1:]):
        if on_progress is not None and checked and checked % PROGRESS_EVERY == 0:
            on_progress(checked)
        number = checked + 2  # the file's line: 1 is the header
        if not any(cell.strip() for cell in row):
            continue
        external = (
            row[fields["external_id"]].strip()
            if len(row) > fields["external_id"]
            else ""
        )
        if external.lower() in ("total", "jumlah"):
            continue  # YouTube Studio's summary row
        problems: list[Problem] = []

        def cell(index: int, row: list[str] = row) -> str:
            return row[index] if index < len(row) else ""

        def problem(
            index: int,
            message: str,
            number: int = number,
            problems: list[Problem] = problems,
        ) -> None:
            problems.append(Problem(number, header[index], message))

        index = fields["external_id"]
        if not external:
            problem(index, _("column “%(column)s”: empty") % {"column": header[index]})
        elif meta and formats.SCIENTIFIC.match(external):
            problem(
                index,
                _(
                    "column “%(column)s”: “%(value)s” is a number shortened by "
                    "Excel, not a post id: the real id is lost. Export the file "
                    "again from Meta Business Suite as CSV and upload it without "
                    "opening it in Excel."
                )
                % {"column": header[index], "value": external[:40]},
            )
        else:
            external = formats.api_post_id(external[:100], platform, page_id)[:100]
            first = seen.setdefault(external, number)
            if first != number:
                problem(
                    index,
                    _("column “%(column)s”: the same post as row %(row)s")
                    % {"column": header[index], "row": first},
                )
        try:
            published = formats.published(cell(fields["published_at"]))
        except (ValueError, OverflowError):
            index = fields["published_at"]
            problem(
                index,
                _("column “%(column)s”: not a date and time")
                % {"column": header[index]},
            )
            published = None
        values = {}
        for metric, (index, factor) in metrics.items():
            try:
                value = _number(cell(index))
            except ValueError:
                problem(
                    index,
                    _("column “%(column)s”: not a number of 0 or more")
                    % {"column": header[index]},
                )
                continue
            if value is not None:
                values[metric] = value * factor
        duration = None
        if "duration" in fields:
            try:
                duration = _number(cell(fields["duration"]))
            except ValueError:
                index = fields["duration"]
                problem(
                    index,
                    _("column “%(column)s”: not a number of 0 or more")
                    % {"column": header[index]},
                )
        raw_type = cell(fields["post_type"]).strip() if "post_type" in fields else ""
        if platform == "youtube":
            kind = "reels" if duration is not None and duration <= 60 else "video"
        elif raw_type:
            kind = formats.post_type(raw_type)
            if kind is None:
                index = fields["post_type"]
                problem(
                    index,
                    _("column “%(column)s”: unknown post type “%(value)s”")
                    % {"column": header[index], "value": raw_type[:40]},
                )
        else:
            kind = "foto"
        if problems:
            bad_rows.append((number, problems))
            continue
        parsed.append(
            {
                "external_id": external,
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
    if bad_rows:
        raise RowsInvalid(bad_rows)
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
    """Import an export for ``account`` now; figures count as of ``as_of``."""
    as_of = _authorise(account=account, by=by, as_of=as_of)
    return _import_rows(account, _read(upload), as_of)


def start_import(
    *,
    account: SocialAccount,
    upload: UploadedFile,
    by: User,
    as_of: datetime.date | None = None,
) -> ImportResult | ImportJob:
    """Import a small export at once; store a larger one and queue a job.

    Up to ``SOCIAL_IMPORT_INLINE_ROWS`` rows the result comes back; above,
    the job does, and its task is sent once the job is committed.
    """
    as_of = _authorise(account=account, by=by, as_of=as_of)
    data = _read_bytes(upload)
    rows = _rows(data)
    if len(rows) - 1 <= settings.SOCIAL_IMPORT_INLINE_ROWS:
        return _import_rows(account, rows, as_of)
    # A file that is not an export at all is refused now, not after a queue.
    _columns_or_refuse(rows, account.platform)
    job = ImportJob(
        account=account,
        uploaded_by=by,
        original_name=(upload.name or "")[:200],
        as_of=as_of,
        rows_total=len(rows) - 1,
        task_id=runs.new_task_id(),
    )
    job.file.save("import.csv", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            job.save()
            # robust: the job row is the record and its page says where it
            # stands; a broker that refuses the message must not turn the
            # upload into an error page.
            runs.send_after_commit(job, robust=True)
    except BaseException:
        job.file.delete(save=False)
        raise
    return job


def execute(job: ImportJob) -> runs.Outcome:
    """The executor of an import job: check its file and import it, all rows
    or none. Whatever happens, the stored upload is deleted, unless another
    execution took the job over."""
    superseded = False
    try:
        return _run_job(job)
    except runs.Superseded:
        # The upload is the other execution's now.
        superseded = True
        raise
    except RowsInvalid as exc:
        report = [asdict(p) for p in exc.problems]
        return _failed(report, rows_invalid=exc.rows_invalid)
    except ValidationError as exc:
        return _failed([asdict(Problem(None, "", m)) for m in exc.messages])
    except PermissionDenied as exc:
        return _failed([asdict(Problem(None, "", str(exc)))])
    except Exception:
        message = _("The import stopped on an unexpected error; nothing was imported.")
        ImportJob.objects.filter(pk=job.pk, task_id=job.task_id).update(
            report=[asdict(Problem(None, "", message))]
        )
        raise
    finally:
        if not superseded:
            discard_upload(job)


def discard_skipped(job_id: int) -> None:
    """A message that found its job ended: an execution that died before
    cleaning up leaves the upload behind."""
    ended = ImportJob.objects.filter(
        pk=job_id, status__in=[ImportJob.Status.SUCCEEDED, ImportJob.Status.FAILED]
    ).first()
    if ended is not None and ended.file:
        discard_upload(ended)


def _run_job(job: ImportJob) -> runs.Outcome:
    account = job.account
    # The uploader may have lost the right since the upload.
    if job.uploaded_by is None or not perms.can_manage_opd_data(
        job.uploaded_by, account.opd
    ):
        raise PermissionDenied(_("You may not import figures for this account."))
    with job.file.open("rb") as stored:
        rows = _read(stored)
    total = max(len(rows) - 1, 0)
    jobs = ImportJob.objects.filter(pk=job.pk)
    # An attempt after a lost worker checks again from the first row.
    jobs.update(rows_total=total, rows_checked=0)

    # Progress is written only while checking, in autocommit, so the job's
    # page sees it at once. Inside the import transaction a count would stay
    # invisible until the commit, and a second connection cannot write while
    # SQLite holds that transaction's lock; writing is therefore one step,
    # and the job turns succeeded in the same commit as the data.
    def progress(checked: int) -> None:
        jobs.update(rows_checked=checked)
        runs.heartbeat(job)

    parsed = check_rows(rows, account, on_progress=progress)
    progress(total)
    with transaction.atomic():
        result = _write(account, parsed, job.as_of)
        outcome = runs.Outcome(
            ImportJob.Status.SUCCEEDED,
            rows=result.values_written,
            fields={
                "rows_imported": result.rows,
                "posts_created": result.posts_created,
                "values_written": result.values_written,
            },
        )
        # The job turns succeeded in the same commit as the data; a job the
        # sweeper gave to another message meanwhile imports nothing here.
        if not runs.finish(job, outcome):
            raise runs.Superseded
    return dataclasses.replace(outcome, finished=True)


def _failed(report: list[dict], *, rows_invalid: int = 0) -> runs.Outcome:
    return runs.Outcome(
        ImportJob.Status.FAILED,
        fields={"report": report, "rows_invalid": rows_invalid, "rows_imported": 0},
    )


def discard_upload(job: ImportJob) -> None:
    """The stored export is the OPD's data: it goes once the job has ended."""
    if job.file:
        try:
            job.file.delete(save=False)
        except OSError:
            logger.warning("import job %s: stored upload not deleted", job.pk)
            return
    ImportJob.objects.filter(pk=job.pk).update(file="")


def _authorise(
    *, account: SocialAccount, by: User, as_of: datetime.date | None
) -> datetime.date:
    if not perms.can_manage_opd_data(by, account.opd):
        raise PermissionDenied(_("You may not import figures for this account."))
    as_of = as_of or timezone.localdate()
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": [_("The date cannot be in the future.")]})
    return as_of


def _import_rows(
    account: SocialAccount, rows: list[list[str]], as_of: datetime.date
) -> ImportResult:
    parsed = check_rows(rows, account)
    with transaction.atomic():
        return _write(account, parsed, as_of)


def _write(
    account: SocialAccount, parsed: list[dict], as_of: datetime.date
) -> ImportResult:
    """Write checked rows; the caller holds the transaction that makes the
    import all-or-nothing."""
    run = IngestionRun.objects.create(
        account=account,
        trigger=IngestionRun.Trigger.IMPORT,
        status=IngestionRun.Status.RUNNING,
        window_start=as_of,
        window_end=as_of,
        attempts=1,
        started_at=timezone.now(),
    )
    ids, created = _post_ids(account, parsed)
    written = upsert_post_values(_values(parsed, ids, as_of, account.platform))
    # Recorded as a pull that succeeded: the account is fresh again.
    runs.finish(
        run,
        runs.Outcome(
            IngestionRun.Status.SUCCEEDED,
            rows=written,
            fields={"rows_written": written},
        ),
    )
    # Posts and figures are written in bulk: no signal tells the staff's work.
    work.changed([account.opd_id])
    return ImportResult(rows=len(parsed), posts_created=created, values_written=written)


def _post_ids(account: SocialAccount, parsed: list[dict]) -> tuple[dict[str, int], int]:
    """Each row's post, created when new: the file's id → the post's pk, and
    how many posts were created.

    A Facebook post matches in the API's form (``{page-id}_{post-id}``) or,
    as an import before this form stored it, without the prefix; a new one
    is stored in the API's form, so the next pull finds it.
    """
    platform, page_id = account.platform, account.external_id
    older = {
        p["external_id"]: formats.export_post_id(p["external_id"], platform, page_id)
        for p in parsed
    }
    wanted = set(older) | {o for o in older.values() if o}
    known = dict(
        Post.objects.filter(account=account, external_id__in=wanted).values_list(
            "external_id", "pk"
        )
    )
    ids = {}
    for external, old in older.items():
        pk = known.get(external) or known.get(old)
        if pk is not None:
            ids[external] = pk
    fields = ("published_at", "permalink", "caption", "content_type")
    new = [
        Post(
            account=account,
            external_id=p["external_id"],
            duration_seconds=p["duration_seconds"],
            **{k: p[k] for k in fields},
        )
        for p in parsed
        if p["external_id"] not in ids
    ]
    Post.objects.bulk_create(new, batch_size=500)
    if new:
        ids.update(
            Post.objects.filter(
                account=account, external_id__in=[post.external_id for post in new]
            ).values_list("external_id", "pk")
        )
    return ids, len(new)


def _values(
    parsed: list[dict], ids: dict[str, int], as_of: datetime.date, platform: str
) -> Iterable[PostValue]:
    for post in parsed:
        for metric, value in post["values"].items():
            yield PostValue(
                ids[post["external_id"]], metric, as_of, value, "csv:" + platform
            )


# A job whose worker is lost this often is given up: the file is at fault.
IMPORT_ATTEMPTS = 3
WORKER_LOST = gettext_lazy(
    "The import stopped three times without finishing; nothing was imported. "
    "Upload the file again, or split it."
)


def timeout() -> datetime.timedelta:
    """How long a job may go without progress, or wait for its message."""
    return datetime.timedelta(minutes=settings.SOCIAL_IMPORT_TIMEOUT_MINUTES)


def give_up(job: ImportJob) -> None:
    """The sweeper failed the job for good: say why, and delete the upload."""
    ImportJob.objects.filter(pk=job.pk).update(
        report=[asdict(Problem(None, "", str(WORKER_LOST)))]
    )
    discard_upload(job)
