"""What every platform client shares: the errors a pull acts on, the
transport that retries and records each answer, and the fetch result.

Every call goes through ``Transport``, which classifies what went wrong:

* ``TokenInvalid`` (Meta code 190, Google ``invalid_grant`` or 401, TikTok
  ``access_token_invalid``): never retried; the account needs reconnecting.
* ``QuotaExceeded`` (YouTube ``quotaExceeded``; a rate limit still hit
  after the retries, or one whose reset lies beyond the retry budget): the
  account is deferred to the next day.
* ``InvalidMetric`` (a metric or field the platform no longer knows): the
  client splits its group, so one retired metric does not lose the others.
* ``NotAllowed`` (the token lacks a scope): that part is skipped.
* ``Transient`` (429, 5xx, timeouts, reset connections, truncated JSON,
  rate-limit codes): retried with exponential backoff and full jitter, at
  most ``SOCIAL_RETRY_ATTEMPTS`` attempts and ``SOCIAL_RETRY_MAX_SECONDS``
  in all, honouring ``Retry-After``.
"""

from __future__ import annotations

import datetime
import json
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
)

# Ask for this many metrics per call: one retired name then costs a split
# of three, not a failed account.
METRIC_GROUP = 3
# Posts older than this are no longer snapshotted every day.
POST_REFRESH_DAYS = 90


class PlatformError(Exception):
    """Something the platform answered that the pull must act on."""


class TokenInvalid(PlatformError):
    """The token is expired, revoked or refused: only a new login helps."""


class QuotaExceeded(PlatformError):
    """The day's quota is spent: try again tomorrow."""


class InvalidMetric(PlatformError):
    """The platform does not know a metric or field that was asked for."""


class NotAllowed(PlatformError):
    """The token was not granted the scope this call needs."""


class Transient(PlatformError):
    """Worth retrying: the platform or the network hiccupped."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(Transient):
    """A rate limit; when the retries cannot outlast it, the pull is deferred."""


class NoData(PlatformError):
    """The platform has no figure to give yet: Meta's "(#10) Not enough
    viewers" for a post with a tiny reach. Nothing failed."""


class ValueRefused(PlatformError):
    """An answer held something other than a number where a metric's value
    belongs: the value is not stored, and the metric is named."""


# Metrics whose value is an object of parts to be added up: reactions by
# type, and views broken down by paid and organic (Meta may send either
# shape for page_media_view; Postiz's v23 provider handles both).
SUMMED_OBJECTS = {"post_reactions_by_type_total", "page_media_view"}


def number(value: Any, metric: str) -> float:
    """A metric's value as a float; ValueRefused, naming the metric, for
    anything that is not a number (an object, a list, a word, a bool)."""
    if isinstance(value, dict) and metric in SUMMED_OBJECTS:
        parts = [number(part, metric) for part in value.values()]
        return float(sum(parts))
    if isinstance(value, bool) or value is None:
        raise ValueRefused("{}: not a number: {!r}".format(metric, value))
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise ValueRefused("{}: not a number: {!r}".format(metric, value)[:300])


@dataclass
class Call:
    """One answer as received, for the audit table."""

    endpoint: str
    status: int
    payload: Any


@dataclass
class FetchResult:
    """What one pull brought back, in canonical terms."""

    account_values: list[tuple[str, datetime.date, float, str]] = field(
        default_factory=list
    )
    posts: list[dict] = field(default_factory=list)
    post_values: list[tuple[str, str, datetime.date, float, str]] = field(
        default_factory=list
    )
    problems: list[str] = field(default_factory=list)
    # Keys of the parts that failed ("media:<id>", "account:<day>", …), for
    # the run's failed_parts and tomorrow's retry.
    failed: list[str] = field(default_factory=list)
    # Why the rest of the pull was put off (a Business Use Case block);
    # what came before it is kept.
    deferred: str = ""
    calls: list[Call] = field(default_factory=list)
    # The post's picture at the platform, by external id.
    thumbnails: dict[str, str] = field(default_factory=dict)
    transient_in_a_row: int = 0


