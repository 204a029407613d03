"""The triage of a new case: the classifier's guess, what staff taught it,
and the cluster of the same matter reported before.

The classifier (``aspirations.triage``) knows no database; this module hands
it the OPD registry and the corrections kept as ``CaseEvent``s, and writes
its answer on the case with the reason staff see.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.utils.translation import gettext as _

from aspirations.inbox.models import OPEN_STATES, Case, CaseEvent, Kind
from aspirations.triage import classifier, duplicates, registry
from opds.models import Opd

# How long a worker reuses the registry and the learned cues before reading
# them again; a correction made in this process is used at once.
CACHE_SECONDS = 60
# Reports of the same matter are looked for among this many recent cases.
DUPLICATE_CANDIDATES = 500

_cache: dict[str, tuple[float, Any]] = {}


def _cached(name: str, build) -> Any:
    hit = _cache.get(name)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = build()
    _cache[name] = (time.monotonic(), value)
    return value


def forget_learned() -> None:
    """Drop the learned cues (after a correction) so the next case uses it."""
    _cache.pop("learned", None)


def corrections() -> list[tuple[str, str, str]]:
    """Every staff correction as (text, field, new value), oldest first."""
    rows = []
    events = CaseEvent.objects.filter(action=CaseEvent.Action.CORRECTED).order_by("id")
    for detail in events.values_list("detail", flat=True).iterator():
        text = (detail or {}).get("text", "")
        for field, change in (detail or {}).get("changes", {}).items():
            if isinstance(change, list) and len(change) == 2 and change[1]:
                rows.append((text, field, change[1]))
    return rows


def _learned() -> classifier.Learned:
    return _cached("learned", lambda: classifier.learn(corrections()))


def _directory() -> registry.Directory:
    return _cached("directory", registry.directory_from_database)


def apply(case: Case, text: str) -> None:
    """Classify a case not yet saved: kind, topic, suggested OPD, kecamatan,
    the cluster it joins, and the reason for each."""
    account_opd = case.suggested_opd
    result = classifier.classify(
        text,
        account_opd_slug=account_opd.slug if account_opd else None,
        learned=_learned(),
        directory=_directory(),
    )
    if case.kind != Kind.WHISTLEBLOWING and not case.triage_corrected:
        case.kind = result.kind
    case.topic = result.topic
    # The OPDs are read, not cached: a cached row may be gone or merged.
    suggested = (
        Opd.objects.active().filter(short_name=result.opd).first()
        if result.opd
        else None
    )
    if suggested is not None:
        case.suggested_opd = suggested
    if case.kecamatan_id is None and result.kecamatan:
        case.kecamatan = (
            Opd.objects.active()
            .filter(kind=Opd.Kind.KECAMATAN, name__iendswith=result.kecamatan)
            .first()
        )
    if not case.village and result.desa:
        case.village = result.desa.title()[:100]
    reasons = [result.kind_reason, result.topic_reason]
    if result.opds:
        reasons.append(result.opds[0].reason)
    lead = _same_matter(case, text, result)
    if lead is not None:
        case.duplicate_of = lead[0]
        reasons.append(
            _("Same matter as %(number)s: %(reason)s")
            % {"number": lead[0].number, "reason": lead[1]}
        )
    case.triage_reason = "\n".join(reason for reason in reasons if reason)


def _same_matter(
    case: Case, text: str, result: classifier.Triage
) -> tuple[Case, str] | None:
    """The lead case of the matter this one reports again, if any."""
    if result.kind == Kind.SPAM or not result.topic:
        return None
    since = case.received_at - datetime.timedelta(days=duplicates.DEFAULT_WINDOW_DAYS)
    recent = (
        Case.objects.filter(
            topic=result.topic,
            state__in=OPEN_STATES,
            received_at__gte=since,
        )
        .select_related("kecamatan", "duplicate_of")
        .order_by("-received_at")[:DUPLICATE_CANDIDATES]
    )
    by_id = {}
    candidates = []
    for other in recent:
        by_id[other.pk] = other
        kecamatan = other.kecamatan.name.split()[-1] if other.kecamatan else None
        candidates.append(
            (other.pk, other.title, other.topic, kecamatan, other.received_at)
        )
    found = duplicates.find_duplicates(
        text,
        candidates,
        topic=result.topic,
        kecamatan=result.kecamatan,
        on=case.received_at,
    )
    if not found:
        return None
    best_id, _score, reason = found[0]
    best = by_id[best_id]
    return (best.duplicate_of or best), reason
