"""Template filters of the evaluation pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from evaluations.forms import percent_text

register = template.Library()


@register.filter
def percent(ratio: Decimal | None) -> str:
    """A share (0 to 1) as the percentage the scoring form takes, with the
    decimal comma: ``0.755`` → ``75,5``; what was typed is what is shown."""
    return percent_text(ratio)
