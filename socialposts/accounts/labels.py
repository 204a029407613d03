"""What the pages call each canonical metric (socialposts.accounts.models.Metric).

The metric ids come from the platforms' catalogue and are English words
(``comments``, ``reach``); a page never shows them raw. The metric
catalogue's own names are data in the database, kept for the files;
these labels go through gettext like every other word on a page.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

METRIC_LABELS: dict[str, Promise] = {
    "followers": _("Followers"),
    "new_followers": _("New followers"),
    "reach": _("Reach"),
    "views": _("Views"),
    "interactions": _("Interactions"),
    "profile_visits": _("Profile visits"),
    "likes": _("Likes"),
    "comments": _("Comments"),
    "shares": _("Shares"),
    "saves": _("Saves"),
    "watch_time_minutes": _("Watch time (minutes)"),
}

# The order a post's figures are listed in: the widest measures first.
METRIC_ORDER = tuple(METRIC_LABELS)


def metric_label(code: str) -> str:
    """The page's name for a metric id; an id the catalogue does not know
    yet (a platform added it) is shown as words, not as an identifier."""
    label = METRIC_LABELS.get(code)
    if label is not None:
        return str(label)
    return code.replace("_", " ").capitalize()


def ordered_figures(values: dict[str, float]) -> list[tuple[str, float]]:
    """A post's figures as (label, value), in METRIC_ORDER, unknown ids last."""
    rank = {code: i for i, code in enumerate(METRIC_ORDER)}
    codes = sorted(values, key=lambda code: (rank.get(code, len(rank)), code))
    return [(metric_label(code), values[code]) for code in codes]
