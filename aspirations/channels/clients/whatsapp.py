"""The WhatsApp Business Cloud API: replies to citizens.

Inbound messages and statuses come by webhook (parsed elsewhere); this
client only sends. A free-form text leaves only within 24 hours of the
citizen's last message; after that an approved template
(aspirations.windows says which is open).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings

from aspirations.channels.clients.common import BearerGraphTransport
from socialposts.pulls.clients.base import PlatformError


class WhatsAppClient:
    """Messages from one business phone number (its ``phone_number_id``)."""

    platform = "whatsapp"

    def __init__(self, phone_number_id: str, token: str, **transport: Any) -> None:
        self.phone_number_id = phone_number_id
        transport.setdefault("base_url", settings.SOCIAL_GRAPH_BASE_URL)
        self.transport = BearerGraphTransport(token, **transport)

    def close(self) -> None:
        self.transport.close()

    def _send(self, to: str, content: dict[str, Any]) -> str:
        # POST /{phone-number-id}/messages (developers.facebook.com/docs/
        # whatsapp/cloud-api/reference/messages, read 2026-12-07); the
        # answer's messages[0].id is the wamid the status webhooks name.
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            **content,
        }
        answer = self.transport.post(
            "{}/messages".format(self.phone_number_id), body=body
        )
        try:
            return str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as exc:
            raise PlatformError("WhatsApp answered without a message id") from exc

    def send_text(self, to: str, text: str, *, reply_to: str = "") -> str:
        """A free-form text to ``to`` (the citizen's wa_id); the wamid.

        Raises WindowClosed (131047) outside the customer service window.
        ``reply_to`` quotes the citizen's message (``context.message_id``).
        """
        content: dict[str, Any] = {
            "type": "text",
            "text": {"preview_url": False, "body": text},
        }
        if reply_to:
            content["context"] = {"message_id": reply_to}
        return self._send(to, content)

    def send_template(
        self, to: str, name: str, language: str, *, parameters: Sequence[str] = ()
    ) -> str:
        """An approved template (any time); the wamid. ``parameters`` fill
        the body's {{1}}, {{2}}, …

        Raises TemplateRefused (132001) for a name and language WhatsApp
        has not approved (developers.facebook.com/docs/whatsapp/cloud-api/
        guides/send-message-templates, read 2026-12-07).
        """
        template: dict[str, Any] = {"name": name, "language": {"code": language}}
        if parameters:
            template["components"] = [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": p} for p in parameters],
                }
            ]
        return self._send(to, {"type": "template", "template": template})
