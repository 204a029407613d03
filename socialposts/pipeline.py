"""One pull of one account: fetch from the platform, then write everything
the answer held in one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from socialposts import runs, thumbnails, tokens
from socialposts.clients import FetchResult, TokenInvalid, client_for
from socialposts.ingest import (
    AccountValue,
    PostValue,
    upsert_account_values,
    upsert_post_values,
)
from socialposts.models import IngestionRun, Post, RawPayload

Status = IngestionRun.Status
# What a pull may correct on a known post.
REFRESHED = ("permalink", "caption", "duration_seconds")


def pull(run: IngestionRun, **transport: Any) -> tuple[str, int, str]:
    """Fetch the run's window and store it; return (status, rows, problems).

    Platform errors propagate to the caller, which decides whether the run
    is retried, deferred or failed.
    """
    account = run.account
    token = tokens.access_token_for_pull(account, **transport)
    try:
        result = _fetch(run, token, transport)
    except TokenInvalid:
        # A short-lived token may be revoked before its time (a password
        # change); the refresh token decides whether staff must step in.
        if not tokens.renewable(account):
            raise
        token = tokens.access_token_for_pull(account, refused=token, **transport)
        result = _fetch(run, token, transport)
    rows = store(run, result)
    thumbnails.store_pulled(
        account.pk, result.thumbnails, heartbeat=lambda: runs.heartbeat(run)
    )
    status = Status.PARTIAL if result.problems else Status.SUCCEEDED
    return status, rows, "\n".join(result.problems)


def _fetch(run: IngestionRun, token: str, transport: dict[str, Any]) -> FetchResult:
    client = client_for(run.account, token, **transport)
    return client.fetch(
        run.window_start, run.window_end, heartbeat=lambda: runs.heartbeat(run)
    )


def store(run: IngestionRun, result: FetchResult) -> int:
    """Write posts, metric values and raw payloads; return rows written."""
    account = run.account
    now = timezone.now()
    with transaction.atomic():
        RawPayload.objects.bulk_create(
            RawPayload(
                run=run,
                endpoint=call.endpoint[:300],
                api_version=getattr(run, "api_version", "")[:20],
                status_code=call.status,
                payload=call.payload,
                fetched_at=now,
            )
            for call in result.calls
        )
        ids = _save_posts(account, result.posts)
        written = upsert_account_values(
            (
                AccountValue(account.pk, code, day, value, source)
                for code, day, value, source in result.account_values
            ),
            fetched_at=now,
        )
        written += upsert_post_values(
            (
                PostValue(ids[external], code, day, value, source)
                for external, code, day, value, source in result.post_values
                if external in ids
            ),
            fetched_at=now,
        )
    return written


def _save_posts(account: Any, posts: list[dict]) -> dict[str, int]:
    """Create new posts; refresh link and caption of known ones. The content
    type and topics staff set are never overwritten by a pull."""
    known = {
        p.external_id: p
        for p in Post.objects.filter(
            account=account, external_id__in=[p["external_id"] for p in posts]
        )
    }
    new, changed = [], []
    for data in posts:
        post = known.get(data["external_id"])
        if post is None:
            new.append(Post(account=account, **data))
        elif any(
            getattr(post, name) != data[name] for name in REFRESHED if name in data
        ):
            for name in REFRESHED:
                if name in data:
                    setattr(post, name, data[name])
            changed.append(post)
    Post.objects.bulk_create(new, batch_size=500)
    Post.objects.bulk_update(changed, list(REFRESHED), batch_size=500)
    return dict(
        Post.objects.filter(
            account=account, external_id__in=[p["external_id"] for p in posts]
        ).values_list("external_id", "pk")
    )
