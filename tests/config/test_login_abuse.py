"""Log-in abuse: axes' lockout per user name and address, the rate limit on
every public POST, and the password policy (README, "Passwords and log-in")."""

from __future__ import annotations

import datetime
import inspect

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import RequestFactory
from django.urls import get_resolver, reverse
from rest_framework.authtoken.models import Token

from config import routes
from core.net import client_ip
from ppid.requests import services as rs
from tests.config.test_routes import _params, _walk
from tests.factories import PASSWORD, OpdFactory, UserFactory
from tests.ppid.test_requests import request_data

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
TOKEN = reverse("api-token")
ELSEWHERE = "10.0.0.2"


@pytest.fixture
def user(db):
    return UserFactory(username="admin-dinkes", role="dinkominfo")


def log_in(client, password, username="admin-dinkes", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def lock_out(client, **extra):
    """Three wrong passwords from one address; the third already locks."""
    for attempt in (1, 2):
        response = log_in(client, "salah-{}".format(attempt), **extra)
        assert response.status_code == 200
    return log_in(client, "salah-3", **extra)


def test_the_fourth_attempt_is_refused_even_with_the_right_password(client, user):
    third = lock_out(client)
    assert third.status_code == 429
    fourth = log_in(client, PASSWORD)
    assert fourth.status_code == 429
    assert not logged_in(client)
    assert "429.html" in [t.name for t in fourth.templates]
    # The page is the site's and says how long to wait.
    assert '<html lang="id">' in fourth.content.decode()
    assert "15" in fourth.context["message"]
    assert fourth["Retry-After"] == "900"


def test_the_lock_holds_one_user_name_at_one_address(client, user):
    lock_out(client)
    # The real user logs in from elsewhere: nobody can lock them out remotely.
    assert log_in(client, PASSWORD, REMOTE_ADDR=ELSEWHERE).status_code == 302
    # Another user name from the locked address is not locked either.
    UserFactory(username="admin-dlh", role="dinkominfo")
    other = client.__class__()
    assert log_in(other, PASSWORD, username="admin-dlh").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, user):
    lock_out(client)
    # No proxy in front: X-Forwarded-For is whatever the client wrote.
    response = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429