def _backoff(state: RetryCallState) -> float:
    """Full jitter, or the platform's Retry-After when it asks for longer."""
    base = settings.SOCIAL_RETRY_BASE_SECONDS
    ceiling = min(settings.SOCIAL_RETRY_MAX_SECONDS, base * 2**state.attempt_number)
    wait = random.uniform(0, ceiling)  # nosec B311 # retry jitter, not a secret
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, Transient) and error.retry_after:
        wait = max(wait, min(error.retry_after, settings.SOCIAL_RETRY_MAX_SECONDS))
    return wait


def scrub(value: Any, secret: str) -> Any:
    """``value`` with every occurrence of ``secret`` replaced."""
    if isinstance(value, str):
        return value.replace(secret, "[token]") if secret else value
    if isinstance(value, dict):
        return {k: scrub(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, secret) for v in value]
    return value


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return float(value)
    except ValueError:
        return None


class Transport:
    """HTTP calls to one platform with retries, error mapping and an audit
    record of every answer. Subclasses say how the platform reports errors
    (``classify``) and how the token travels (``prepare``)."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        calls: list[Call] | None = None,
    ) -> None:
        self.token = token
        self.base_url = (base_url or "").rstrip("/")
        self.sleep = sleep
        # Clients that talk to several hosts (YouTube) share one audit list.
        self.calls: list[Call] = calls if calls is not None else []
        self.http = httpx.Client(timeout=settings.SOCIAL_HTTP_TIMEOUT_SECONDS)
        # Seconds to wait before the next call, set from usage headers; and
        # why no further call may go out today, when they say so.
        self.pause = 0.0
        self.exhausted = ""
        # A part (one media object, one report) retries within its own
        # smaller budget, so one bad object cannot eat the run's time.
        self.budget: tuple[int, float] | None = None

    @contextmanager
    def part_budget(self) -> Iterator[None]:
        """Retries inside this block stop at SOCIAL_PART_RETRY_ATTEMPTS and
        SOCIAL_PART_RETRY_SECONDS."""
        previous = self.budget
        self.budget = (
            settings.SOCIAL_PART_RETRY_ATTEMPTS,
            settings.SOCIAL_PART_RETRY_SECONDS,
        )
        try:
            yield
        finally:
            self.budget = previous

    def close(self) -> None:
        self.http.close()

    def request(
        self,
        method: str,
        url: str,
        label: str,
        *,
        attempts: int | None = None,
        **kwargs: Any,
    ) -> Any:
        """The decoded JSON answer; raises a PlatformError subclass."""
        most, seconds = self.budget or (
            settings.SOCIAL_RETRY_ATTEMPTS,
            settings.SOCIAL_RETRY_MAX_SECONDS,
        )
        retrying = Retrying(
            retry=retry_if_exception_type(Transient),
            stop=stop_after_attempt(min(attempts or most, most))
            | stop_after_delay(seconds),
            wait=_backoff,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(self._once, method, url, label, kwargs)
        except RateLimited as exc:
            raise QuotaExceeded(str(exc)) from exc

    def prepare(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Put the token where the platform expects it (a bearer header)."""
        headers = {**kwargs.get("headers", {})}
        if self.token:
            headers["Authorization"] = "Bearer {}".format(self.token)
        return {**kwargs, "headers": headers}

    def _once(self, method: str, url: str, label: str, kwargs: dict) -> Any:
        if self.exhausted:
            raise QuotaExceeded(self.exhausted)
        if self.pause:
            pause, self.pause = self.pause, 0.0
            self.sleep(pause)
        try:
            response = self.http.request(method, url, **self.prepare(kwargs))
        except httpx.TimeoutException as exc:
            raise Transient("timeout: {}".format(exc)) from exc
        except httpx.TransportError as exc:
            raise Transient("connection: {}".format(exc)) from exc
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            text = response.text[:2000]
            self.calls.append(
                Call(label, response.status_code, {"text": scrub(text, self.token)})
            )
            if response.is_success:
                raise Transient("truncated answer from {}".format(label)) from exc
            # An error page that is not JSON (a proxy's, a CDN's) says what
            # it means by its status alone.
            error = self.by_status(
                response, "{} {}: {}".format(response.status_code, label, text[:200])
            )
            raise error or PlatformError(label) from exc
        # The token never reaches the audit table: paging links carry it.
        self.calls.append(Call(label, response.status_code, scrub(body, self.token)))
        error = self.classify(response, body, label)
        # Usage headers only slow down answers that are good or rate
        # limited; a refused token must be reported as such.
        if error is None or isinstance(error, RateLimited):
            self.note_usage(response)
        if error is not None:
            raise error
        return body

    def note_usage(self, response: httpx.Response) -> None:
        """Read the platform's usage headers and slow down before its limit."""

    def classify(
        self, response: httpx.Response, body: Any, label: str
    ) -> PlatformError | None:
        """The error this answer means, or None when it is a good answer."""
        raise NotImplementedError

    @staticmethod
    def by_status(response: httpx.Response, message: str) -> PlatformError | None:
        """The common meaning of an HTTP status when the body says no more."""
        if response.status_code == 429:
            return RateLimited(message, retry_after_seconds(response))
        if response.status_code >= 500:
            return Transient(message, retry_after_seconds(response))
        if response.status_code >= 400:
            return PlatformError(message)
        return None


