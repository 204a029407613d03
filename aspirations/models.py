"""The models of the aspiration inbox, as Django registers them; code
imports them from ``aspirations.inbox.models``."""

from aspirations.inbox.models import (
    CannedResponse,
    Case,
    CaseEvent,
    CaseFile,
    Contact,
    Delivery,
    Message,
    WhatsAppLine,
)

__all__ = [
    "CannedResponse",
    "Case",
    "CaseEvent",
    "CaseFile",
    "Contact",
    "Delivery",
    "Message",
    "WhatsAppLine",
]