def test_the_lock_ends_after_the_cool_off_and_restarts_with_each_attempt(
    client, user, settings
):
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    lock_out(client)

    def age(minutes):
        AccessAttempt.objects.update(
            attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes)
        )

    age(14)
    assert log_in(client, PASSWORD).status_code == 429
    # That attempt started the cool-off again.
    age(14)
    assert log_in(client, PASSWORD).status_code == 429
    age(16)
    assert log_in(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_a_successful_log_in_clears_the_failures(client, user):
    for password in ("salah-1", "salah-2"):
        assert log_in(client, password).status_code == 200
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    # Without the reset, the next failure would be the third and lock.
    for password in ("salah-3", "salah-4"):
        assert log_in(client, password).status_code == 200
    assert log_in(client, PASSWORD).status_code == 302


def test_the_admin_log_in_counts_towards_the_same_lock(client, user):
    for attempt in (1, 2):
        response = client.post(
            ADMIN_LOGIN, {"username": "admin-dinkes", "password": "x{}".format(attempt)}
        )
        assert response.status_code == 200
    client.post(ADMIN_LOGIN, {"username": "admin-dinkes", "password": "x3"})
    assert log_in(client, PASSWORD).status_code == 429


def token(api_client, password, username="admin-dinkes", **extra):
    return api_client.post(
        TOKEN, {"username": username, "password": password}, format="json", **extra
    )


def test_the_token_endpoint_locks_out_with_json(api_client, user):
    assert token(api_client, "salah-1").status_code == 400
    assert token(api_client, "salah-2").status_code == 400
    assert token(api_client, "salah-3").status_code == 429
    fourth = token(api_client, PASSWORD)
    assert fourth.status_code == 429
    assert fourth["Content-Type"] == "application/json"
    assert set(fourth.json()) == {"detail"}
    assert fourth["Retry-After"] == "900"
    assert not Token.objects.exists()
    # The page and the API share one lock.
    assert log_in(api_client, PASSWORD).status_code == 429
    assert token(api_client, PASSWORD, REMOTE_ADDR=ELSEWHERE).status_code == 200


def test_token_fields_are_bounded_before_they_reach_axes(api_client, user):
    response = token(api_client, "x", username="a" * 300)
    assert response.status_code == 400
    assert "username" in response.json()
    assert not AccessAttempt.objects.exists()


# --- Only failures use up the address's budget ---------------------------------


def test_an_office_behind_one_address_logs_in_thirty_staff_in_a_minute(
    client, settings
):
    # A kabupaten office on a deadline morning: one NAT address for all.
    assert settings.LOGIN_ATTEMPTS_PER_MINUTE < 30
    for i in range(30):
        UserFactory(username="staf-{}".format(i), role="dinkominfo")
        response = client.__class__().post(
            LOGIN, {"username": "staf-{}".format(i), "password": PASSWORD}
        )
        assert response.status_code == 302, i


def test_successes_do_not_refill_nor_hide_the_failures_of_an_address(
    client, user, settings
):
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 3
    guess = lambda i: log_in(client.__class__(), "x", username="tebakan-{}".format(i))  # noqa: E731
    assert guess(1).status_code == 200
    # Logging in between guesses neither is refused nor resets the count.
    for _ in range(5):
        assert log_in(client.__class__(), PASSWORD).status_code == 302
    assert guess(2).status_code == 200
    assert guess(3).status_code == 200
    refused = guess(4)
    assert refused.status_code == 429
    # Once the failures are used up, the address waits, right password or not.
    assert log_in(client.__class__(), PASSWORD).status_code == 429


def test_api_tokens_for_many_staff_from_one_address(api_client, settings):
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 2
    for i in range(6):
        UserFactory(username="api-{}".format(i), role="dinkominfo")
        assert (
            token(api_client, PASSWORD, username="api-{}".format(i)).status_code == 200
        )
    assert token(api_client, "x", username="api-0").status_code == 400
    assert token(api_client, "x", username="api-1").status_code == 400
    assert token(api_client, PASSWORD, username="api-2").status_code == 429


class _SeesTheCount:
    """An authentication backend that notes, while a password is being
    checked, how many attempts the address has already been charged."""

    seen: list[int] = []

    def authenticate(self, request, username=None, password=None, **kwargs):
        from config.auth import LoginThrottle

        _SeesTheCount.seen.append(len(LoginThrottle()._recent(request)))
        return None

    def get_user(self, user_id):
        return None


def test_an_attempt_counts_while_its_password_is_checked(client, user, settings):
    # Attempts running side by side in several workers all count: each is
    # charged on arrival, not after its slow password check.
    settings.AUTHENTICATION_BACKENDS = [
        "tests.config.test_login_abuse._SeesTheCount",
        *settings.AUTHENTICATION_BACKENDS,
    ]
    _SeesTheCount.seen = []
    log_in(client, "salah", username="tebakan-1")
    log_in(client, "salah", username="tebakan-2")
    assert _SeesTheCount.seen == [1, 2]
    # A success gives its attempt back; the two failures stay.
    log_in(client.__class__(), PASSWORD)
    assert _SeesTheCount.seen[-1] == 3
    log_in(client.__class__(), "salah", username="tebakan-3")
    assert _SeesTheCount.seen[-1] == 3


# --- The client address ------------------------------------------------------


def _request(remote, forwarded):
    return RequestFactory().post(
        LOGIN, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )


def _proxies(settings, count):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}


