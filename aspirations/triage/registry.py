"""Which OPDs exist, for the triage's suggestions.

The classifier itself needs no database: by default it reads the registry's
seed file (opds/data/purbalingga_opd.csv). ``directory_from_database`` is
the one place that reads ``opds.models.Opd``; the inbox passes its result to
``classify(directory=…)`` so suggestions follow merged or renamed OPDs.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

# The seed file the registry is loaded from (opds/services.py REGISTRY_CSV).
REGISTRY_CSV = (
    Path(__file__).resolve().parents[2] / "opds" / "data" / "purbalingga_opd.csv"
)


@dataclass(frozen=True)
class OpdInfo:
    """What triage needs to know of an OPD."""

    short_name: str
    slug: str
    name: str
    kind: str


Directory = dict[str, OpdInfo]  # by short name


@functools.cache
def csv_directory() -> Directory:
    """The OPDs of the registry's seed file, by short name; slugs as
    opds.services makes them (slugify of the short name)."""
    with REGISTRY_CSV.open(encoding="utf-8", newline="") as handle:
        return {
            row["short_name"]: OpdInfo(
                short_name=row["short_name"],
                slug=slugify(row["short_name"]),
                name=row["name"],
                kind=row["kind"],
            )
            for row in csv.DictReader(handle)
        }


def directory_from_database() -> Directory:
    """The OPDs that take part in the portal today, from ``opds.models.Opd``."""
    from opds.models import Opd

    return {
        opd.short_name: OpdInfo(
            short_name=opd.short_name, slug=opd.slug, name=opd.name, kind=opd.kind
        )
        for opd in Opd.objects.active().only("short_name", "slug", "name", "kind")
    }


def by_slug(directory: Directory, slug: str | None) -> OpdInfo | None:
    """The OPD with ``slug`` in ``directory``, if any."""
    if not slug:
        return None
    for opd in directory.values():
        if opd.slug == slug:
            return opd
    return None
