"""Money as the PPID's pages show it: ``Rp 1.500`` (ppid.requests.fees)."""

from __future__ import annotations

from typing import Any

from django import template

from ppid.requests.fees import format_rupiah

register = template.Library()


@register.filter
def rupiah(value: Any) -> str:
    """``1500`` as ``Rp 1.500``; an empty value as nothing."""
    if value in (None, ""):
        return ""
    return format_rupiah(int(value))
