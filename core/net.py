"""The client's address, one rule for every rate limit, lockout and audit
record."""

from __future__ import annotations

import ipaddress
from typing import Any

from rest_framework.throttling import BaseThrottle


def client_ip(request: Any) -> str | None:
    """The client's address, as every rate limit and lockout counts it."""
    # DRF's rule: X-Forwarded-For is read only for NUM_PROXIES proxies. A
    # mangled header falls back to the peer; neither may reach axes' inet
    # column unless it is an address.
    for candidate in (
        BaseThrottle().get_ident(request),
        request.META.get("REMOTE_ADDR"),
    ):
        try:
            return str(ipaddress.ip_address((candidate or "").strip()))
        except ValueError:
            continue
    return None
