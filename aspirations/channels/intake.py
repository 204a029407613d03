"""Webhook deliveries: stored as they arrive, then read into the inbox.

The webhook view stores the raw body (``store``) and hands its id to a
Celery task, which calls ``process``. The row is the record, not the
broker: a task that crashes, a worker killed mid-way or a Redis restarted
without its data leaves the delivery pending, and ``sweep`` (every minute,
from beat) sends it again. Processing is idempotent (the inbox stores a
message once per platform and id; a status never goes backwards), so a
delivery run twice, a redelivery by Meta or a replay change nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirations.channels import parsers
from aspirations.events import Inbound, Malformed, StatusUpdate
from aspirations.inbox import services as inbox
from aspirations.inbox.models import Delivery, Message, WhatsAppLine
from socialposts.accounts.models import SocialAccount

logger = logging.getLogger(__name__)

META = "meta"
WHATSAPP = "whatsapp"
SOURCES = (META, WHATSAPP)
# A rejected delivery keeps only the start of its body: enough to see what
# was sent, without letting anyone fill the table with large bodies.
REJECTED_BODY_BYTES = 4096

Status = Message.Delivery
# The webhook's one write, without the model's machinery: it is most of the
# answer's time (bench/webhooks.py). The defaults of Delivery written out.
INSERT_DELIVERY = (
    "INSERT INTO aspirations_delivery (source, received_at, body, signature, "
    "status, reason, attempts, messages_stored, processed_at) "
    "VALUES (%s, %s, %s, %s, 'pending', '', 1, 0, NULL) RETURNING id"
)
# The order a sent message's delivery moves in; a status that arrives late
# (Meta does not promise order) never moves it back.
_RANK = [Status.QUEUED, Status.SENT, Status.DELIVERED, Status.READ]
# "failed" replaces only a message not yet known to have arrived.
_FAILED_FROM = [Status.QUEUED, Status.SENT]


def signature_ok(body: bytes, header: str) -> bool:
    """Whether ``header`` is ``sha256=`` + the HMAC of ``body`` with one of
    the portal's Meta app secrets (constant-time comparison)."""
    if not header.startswith("sha256="):
        return False
    given = header[len("sha256=") :].strip().lower().encode()
    for secret in settings.META_WEBHOOK_SECRETS:
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if hmac.compare_digest(given, expected.encode()):
            return True
    return False


def send(delivery_id: int, enqueue: Callable[[int], None]) -> bool:
    """Hand a stored delivery to a worker with ``enqueue`` (the task's
    publisher, ``aspirations.channels.tasks.publish``); False if the broker
    refused (the sweep sends it again)."""
    try:
        enqueue(delivery_id)
    except Exception:  # the broker down or unreachable: the row stays pending
        logger.warning(
            "delivery %s not queued; the sweep will", delivery_id, exc_info=True
        )
        return False
    return True


