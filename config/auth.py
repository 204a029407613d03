"""Defences of the log-in: the rate limit on password
checks, the lockout answer and the API token endpoint.

django-axes locks a user name out from one address after
``AXES_FAILURE_LIMIT`` failures; the rate limit here caps the failed
password checks from one address over all user names, which axes alone does
not (demo and OPD user names are predictable: ``admin-<slug>``). Successful
log-ins are not counted: a kabupaten office behind one shared address logs
in dozens of staff on a deadline morning, and a guesser never succeeds.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from core.net import client_ip

REFUSAL_TEMPLATE = "429.html"


# The request attribute that holds the stamp an attempt was charged with.
CHARGED = "_login_attempt_charged"


def _django_request(request: Any) -> Any:
    # DRF's Request proxies reads to Django's, but not writes.
    return getattr(request, "_request", request)


class LoginThrottle(SimpleRateThrottle):
    """Failed password checks per client address, over every user name and
    both the log-in page and the API token endpoint.

    An attempt is charged when it arrives, before its password is hashed, so
    that attempts running side by side (one per worker) all count; it is
    given back when the log-in succeeds (``refund``), so only failures use
    the budget.
    """

    scope = "login"

    def get_rate(self) -> str:
        # Read at each request, so the setting is the one source of the rate.
        return "{}/minute".format(settings.LOGIN_ATTEMPTS_PER_MINUTE)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def _recent(self, request: Any) -> list[float]:
        self.key = self.get_cache_key(request, None)
        self.now = self.timer()
        history = self.cache.get(self.key, [])
        return [stamp for stamp in history if stamp > self.now - self.duration]

    def allow_request(self, request: Any, view: Any) -> bool:
        self.history = self._recent(request)
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        if request.method == "POST":
            self.cache.set(self.key, [self.now, *self.history], self.duration)
            setattr(_django_request(request), CHARGED, self.now)
        return True

    def record_failure(self, request: Any) -> None:
        """One more failed password check from the request's address."""
        recent = self._recent(request)
        self.cache.set(self.key, [self.now, *recent], self.duration)

    def refund(self, request: Any) -> None:
        """The attempt charged on arrival succeeded: it costs nothing."""
        stamp = getattr(_django_request(request), CHARGED, None)
        if stamp is None:
            return
        recent = self._recent(request)
        if stamp in recent:
            recent.remove(stamp)
            self.cache.set(self.key, recent, self.duration)
        setattr(_django_request(request), CHARGED, None)


@receiver(user_login_failed)
def count_failed_login(
    sender: Any, credentials: dict, request: Any = None, **kwargs: Any
) -> None:
    """A failed authenticate() with a request counts against the address,
    unless its attempt was charged on arrival already."""
    if request is not None and getattr(request, CHARGED, None) is None:
        LoginThrottle().record_failure(request)


@receiver(user_logged_in)
def refund_successful_login(sender: Any, request: Any = None, **kwargs: Any) -> None:
    """A log-in that succeeded gives its attempt back."""
    if request is not None:
        LoginThrottle().refund(request)


def _refusal(request: HttpRequest, message: str, wait: int) -> HttpResponse:
    headers = {"Retry-After": str(max(wait, 1))}
    if request.path.startswith("/api/"):
        # The API's error format (config.exceptions): {"detail": "..."}.
        return JsonResponse({"detail": message}, status=429, headers=headers)
    context = {"message": message, "password_help": True}  # nosec B105 # a flag
    response = render(request, REFUSAL_TEMPLATE, context, status=429)
    for name, value in headers.items():
        response[name] = value
    return response


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """axes' answer to a locked-out user name and address (AXES_LOCKOUT_CALLABLE)."""
    minutes = settings.AXES_COOLOFF_MINUTES
    message = ngettext(
        "Too many failed log-in attempts for this user name from your address. "
        "Try again in %(minutes)d minute.",
        "Too many failed log-in attempts for this user name from your address. "
        "Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    # Every attempt during a lockout starts the cool-off again, so the whole
    # cool-off is what is left.
    return _refusal(request, message, minutes * 60)


def rate_limited_login(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Wrap a log-in view so that its POSTs are refused once the address has
    used up LoginThrottle's failures."""
    if getattr(view, "login_rate_limited", False):
        # Wrapped once already (a re-imported URLconf): count each POST once.
        return view

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            throttle = LoginThrottle()
            if not throttle.allow_request(request, None):
                message = gettext(
                    "Too many log-in attempts from your address. "
                    "Wait a minute and try again."
                )
                return _refusal(request, message, int(throttle.wait() or 60))
        return view(request, *args, **kwargs)

    wrapped.login_rate_limited = True  # type: ignore[attr-defined]
    return wrapped


class CredentialsSerializer(AuthTokenSerializer):
    """DRF's token request, with lengths that fit the user and axes' records."""

    username = serializers.CharField(label=_("Username"), max_length=150)
    password = serializers.CharField(
        label=_("Password"),
        style={"input_type": "password"},
        trim_whitespace=False,
        max_length=4096,
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class ObtainTokenView(ObtainAuthToken):
    """Exchange a user name and password for an API token, under the same
    rate limit and lockout as the log-in page."""

    throttle_classes = [LoginThrottle]
    serializer_class = CredentialsSerializer

    @extend_schema(
        request=CredentialsSerializer, responses={200: TokenResponseSerializer}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            response = super().post(request, *args, **kwargs)
        except serializers.ValidationError:
            # axes flags the DRF request it was given; its middleware only
            # sees Django's request, so the lockout is answered here.
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request)
            raise
        # A token was given: the attempt charged on arrival costs nothing.
        LoginThrottle().refund(request)
        return response


obtain_token = ObtainTokenView.as_view()