def test_client_address_trusts_only_as_many_proxies_as_configured(settings):
    forged_then_real = _request("10.0.0.1", "198.51.100.7, 203.0.113.5")
    _proxies(settings, 0)
    assert client_ip(forged_then_real) == "10.0.0.1"
    _proxies(settings, 1)
    assert client_ip(forged_then_real) == "203.0.113.5"
    # A mangled header never becomes an address.
    assert client_ip(_request("10.0.0.1", "not-an-address")) == "10.0.0.1"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None


# --- Every public POST is rate limited -----------------------------------------

ALL = list(_walk(get_resolver().url_patterns))
# The admin's log-in is the one admin route an anonymous visitor may use.
PUBLIC_ADMIN = {"admin:login"}
# Ends the caller's own session and checks no secret. The platforms'
# webhooks: Meta posts bursts from a few addresses, each POST is
# authenticated by its signature, and what refused POSTs may store is
# capped per minute (aspirations.channels.intake.reject).
EXEMPT = {"logout", "aspirations:webhook-meta", "aspirations:webhook-whatsapp"}
# Public to read, but a POST needs a log-in (checked below).
LOGIN_REQUIRED = {"api:information-list"}


def _takes_post(callback) -> bool:
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return "post" in actions
    if cls is not None:
        return hasattr(cls, "post")
    # A function view that never reads POST answers it as a GET.
    view = inspect.unwrap(callback)
    if not inspect.isroutine(view):
        view = type(view).__call__  # a view instance, such as a feed
    source = inspect.getsource(view)
    return "POST" in source or "request.method" in source


def _public_post_routes() -> set[str]:
    found = set()
    for _path, name, pattern in ALL:
        if name is None or "format" in _params(pattern):
            continue
        if routes.access(name) in (routes.PUBLIC, routes.REQUESTER) or (
            name in PUBLIC_ADMIN
        ):
            if _takes_post(pattern.callback):
                found.add(name)
    return found


def _tracked(client) -> str:
    created, _code = rs.submit_request(data=request_data())
    session = client.session
    session["ppid_tracked_requests"] = [created.pk]
    session.save()
    return created.url_key


def _tracked_case(client) -> str:
    from aspirations.portal import services as aspiration_services
    from aspirations.portal.views import SESSION_TRACKED

    case, _code = aspiration_services.submit_aspiration(
        data={
            "kind": "complaint",
            "title": "Lampu jalan mati",
            "text": "Lampu jalan di depan balai desa mati.",
            "name": "Budi",
            "phone": "081234567890",
        }
    )
    session = client.session
    session[SESSION_TRACKED] = [case.pk]
    session.save()
    return aspiration_services.url_key(case)


def _tracked_objection(client) -> str:
    opd = OpdFactory()
    objection = rs.file_objection(
        reason="b",
        opd=opd,
        description="Laporan keuangan belum diumumkan.",
        objector={"full_name": "Budi", "address": "Purbalingga", "phone": "0812"},
    )
    session = client.session
    session["ppid_tracked_objections"] = [objection.pk]
    session.save()
    return objection.url_key


def _html(client, url, data_for):
    return lambda i, **extra: client.post(url, data_for(i), **extra)


def _api(api_client, url, data_for):
    return lambda i, **extra: api_client.post(url, data_for(i), format="json", **extra)


def _login_data(i):
    # A new user name each time: axes alone would never stop these.
    return {"username": "tebakan-{}".format(i), "password": "x"}


