"""Calendar months as the first day of the month, and ``YYYY-MM`` text."""

from __future__ import annotations

import datetime
import re

# Year 0 does not exist in the calendar (datetime refuses it).
MONTH = re.compile(r"([1-9]\d{3})-(0[1-9]|1[0-2])")


def first_of(month: datetime.date) -> datetime.date:
    """The first day of ``month``'s month."""
    return month.replace(day=1)


def parse_month(text: str) -> datetime.date | None:
    """``2026-10`` as the month's first day; None when it is not YYYY-MM."""
    found = MONTH.fullmatch(text.strip())
    return datetime.date(int(found[1]), int(found[2]), 1) if found else None


def previous_month(month: datetime.date) -> datetime.date:
    """The first day of the month before ``month``'s."""
    return first_of(first_of(month) - datetime.timedelta(days=1))
