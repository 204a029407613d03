"""Meta's and WhatsApp's webhooks: the verify handshake, and each POST
checked, stored and acknowledged.

Meta's contract (developers.facebook.com/docs/graph-api/webhooks/
getting-started, read 2026-12-07): a GET with ``hub.mode=subscribe``,
``hub.verify_token`` and ``hub.challenge`` is answered with the challenge
when the token is ours; every POST carries ``X-Hub-Signature-256:
sha256=<HMAC-SHA256 of the raw body keyed with the app secret>``. Meta
retries a POST not answered 200 quickly, so the view does only what must
happen before the answer: the size and signature checks, one INSERT and a
queue publish. The body is read by a worker (aspirations.channels.intake).
Chatwoot shipped without the signature check until GHSA-7rw7-pc8v-mrr3
(unauthenticated message injection).
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from aspirations.channels import intake, tasks

SIGNATURE_HEADER = "HTTP_X_HUB_SIGNATURE_256"


def _text(body: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        body, status=status, content_type="text/plain; charset=utf-8"
    )
    # A refused POST is kept as a rejected delivery (at most
    # ASPIRATION_WEBHOOK_REJECTED_PER_MINUTE), not in the audit log.
    response.refusal_recorded = True
    return response


def _verify(request: HttpRequest) -> HttpResponse:
    token = settings.META_WEBHOOK_VERIFY_TOKEN
    given = request.GET.get("hub.verify_token", "")
    if (
        request.GET.get("hub.mode") == "subscribe"
        and token
        and hmac.compare_digest(given.encode(), token.encode())
    ):
        return _text(request.GET.get("hub.challenge", ""))
    return _text("forbidden", 403)


def _receive(request: HttpRequest, source: str) -> HttpResponse:
    if request.method == "GET":
        return _verify(request)
    limit = settings.ASPIRATION_WEBHOOK_MAX_BYTES
    signature = request.META.get(SIGNATURE_HEADER, "")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        # Refused unread: the body is never taken into memory.
        intake.reject(
            source=source,
            body=b"",
            signature=signature,
            reason=_("Too large: %(size)s bytes declared, the limit is %(limit)s.")
            % {"size": declared, "limit": limit},
        )
        return _text("payload too large", 413)
    body = request.read(limit + 1)
    if len(body) > limit:
        intake.reject(
            source=source,
            body=body,
            signature=signature,
            reason=_("Too large: the body is over %(limit)s bytes.") % {"limit": limit},
        )
        return _text("payload too large", 413)
    if not intake.signature_ok(body, signature):
        intake.reject(
            source=source,
            body=body,
            signature=signature,
            reason=(
                _("No X-Hub-Signature-256 header.")
                if not signature
                else _("X-Hub-Signature-256 does not match the body.")
            ),
        )
        return _text("forbidden", 403)
    intake.store(
        source=source, body=body, signature=signature, enqueue=tasks.wake_drain
    )
    return _text("ok")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta_webhook(request: HttpRequest) -> HttpResponse:
    """Instagram (comments, mentions, messages) and Facebook Page (feed,
    Messenger) notifications."""
    return _receive(request, intake.META)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    """WhatsApp Cloud API notifications (messages and statuses)."""
    return _receive(request, intake.WHATSAPP)
