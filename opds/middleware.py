"""Request middleware of the audit log."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from opds import audit

REFUSED = (401, 403)


class AuditMiddleware:
    """Makes the current request (user, client address) known to the audit
    log's writer, however deep the code that records runs, and records every
    401 and 403 answer and every API token log-in.

    Sits right after ``AuthenticationMiddleware``; the user is read when an
    event is recorded, so DRF's token authentication is seen too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit.context(audit.Source.REQUEST, request.path, request):
            response = self.get_response(request)
            # A view that keeps its own capped record of what it refuses
            # (the webhooks' rejected deliveries) marks the answer, so an
            # unauthenticated flood cannot fill the audit log.
            recorded = getattr(response, "refusal_recorded", False)
            if response.status_code in REFUSED and not recorded:
                audit.record_refusal(request, response.status_code)
            elif response.status_code == 200 and _is_token_endpoint(request):
                token = (getattr(response, "data", None) or {}).get("token")
                if token:
                    audit.record_token_login(request, token)
        return response


def _is_token_endpoint(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name == "api-token"