def in_groups(
    names: list[str],
    ask: Callable[[list[str]], Any],
    problems: list[str],
) -> list[Any]:
    """Call ``ask`` with small groups of names; split a group a retired name
    breaks, and note the name that fails alone."""
    answers = []
    groups = [names[i : i + METRIC_GROUP] for i in range(0, len(names), METRIC_GROUP)]
    while groups:
        group = groups.pop(0)
        try:
            answers.append(ask(group))
        except InvalidMetric as exc:
            if len(group) == 1:
                problems.append("{}: {}".format(group[0], exc))
            else:
                groups = [[name] for name in group] + groups
    return answers


# After this many parts in a row fail on errors that may pass, the platform
# is taken to be down: the rest of the pull is not tried, and waits for the
# next run.
FAILED_IN_A_ROW = 3


class PlatformDown(Transient):
    """Several parts in a row failed after their retries."""


@contextmanager
def part(result: FetchResult, what: str, key: str = "") -> Iterator[None]:
    """A part of a pull that succeeds or fails alone: an account metric
    group, a page of media, one media object's insights, a report.

    A failure is noted in the run (``problems``, and ``key`` in ``failed``
    for the next run to ask again) and the pull goes on. A refused token
    and a spent quota still stop the whole pull; so do several parts in a
    row failing with errors that may pass (the platform is down).
    """
    try:
        yield
    except (TokenInvalid, QuotaExceeded, PlatformDown):
        raise
    except NoData:
        pass
    except NotAllowed as exc:
        # A scope not granted: said in the run, but asking again tomorrow
        # cannot help until staff reconnect, so it is no failed part.
        result.problems.append("{}: {}".format(what, exc))
    except Transient as exc:
        result.problems.append("{}: {}".format(what, exc))
        result.failed.append(key or what)
        result.transient_in_a_row += 1
        if result.transient_in_a_row >= FAILED_IN_A_ROW:
            raise PlatformDown(
                "{} parts in a row failed; the rest waits for the next run".format(
                    FAILED_IN_A_ROW
                )
            ) from exc
        return
    except PlatformError as exc:
        result.problems.append("{}: {}".format(what, exc))
        result.failed.append(key or what)
    result.transient_in_a_row = 0


def stopped_early(result: FetchResult, exc: PlatformError, pending: list[str]) -> None:
    """A pull stopped by a block or a platform that went down: once it has
    fetched something, what came is kept, the parts not yet tried are failed
    parts for the next run, and a block defers the rest. With nothing
    fetched, the error stands for the whole pull (``exc`` is raised)."""
    if not (result.account_values or result.posts):
        raise exc
    result.failed.extend(key for key in pending if key not in result.failed)
    if isinstance(exc, QuotaExceeded):
        result.deferred = str(exc)
    else:
        result.problems.append(str(exc))
