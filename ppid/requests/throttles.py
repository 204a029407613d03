"""Rate limits of the request register's public forms, shared by the HTML
pages and the API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from opds import permissions as perms


class RequestSubmissionThrottle(SimpleRateThrottle):
    """Anonymous requests and objections, per IP address; staff are not limited."""

    scope = "request_submission"

    def get_rate(self) -> str:
        # Read at each request, so the setting is the one source of the rate.
        return "{}/hour".format(settings.PPID_REQUEST_SUBMISSIONS_PER_HOUR)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if perms.is_staff_user(request.user):
            return None
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


class RequestTrackingThrottle(RequestSubmissionThrottle):
    """Guessing tracking codes costs time."""

    scope = "request_tracking"

    def get_rate(self) -> str:
        # Enough for a requester who mistypes; far too few to guess codes.
        return "30/hour"