def _driver(name, client, api_client):
    """A POST to the route, and how many the address gets in the window."""
    login_rate = 2
    submissions = 2
    empty = lambda i: {}  # noqa: E731
    if name == "login":
        return _html(client, LOGIN, _login_data), login_rate
    if name == "admin:login":
        return _html(client, ADMIN_LOGIN, _login_data), login_rate
    if name == "api-token":
        return _api(api_client, TOKEN, _login_data), login_rate
    if name == "ppid:request-form":
        return _html(client, reverse(name), empty), submissions
    if name == "ppid:request-track":
        return _html(client, reverse(name), empty), 30
    if name == "ppid:request-status":
        url = reverse(name, args=[_tracked(client)])
        return _html(client, url, empty), submissions
    if name == "ppid:objection-response":
        url = reverse(name, args=[_tracked(client), 999999])
        return _html(client, url, lambda i: {"accept": "1"}), submissions
    if name == "ppid:objection-form":
        return _html(client, reverse(name), empty), submissions
    if name == "ppid:objection-status":
        url = reverse(name, args=[_tracked_objection(client)])
        return _html(client, url, lambda i: {"accept": "1"}), submissions
    if name == "api:objection-list":
        return _api(api_client, reverse(name), empty), submissions
    if name == "api:request-list":
        return _api(api_client, reverse(name), empty), submissions
    if name == "aspirations:track":
        return _html(client, reverse(name), empty), 30
    if name == "aspirations:submit":
        return _html(client, reverse(name), empty), submissions
    if name == "aspirations:track-case":
        url = reverse(name, args=[_tracked_case(client)])
        return _html(client, url, empty), submissions
    if name == "api:request-objections":
        url = reverse(name, args=["PPID-PBG-2026-999999"])
        return _api(api_client, url, empty), submissions
    return None


LIMITED = [
    "login",
    "admin:login",
    "api-token",
    "ppid:request-form",
    "ppid:request-track",
    "ppid:request-status",
    "ppid:objection-response",
    "ppid:objection-form",
    "ppid:objection-status",
    "api:request-list",
    "api:request-objections",
    "api:objection-list",
    "aspirations:submit",
    "aspirations:track",
    "aspirations:track-case",
]


def test_every_public_post_route_is_rate_limited_or_exempt_for_a_reason():
    assert _public_post_routes() == set(LIMITED) | EXEMPT | LOGIN_REQUIRED


@pytest.mark.parametrize("name", LIMITED)
def test_a_public_post_route_refuses_the_next_post_from_the_same_address(
    name, client, api_client, settings
):
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 2
    settings.PPID_REQUEST_SUBMISSIONS_PER_HOUR = 2
    settings.ASPIRATION_SUBMISSIONS_PER_HOUR = 2
    post, allowed = _driver(name, client, api_client)
    for i in range(allowed):
        assert post(i).status_code != 429, (name, i)
    refused = post(allowed)
    assert refused.status_code == 429, name
    if refused.wsgi_request.path.startswith("/api/"):
        assert set(refused.json()) == {"detail"}
    # Per address: another one is still served.
    assert post(allowed + 1, REMOTE_ADDR=ELSEWHERE).status_code != 429, name


@pytest.mark.parametrize("name", sorted(LOGIN_REQUIRED))
def test_a_public_route_takes_a_post_only_after_log_in(name, client):
    response = client.post(reverse(name))
    if response.status_code == 302:
        assert response["Location"].startswith(LOGIN)
    else:
        assert response.status_code in (401, 403)


# --- Password policy -------------------------------------------------------------


def _codes(password, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {error.code for error in exc.error_list}
    return set()


def test_password_policy_is_length_and_a_blocklist_not_composition():
    lengths = [
        v.min_length
        for v in get_default_password_validators()
        if isinstance(v, MinimumLengthValidator)
    ]
    assert lengths == [12]
    assert "password_too_short" in _codes("Pb#2026!kab")
    assert _codes("qwerty123456") == {"password_too_common"}
    # Digits only are nearly always a phone number or a NIK.
    assert _codes("081234567890") == {"password_entirely_numeric"}
    user = UserFactory.build(username="admin-dinkes", first_name="Sukarno")
    assert _codes("admin-dinkes1", user) == {"password_too_similar"}
    # Lower-case words, no digit or symbol: accepted, however long.
    assert _codes("kopi tubruk hangat di alun alun") == set()
    assert _codes("mendoan " * 16) == set()