def store(
    *,
    source: str,
    body: bytes,
    signature: str,
    enqueue: Callable[[int], None],
) -> int:
    """Keep a signed delivery as it arrived (one INSERT) and queue it; its id."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(INSERT_DELIVERY, [source, now, body, signature[:100]])
        delivery_id = cursor.fetchone()[0]
    send(delivery_id, enqueue)
    return delivery_id


def reject(*, source: str, body: bytes, signature: str, reason: str) -> bool:
    """Record a refused delivery with its reason, never processed; False
    when this minute's allowance of rejected records is spent (an
    unauthenticated sender must not be able to fill the table)."""
    key = "aspirations:webhook-rejected:{}:{}".format(
        source, timezone.now().strftime("%Y%m%d%H%M")
    )
    if cache.add(key, 1, timeout=120):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            count = 1
    if count > settings.ASPIRATION_WEBHOOK_REJECTED_PER_MINUTE:
        return False
    now = timezone.now()
    Delivery.objects.create(
        source=source,
        received_at=now,
        body=bytes(body[:REJECTED_BODY_BYTES]),
        signature=signature[:100],
        status=Delivery.Status.REJECTED,
        reason=reason[:300],
        processed_at=now,
    )
    return True


# --- Processing ------------------------------------------------------------------------


def parse(delivery: Delivery) -> list[Inbound | StatusUpdate]:
    """The events of a stored body; ``Malformed`` if it is not JSON of the
    documented shape."""
    try:
        payload = json.loads(bytes(delivery.body))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed(_("The body is not JSON: %(error)s") % {"error": exc}) from None
    if delivery.source == WHATSAPP:
        return parsers.parse_whatsapp(payload)
    own = [settings.SOCIAL_META_APP_ID, settings.SOCIAL_INSTAGRAM_APP_ID]
    return parsers.parse_meta(payload, own_app_ids=[app for app in own if app])


def _finish(delivery_id: int, **fields: Any) -> None:
    fields.setdefault("processed_at", timezone.now())
    Delivery.objects.filter(pk=delivery_id).update(**fields)


class _Ends:
    """The OPDs' ends of the events, looked up once per delivery."""

    def __init__(self, events: Iterable[Inbound | StatusUpdate]) -> None:
        inbound = [e for e in events if isinstance(e, Inbound)]
        wa = {e.account_external_id for e in inbound if e.platform == WHATSAPP}
        social = {
            (e.platform, e.account_external_id)
            for e in inbound
            if e.platform != WHATSAPP
        }
        self.lines = {
            line.phone_number_id: line
            for line in WhatsAppLine.objects.filter(phone_number_id__in=wa)
        }
        query = Q(pk__in=[])
        for platform, external in social:
            query |= Q(platform=platform, external_id=external)
        self.accounts = {
            (a.platform, a.external_id): a
            for a in SocialAccount.objects.filter(query).select_related("opd")
        }

    def of(self, event: Inbound) -> tuple[Any, WhatsAppLine | None]:
        if event.platform == WHATSAPP:
            return None, self.lines.get(event.account_external_id)
        return self.accounts.get((event.platform, event.account_external_id)), None


def process(*, delivery_id: int, replay: bool = False) -> Delivery:
    """Read one stored delivery into the inbox (the Celery task's body).

    A delivery already processed or rejected is left as it is unless
    ``replay`` (``manage.py replay_deliveries``); a replay stores only what
    is missing. An exception leaves the delivery pending for the sweep.
    """
    delivery = Delivery.objects.get(pk=delivery_id)
    if delivery.status != Delivery.Status.PENDING and not replay:
        return delivery
    try:
        events = parse(delivery)
    except Malformed as exc:
        _finish(delivery.pk, status=Delivery.Status.REJECTED, reason=str(exc)[:300])
        return Delivery.objects.get(pk=delivery.pk)
    ends = _Ends(events)
    stored = 0
    unknown: list[str] = []
    known = 0
    for event in events:
        if isinstance(event, StatusUpdate):
            apply_status(event)
            known += 1
            continue
        account, line = ends.of(event)
        if account is None and line is None:
            unknown.append("{} {}".format(event.platform, event.account_external_id))
            continue
        known += 1
        if inbox.receive(event=event, account=account, whatsapp_line=line) is not None:
            stored += 1
    if unknown and not known:
        names = ", ".join(sorted(set(unknown)))
        _finish(
            delivery.pk,
            status=Delivery.Status.REJECTED,
            reason=(_("unknown account: %(accounts)s") % {"accounts": names})[:300],
        )
    else:
        reason = ""
        if unknown:
            reason = _("events of unknown accounts skipped: %(accounts)s") % {
                "accounts": ", ".join(sorted(set(unknown)))
            }
        before = (
            0
            if delivery.status == Delivery.Status.PENDING
            else delivery.messages_stored
        )
        _finish(
            delivery.pk,
            status=Delivery.Status.PROCESSED,
            reason=reason[:300],
            messages_stored=before + stored,
        )
    return Delivery.objects.get(pk=delivery.pk)


