"""Shared by the webhook tests: the sample payloads and Meta's signature."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from pathlib import Path

from django.conf import settings

FIXTURES = Path(__file__).parent / "fixtures"
IG_ACCOUNT = "17841405309211844"
PAGE = "105178802304071"
PHONE_NUMBER_ID = "106540352242922"
CITIZEN_WA = "6281234567890"


def fixture(name: str) -> dict:
    """A sample payload (tests/aspirations/fixtures, from the platforms' docs)."""
    return json.loads((FIXTURES / (name + ".json")).read_text())


def sign(body: bytes, secret: str | None = None) -> str:
    secret = secret if secret is not None else settings.META_WEBHOOK_SECRETS[0]
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(client, url: str, payload, *, signature: str | None = None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {}
    if signature != "":
        headers["HTTP_X_HUB_SIGNATURE_256"] = (
            signature if signature is not None else sign(body)
        )
    return client.post(url, data=body, content_type="application/json", **headers)


def wa_messages(*messages: tuple[str, int, str], phone_number_id=PHONE_NUMBER_ID):
    """A WhatsApp payload with these (wamid, unix time, text) from one citizen."""
    payload = fixture("whatsapp_text")
    value = payload["entry"][0]["changes"][0]["value"]
    value["metadata"]["phone_number_id"] = phone_number_id
    template = value["messages"][0]
    value["messages"] = []
    for wamid, at, text in messages:
        message = copy.deepcopy(template)
        message.update(id=wamid, timestamp=str(at), text={"body": text})
        value["messages"].append(message)
    return payload


def wa_status(wamid: str, status: str, at: int, errors=None):
    payload = fixture("whatsapp_status")
    entry = payload["entry"][0]["changes"][0]["value"]["statuses"][0]
    entry.update(id=wamid, status=status, timestamp=str(at))
    if errors:
        entry["errors"] = errors
    return payload
