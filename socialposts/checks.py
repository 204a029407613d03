"""System checks of the social-media settings: the Graph API version's
sunset must not pass unnoticed."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Warning
from django.utils import timezone

# When Meta stops serving each Graph API version (developers.facebook.com/
# docs/graph-api/changelog/versions, read 2026-12-07). Add a version here
# when SOCIAL_GRAPH_API_VERSION moves to it.
GRAPH_SUNSETS = {"v23.0": datetime.date(2027, 10, 8)}
# Warn this long before the sunset: a version upgrade needs a review of
# every metric the clients ask for.
WARN_BEFORE = datetime.timedelta(days=90)


def graph_version(
    app_configs: Any = None, today: datetime.date | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """An error past the configured Graph version's sunset, a warning in
    the 90 days before it, a note when its sunset is not known here."""
    version = settings.SOCIAL_GRAPH_API_VERSION
    sunset = GRAPH_SUNSETS.get(version)
    if sunset is None:
        return [
            Info(
                "The sunset of Graph API {} is not recorded.".format(version),
                hint="Add it to socialposts.checks.GRAPH_SUNSETS.",
                id="socialposts.I001",
            )
        ]
    today = today or timezone.localdate()
    if today >= sunset:
        return [
            Error(
                "Graph API {} was retired on {}.".format(version, sunset),
                hint="Move SOCIAL_GRAPH_API_VERSION to a current version.",
                id="socialposts.E001",
            )
        ]
    if today >= sunset - WARN_BEFORE:
        return [
            Warning(
                "Graph API {} is retired on {}.".format(version, sunset),
                hint="Move SOCIAL_GRAPH_API_VERSION to a current version.",
                id="socialposts.W001",
            )
        ]
    return []
