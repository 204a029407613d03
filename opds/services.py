"""Writes to the OPD registry and to users."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import versions
from opds.models import Opd, User
from opds.permissions import can_change_registry, can_manage_opd_data

REGISTRY_CSV = Path(__file__).resolve().parent / "data" / "purbalingga_opd.csv"

# Fields an OPD admin keeps up to date; the rest is the legal structure.
CONTACT_FIELDS = ("website", "email", "phone", "address", "head_name", "head_title")
PPID_CONTACT_FIELDS = ("ppid_contact_name", "ppid_contact_email", "ppid_contact_phone")
PROFILE_FIELDS = CONTACT_FIELDS + PPID_CONTACT_FIELDS


def opd_changed(opd: Opd, *, registry: bool = True) -> None:
    """Make the cached public pages that show ``opd`` stale once the change
    commits; with ``registry`` also every list naming OPDs (its name, slug,
    kind or validity changed, or it is new). ppid/catalogue/cache.py
    describes the versions."""
    names = ["opd:{}".format(opd.pk)]
    if registry:
        names.append("opds")
    versions.bump(*names)


@dataclass(frozen=True)
class ImportResult:
    """How many rows of a registry import were new and how many updated."""

    created: int
    updated: int


REGISTRY_COLUMNS = {"short_name", "name", "kind"}


def read_registry_csv(path: Path = REGISTRY_CSV) -> list[dict[str, str]]:
    """Read an OPD registry CSV (short_name, name, kind[, website, parent]).

    Spreadsheet programs write a byte-order mark; ``utf-8-sig`` drops it.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            columns = set(reader.fieldnames or [])
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text.")) from None
    except csv.Error as exc:
        raise ValidationError(
            _("The file is not a valid CSV: %(error)s") % {"error": exc}
        ) from None
    missing = REGISTRY_COLUMNS - columns
    if missing:
        raise ValidationError(
            _("Missing columns: %(columns)s") % {"columns": ", ".join(sorted(missing))}
        )
    return rows


def _row_error(line: int, error: ValidationError) -> ValidationError:
    messages = []
    for field, errors in error.message_dict.items():
        for message in errors:
            messages.append(
                _("Row %(line)s, field %(field)s: %(message)s")
                % {"line": line, "field": field, "message": message}
            )
    return ValidationError(messages)


@transaction.atomic
def import_opds(*, rows: Iterable[Mapping[str, str]]) -> ImportResult:
    """Create or update OPDs keyed by slug; any bad row rolls back them all.

    The slug is the short name in lower case (``KEC-BUKATEJA`` becomes
    ``kec-bukateja``). An optional ``parent`` column names the parent's
    short name, which must appear earlier or already exist. The website
    only fills an empty one: after that it is the OPD admin's to keep.
    """
    created = updated = 0
    # Header row is line 1, so the first data row is line 2.
    for line, row in enumerate(rows, start=2):
        short_name = (row.get("short_name") or "").strip()
        slug = slugify(short_name)
        values = {
            "short_name": short_name,
            "name": (row.get("name") or "").strip(),
            "kind": (row.get("kind") or "").strip(),
        }
        parent_name = (row.get("parent") or "").strip()
        parent = None
        if parent_name:
            parent = Opd.objects.filter(slug=slugify(parent_name)).first()
            if parent is None:
                raise _row_error(
                    line,
                    ValidationError(
                        {"parent": _("Unknown OPD %(name)s.") % {"name": parent_name}}
                    ),
                )
        opd = Opd.objects.filter(slug=slug).first() if slug else None
        is_new = opd is None
        if is_new:
            opd = Opd(slug=slug)
        for field, value in values.items():
            setattr(opd, field, value)
        opd.website = opd.website or (row.get("website") or "").strip()
        opd.parent = parent
        try:
            opd.full_clean()
        except ValidationError as exc:
            raise _row_error(line, exc) from None
        opd.save()
        opd_changed(opd)
        if is_new:
            created += 1
        else:
            updated += 1
    return ImportResult(created=created, updated=updated)


@transaction.atomic
def update_opd_profile(*, opd: Opd, by: User, data: Mapping[str, str]) -> Opd:
    """Change an OPD's contact and PPID details on behalf of ``by``."""
    if not can_manage_opd_data(by, opd):
        raise PermissionDenied(_("You may not change this OPD."))
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    for field, value in data.items():
        setattr(opd, field, value)
    # Only the fields being changed: an inconsistency elsewhere in the
    # registry is the superuser's to fix and must not block a phone number.
    opd.clean_fields(exclude=[f.name for f in Opd._meta.fields if f.name not in data])
    opd.save(update_fields=list(data))
    # Contacts only: the lists naming OPDs stay as they are.
    opd_changed(opd, registry=False)
    return opd


@transaction.atomic
def merge_opds(
    *,
    predecessors: list[Opd],
    name: str,
    short_name: str,
    kind: str,
    effective: datetime.date,
    by: User,
) -> Opd:
    """Merge ``predecessors`` into a new OPD that exists from ``effective``.

    The old OPDs end the day before, keep their names for earlier months and
    stop taking new data; their admins must be moved by hand.
    """
    if not can_change_registry(by):
        raise PermissionDenied(_("Only a superuser may change the OPD registry."))
    if len(predecessors) < 1:
        raise ValidationError({"predecessors": _("Name at least one OPD to merge.")})
    for old in predecessors:
        if not old.is_valid_on(effective):
            raise ValidationError(
                {
                    "predecessors": _("%(opd)s no longer exists on %(day)s.")
                    % {"opd": old.name, "day": effective.isoformat()}
                }
            )
    successor = Opd(
        name=name,
        short_name=short_name,
        slug=slugify(short_name),
        kind=kind,
        valid_from=effective,
    )
    successor.full_clean()
    successor.save()
    successor.predecessors.set(predecessors)
    opd_changed(successor)
    last_day = effective - datetime.timedelta(days=1)
    for old in predecessors:
        old.valid_to = last_day
        old.is_active = False
        old.full_clean()
        old.save(update_fields=["valid_to", "is_active"])
        opd_changed(old)
    return successor