def apply_status(update: StatusUpdate) -> int:
    """Move a sent message's delivery forward (never back); the rows changed."""
    if update.status == Status.FAILED:
        allowed = _FAILED_FROM
    elif update.status in _RANK:
        # Delivered or read after "failed": the citizen's phone got it after all.
        allowed = _RANK[: _RANK.index(update.status)] + [Status.FAILED]
    else:
        return 0
    fields: dict[str, Any] = {"delivery": update.status}
    if update.status == Status.FAILED:
        fields["delivery_error"] = update.error[:300]
    elif update.status in (Status.DELIVERED, Status.READ):
        fields["delivery_error"] = ""
    with transaction.atomic():
        return Message.objects.filter(
            platform=update.platform,
            external_id=update.external_id,
            delivery__in=allowed,
        ).update(**fields)


# --- Recovery --------------------------------------------------------------------------


def due_for_resend(delivery: Delivery, now: datetime.datetime) -> bool:
    """Pending long enough that its message must be lost: after the first
    wait, each further resend waits twice as long (capped), so a long queue
    is not flooded with copies of what it still holds."""
    wait = settings.ASPIRATION_WEBHOOK_RESEND_AFTER_SECONDS * 2 ** max(
        delivery.attempts - 1, 0
    )
    wait = min(wait, settings.ASPIRATION_WEBHOOK_RESEND_MAX_SECONDS)
    return delivery.received_at <= now - datetime.timedelta(seconds=wait)


def drain(*, batch: int = 200) -> int:
    """Read every pending delivery into the inbox, oldest first, until none
    is left (the drain task's body); the number this call processed.

    Each delivery is claimed first (its ``attempts`` moved on where it
    still stands), so two drains running at once never read the same one;
    one that raises stays pending for the sweep and the drain goes on.
    """
    done = 0
    last = 0
    while True:
        rows = list(
            Delivery.objects.filter(status=Delivery.Status.PENDING, pk__gt=last)
            .order_by("pk")
            .values_list("pk", "attempts")[:batch]
        )
        if not rows:
            return done
        for pk, attempts in rows:
            claimed = Delivery.objects.filter(
                pk=pk, status=Delivery.Status.PENDING, attempts=attempts
            ).update(attempts=attempts + 1)
            if not claimed:
                continue
            try:
                process(delivery_id=pk)
            except Exception:  # left pending: the sweep sends it again
                logger.exception("delivery %s failed; the sweep will retry", pk)
                continue
            done += 1
        last = rows[-1][0]


def sweep(
    *,
    enqueue: Callable[[int], None],
    now: datetime.datetime | None = None,
    limit: int = 5000,
) -> int:
    """Send again the pending deliveries whose message was lost (a worker
    killed, Redis restarted empty); fail one out of attempts. The number
    sent again."""
    now = now or timezone.now()
    oldest = now - datetime.timedelta(
        seconds=settings.ASPIRATION_WEBHOOK_RESEND_AFTER_SECONDS
    )
    pending = (
        Delivery.objects.filter(status=Delivery.Status.PENDING, received_at__lte=oldest)
        .order_by("received_at")
        .only("pk", "received_at", "attempts")[:limit]
    )
    resent = 0
    for delivery in pending:
        if not due_for_resend(delivery, now):
            continue
        if delivery.attempts >= settings.ASPIRATION_WEBHOOK_MAX_ATTEMPTS:
            _finish(
                delivery.pk,
                status=Delivery.Status.FAILED,
                reason=_("Gave up after %(n)s attempts; replay it once fixed.")
                % {"n": delivery.attempts},
            )
            continue
        # Only the sweep that moves ``attempts`` on sends it.
        moved = Delivery.objects.filter(
            pk=delivery.pk,
            status=Delivery.Status.PENDING,
            attempts=delivery.attempts,
        ).update(attempts=delivery.attempts + 1)
        if moved and send(delivery.pk, enqueue):
            resent += 1
    return resent
