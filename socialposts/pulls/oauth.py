"""Connecting accounts to their platforms: the OAuth 2.0 authorization-code
flows, through Authlib's httpx client.

Four logins, one per way an account is read:

* ``facebook``: Facebook Login for Business, for Facebook Pages and for
  Instagram accounts read through their Page. The user token is made
  long-lived (60 days, ``fb_exchange_token``) and the account keeps its
  Page's token, which does not expire while that user token is valid; the
  user token is kept as the refresh token, to renew both before it lapses
  (developers.facebook.com/docs/facebook-login/guides/access-tokens/
  get-long-lived, read 2026-12-07). No PKCE: Meta documents it only for
  its OIDC flow, "still in testing" (…/facebook-login/guides/advanced/
  oidc-token, read 2026-12-07).
* ``instagram``: Instagram API with Instagram Login: a short-lived token
  (an hour) from api.instagram.com, made long-lived (60 days,
  ``ig_exchange_token``) on graph.instagram.com (…/instagram-platform/
  instagram-api-with-instagram-login/business-login and reference/
  access_token, read 2026-12-07). No PKCE documented.
* ``google``: YouTube, offline access with PKCE (S256); Google keeps the
  refresh token.
* ``tiktok``: Login Kit v2 with ``client_key``. Access 2 h, refresh 180 days,
  rotating (developers.tiktok.com/doc/oauth-user-access-token-management,
  read 2026-12-07). The web guide lists no PKCE parameters; TikTok asks for
  PKCE only from desktop and mobile apps (and wants a hex-encoded challenge
  there, not RFC 7636's base64url), so the web flow here sends none
  (developers.tiktok.com/doc/login-kit-web and login-kit-desktop, read
  2026-12-07).

``state`` is a random value kept in the session with the account it was
issued for; it is taken out on the way back, so it serves once.

After the token exchange every login asks the platform who logged in and
refuses another account than the one being connected (an account without
an id takes the one found): Meta through the Pages granted, Instagram
Login through ``/me``, Google through ``channels.list?mine=true``, TikTok
through the ``open_id`` of its token answer.
"""

from __future__ import annotations

import datetime
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from authlib.common.urls import add_params_to_qs
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from socialposts.accounts.models import SocialAccount

# developers.facebook.com/docs/permissions (read 2026-12-07): the Pages and
# their insights, and the Instagram accounts linked to them.
META_SCOPES = (
    "pages_show_list",
    "pages_read_engagement",
    "read_insights",
    "instagram_basic",
    "instagram_manage_insights",
    "business_management",
)
INSTAGRAM_SCOPES = ("instagram_business_basic", "instagram_business_manage_insights")
GOOGLE_SCOPES = (
    "https://www.googleapis.com/auth/youtube.readonly",
    "https://www.googleapis.com/auth/yt-analytics.readonly",
)
TIKTOK_SCOPES = ("user.info.basic", "user.info.stats", "video.list")

SESSION_KEY = "social_oauth"
# A consent left half-way is forgotten after this long.
PENDING_SECONDS = 15 * 60
# At most this many half-done consents per session.
PENDING_MAX = 5
META_PAGES_LIMIT = 100
# Meta's long-lived user token lasts about 60 days; assumed when its answer
# gives no expires_in (…/facebook-login/guides/access-tokens/get-long-lived,
# read 2026-12-07), so the reconnect reminder still comes.
META_LONG_LIVED = datetime.timedelta(days=60)


class ConnectError(Exception):
    """The connection failed; the message is for the user (Indonesian)."""


@dataclass
class Grant:
    """What a completed login gives the account."""

    access: str
    refresh: str = ""
    expires_at: datetime.datetime | None = None
    refresh_expires_at: datetime.datetime | None = None
    external_id: str = ""


def flow_for(account: SocialAccount) -> str:
    """The login an account is connected with."""
    if account.platform == "facebook":
        return "facebook"
    if account.platform == "instagram":
        if account.meta_login == SocialAccount.MetaLogin.INSTAGRAM:
            return "instagram"
        return "facebook"
    if account.platform == "youtube":
        return "google"
    if account.platform == "tiktok":
        return "tiktok"
    raise ConnectError(
        _("%(platform)s accounts cannot be connected; import their figures.")
        % {"platform": account.get_platform_display()}
    )


def redirect_uri() -> str:
    """The one static address every platform sends staff back to."""
    return settings.SOCIAL_OAUTH_REDIRECT_BASE + reverse("socialposts:oauth-callback")


def _in(seconds: Any) -> datetime.datetime | None:
    if seconds in (None, ""):
        return None
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        seconds=int(seconds)
    )


def _tiktok_post(client: Any, method: str, uri: str, headers: dict, body: str):
    # TikTok names the client id ``client_key``.
    body = add_params_to_qs(
        body or "",
        [("client_key", client.client_id), ("client_secret", client.client_secret)],
    )
    headers["Content-Length"] = str(len(body))
    return uri, headers, body


def _unwrap_data(response: httpx.Response) -> httpx.Response:
    # api.instagram.com answers the code exchange inside a "data" list, and
    # a refusal as {"error_type", "code", "error_message"} with no "error"
    # key, which Authlib would take for a token
    # (github.com/in2code-de/instagram/issues/40, read 2026-12-07).
    try:
        body = response.json()
    except ValueError:
        return response
    if isinstance(body, dict) and "error" not in body and "error_message" in body:
        return httpx.Response(response.status_code, json={"error": _ig_error(body)})
    if isinstance(body, dict) and isinstance(body.get("data"), list) and body["data"]:
        return httpx.Response(response.status_code, json=body["data"][0])
    return response


def _ig_error(body: dict) -> dict:
    return {
        "message": body.get("error_message"),
        "type": body.get("error_type"),
        "code": body.get("code"),
    }


def _client(flow: str, **extra: Any) -> OAuth2Client:
    timeout = settings.SOCIAL_HTTP_TIMEOUT_SECONDS
    common = {"redirect_uri": redirect_uri(), "timeout": timeout, **extra}
    if flow == "facebook":
        return OAuth2Client(
            settings.SOCIAL_META_APP_ID,
            settings.SOCIAL_META_APP_SECRET,
            scope=",".join(META_SCOPES),
            token_endpoint_auth_method="none",  # nosec B106 # an auth method's name
            **common,
        )
    if flow == "instagram":
        client = OAuth2Client(
            settings.SOCIAL_INSTAGRAM_APP_ID,
            settings.SOCIAL_INSTAGRAM_APP_SECRET,
            scope=",".join(INSTAGRAM_SCOPES),
            token_endpoint_auth_method="client_secret_post",  # nosec B106 # an auth method's name
            **common,
        )
        client.register_compliance_hook("access_token_response", _unwrap_data)
        return client
    if flow == "google":
        return OAuth2Client(
            settings.SOCIAL_GOOGLE_CLIENT_ID,
            settings.SOCIAL_GOOGLE_CLIENT_SECRET,
            scope=" ".join(GOOGLE_SCOPES),
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_post",  # nosec B106 # an auth method's name
            **common,
        )
    client = OAuth2Client(
        settings.SOCIAL_TIKTOK_CLIENT_KEY,
        settings.SOCIAL_TIKTOK_CLIENT_SECRET,
        scope=",".join(TIKTOK_SCOPES),
        token_endpoint_auth_method="tiktok_post",  # nosec B106 # an auth method's name
        **common,
    )
    client.register_client_auth_method(("tiktok_post", _tiktok_post))
    return client


def _configured(flow: str) -> None:
    ids = {
        "facebook": settings.SOCIAL_META_APP_ID,
        "instagram": settings.SOCIAL_INSTAGRAM_APP_ID,
        "google": settings.SOCIAL_GOOGLE_CLIENT_ID,
        "tiktok": settings.SOCIAL_TIKTOK_CLIENT_KEY,
    }
    if not ids[flow]:
        raise ConnectError(
            _(
                "The portal has no app registered with this platform yet; "
                "ask Dinkominfo to set it up."
            )
        )


# --- Starting and finishing a consent ---------------------------------------------


def start(session: Any, account: SocialAccount) -> str:
    """The platform's consent address for ``account``; the state and PKCE
    verifier are kept in ``session`` until the platform sends staff back."""
    flow = flow_for(account)
    _configured(flow)
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64) if flow == "google" else ""
    client = _client(flow)
    try:
        if flow == "facebook":
            url, _state = client.create_authorization_url(
                settings.SOCIAL_META_AUTHORIZE_URL, state=state
            )
        elif flow == "instagram":
            url, _state = client.create_authorization_url(
                settings.SOCIAL_INSTAGRAM_AUTHORIZE_URL, state=state
            )
        elif flow == "google":
            url, _state = client.create_authorization_url(
                settings.SOCIAL_GOOGLE_AUTHORIZE_URL,
                state=state,
                code_verifier=verifier,
                access_type="offline",
                prompt="consent",
            )
        else:
            url, _state = client.create_authorization_url(
                settings.SOCIAL_TIKTOK_AUTHORIZE_URL, state=state
            )
            url = _rename_param(url, "client_id", "client_key")
    finally:
        client.close()
    now = time.time()
    pending = {
        key: value
        for key, value in session.get(SESSION_KEY, {}).items()
        if now - value["at"] < PENDING_SECONDS
    }
    # The newest few only: a session cannot be filled with states.
    kept = sorted(pending.items(), key=lambda item: item[1]["at"])[-(PENDING_MAX - 1) :]
    pending = dict(kept)
    pending[state] = {
        "account": account.pk,
        "flow": flow,
        "verifier": verifier,
        "at": now,
    }
    session[SESSION_KEY] = pending
    return url


def _rename_param(url: str, old: str, new: str) -> str:
    parts = urlsplit(url)
    query = [(new if k == old else k, v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def take_pending(session: Any, state: str) -> dict | None:
    """The consent ``state`` belongs to, taken out of the session (a state
    serves once); None when this session issued no such state."""
    pending = dict(session.get(SESSION_KEY, {}))
    found = pending.pop(state, None) if state else None
    session[SESSION_KEY] = pending
    if found is None or time.time() - found["at"] >= PENDING_SECONDS:
        return None
    return found


def exchange(account: SocialAccount, flow: str, code: str, verifier: str) -> Grant:
    """Trade the authorization code for the account's tokens.

    Raises ConnectError with a message for the user when the platform
    refuses or cannot be reached.
    """
    if flow != flow_for(account):
        raise ConnectError(_("The account's login changed meanwhile; try again."))
    client = _client(flow)
    try:
        if flow == "facebook":
            return _meta(client, account, code)
        if flow == "instagram":
            return _instagram(client, account, code)
        if flow == "google":
            return _google(client, account, code, verifier)
        return _tiktok(client, account, code)
    except OAuthError as exc:
        raise ConnectError(
            _("The platform refused the connection (%(error)s). Try again.")
            % {"error": _short(exc.error)}
        ) from exc
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        raise ConnectError(
            _("The platform could not be reached or answered oddly. Try again later.")
        ) from exc
    finally:
        client.close()


def _short(error: Any) -> str:
    if isinstance(error, dict):
        error = error.get("message") or error.get("type") or "error"
    return str(error)[:200]


def _graph(path: str) -> str:
    return "{}/{}/{}".format(
        settings.SOCIAL_GRAPH_BASE_URL.rstrip("/"),
        settings.SOCIAL_GRAPH_API_VERSION,
        path,
    )


def _get(client: OAuth2Client, url: str, params: dict[str, Any]) -> dict:
    # The token goes in the query, as these endpoints document; Authlib
    # would otherwise add the client's own token as a Bearer header.
    return _json(client.request("GET", url, params=params, withhold_token=True))


def _json(response: httpx.Response) -> dict:
    body = response.json()
    if not isinstance(body, dict):
        raise ValueError("not a JSON object")
    if "error" in body:
        raise OAuthError(error=body["error"])
    if "error_message" in body:
        raise OAuthError(error=_ig_error(body))
    return body


# --- Meta: Facebook Login for Business -----------------------------------------------


def _meta(client: OAuth2Client, account: SocialAccount, code: str) -> Grant:
    short = client.fetch_token(
        _graph("oauth/access_token"),
        method="GET",
        code=code,
        client_secret=settings.SOCIAL_META_APP_SECRET,
    )
    user_token, user_expires = exchange_meta_user_token(client, short["access_token"])
    page_token, external_id = page_token_for(client, account, user_token)
    return Grant(
        access=page_token,
        refresh=user_token,
        expires_at=None,
        refresh_expires_at=user_expires
        or datetime.datetime.now(datetime.UTC) + META_LONG_LIVED,
        external_id=external_id,
    )


def exchange_meta_user_token(
    client: OAuth2Client, token: str
) -> tuple[str, datetime.datetime | None]:
    """A long-lived user token (60 days) for ``token``, and when it lapses
    (None when Meta does not say). Exchanging a long-lived token again gives
    the Page tokens afresh but does not extend it."""
    body = _get(
        client,
        _graph("oauth/access_token"),
        {
            "grant_type": "fb_exchange_token",
            "client_id": settings.SOCIAL_META_APP_ID,
            "client_secret": settings.SOCIAL_META_APP_SECRET,
            "fb_exchange_token": token,
        },
    )
    return body["access_token"], _in(body.get("expires_in"))


def page_token_for(
    client: OAuth2Client, account: SocialAccount, user_token: str
) -> tuple[str, str]:
    """The token of the Page behind ``account`` (a Facebook Page, or the
    Page an Instagram account is linked to) and the account's id."""
    pages: list[dict] = []
    params: dict[str, Any] = {
        "fields": "id,name,access_token,instagram_business_account",
        "limit": META_PAGES_LIMIT,
        "access_token": user_token,
    }
    for _page in range(10):
        body = _get(client, _graph("me/accounts"), params)
        pages.extend(body.get("data") or [])
        after = (body.get("paging") or {}).get("cursors", {}).get("after")
        if not (body.get("paging") or {}).get("next") or not after:
            break
        params["after"] = after

    def account_id(page: dict) -> str:
        if account.platform == "facebook":
            return str(page.get("id", ""))
        return str((page.get("instagram_business_account") or {}).get("id", ""))

    candidates = [p for p in pages if account_id(p) and p.get("access_token")]
    if account.external_id:
        candidates = [p for p in candidates if account_id(p) == account.external_id]
    if len(candidates) != 1:
        if account.platform == "facebook":
            message = _(
                "The Facebook user who logged in does not manage this account's "
                "Page (id %(id)s), or did not grant the portal access to it. "
                "Log in as one of the Page's admins and tick that Page."
            )
        else:
            message = _(
                "None of the Pages the Facebook user granted is linked to this "
                "Instagram account (id %(id)s). Log in as an admin of the Page "
                "linked to it and tick that Page."
            )
        raise ConnectError(message % {"id": account.external_id or "–"})
    page = candidates[0]
    return page["access_token"], account_id(page)


def renew_meta(account_token: str, account: SocialAccount) -> Grant:
    """A Facebook Login connection's Page token afresh, from its long-lived
    user token; the exchange does not extend that token, so the caller keeps
    the lapse it knows."""
    client = _client("facebook")
    try:
        user_token, user_expires = exchange_meta_user_token(client, account_token)
        page_token, external_id = page_token_for(client, account, user_token)
    finally:
        client.close()
    return Grant(
        access=page_token,
        refresh=user_token,
        refresh_expires_at=user_expires,
        external_id=external_id,
    )


# --- Instagram Login -----------------------------------------------------------------


def _instagram(client: OAuth2Client, account: SocialAccount, code: str) -> Grant:
    short = client.fetch_token(settings.SOCIAL_INSTAGRAM_TOKEN_URL, code=code)
    body = _get(
        client,
        settings.SOCIAL_INSTAGRAM_BASE_URL.rstrip("/") + "/access_token",
        {
            "grant_type": "ig_exchange_token",
            "client_secret": settings.SOCIAL_INSTAGRAM_APP_SECRET,
            "access_token": short["access_token"],
        },
    )
    # Who logged in: the professional account's id is ``user_id`` (``id``
    # is app-scoped) (developers.facebook.com/docs/instagram-platform/
    # instagram-api-with-instagram-login/get-started and reference/me, read
    # 2026-12-07).
    me = _get(
        client,
        "{}/{}/me".format(
            settings.SOCIAL_INSTAGRAM_BASE_URL.rstrip("/"),
            settings.SOCIAL_GRAPH_API_VERSION,
        ),
        {"fields": "user_id,username", "access_token": body["access_token"]},
    )
    if isinstance(me.get("data"), list) and me["data"]:
        me = me["data"][0]
    user_id = str(me["user_id"])
    if account.external_id and user_id != account.external_id:
        raise ConnectError(
            _(
                "The Instagram account that logged in (@%(other)s) is not this "
                "account (@%(handle)s). Nothing was saved; log out of Instagram, "
                "log in as @%(handle)s and connect again."
            )
            % {"other": me.get("username") or user_id, "handle": account.handle}
        )
    return Grant(
        access=body["access_token"],
        expires_at=_in(body.get("expires_in")),
        external_id=user_id,
    )


# --- Google --------------------------------------------------------------------------


def _google(
    client: OAuth2Client, account: SocialAccount, code: str, verifier: str
) -> Grant:
    token = client.fetch_token(
        settings.SOCIAL_GOOGLE_TOKEN_URL, code=code, code_verifier=verifier
    )
    if not token.get("refresh_token"):
        raise ConnectError(
            _(
                "Google gave no refresh token; remove the portal's access in the "
                "Google account and connect again."
            )
        )
    # The channel chosen at consent: channels.list with mine=true
    # (developers.google.com/youtube/v3/docs/channels/list, read 2026-12-07).
    body = _json(
        client.get(
            settings.SOCIAL_YOUTUBE_BASE_URL.rstrip("/") + "/youtube/v3/channels",
            params={"part": "id", "mine": "true"},
        )
    )
    channels = [str(item["id"]) for item in body.get("items") or []]
    if not channels:
        raise ConnectError(
            _(
                "The Google account that logged in has no YouTube channel. "
                "Nothing was saved; log in with the channel's Google account "
                "and connect again."
            )
        )
    if account.external_id and channels[0] != account.external_id:
        raise ConnectError(
            _(
                "The YouTube channel chosen at Google (%(other)s) is not this "
                "account's channel (%(id)s). Nothing was saved; connect again "
                "and choose the channel of @%(handle)s."
            )
            % {
                "other": channels[0],
                "id": account.external_id,
                "handle": account.handle,
            }
        )
    return Grant(
        access=token["access_token"],
        refresh=token["refresh_token"],
        expires_at=_in(token.get("expires_in")),
        external_id=channels[0],
    )


# --- TikTok --------------------------------------------------------------------------


def _tiktok(client: OAuth2Client, account: SocialAccount, code: str) -> Grant:
    token = client.fetch_token(
        "{}/{}/oauth/token/".format(
            settings.SOCIAL_TIKTOK_BASE_URL.rstrip("/"),
            settings.SOCIAL_TIKTOK_API_VERSION,
        ),
        code=code,
    )
    open_id = str(token.get("open_id", ""))
    if account.external_id and open_id != account.external_id:
        raise ConnectError(
            _(
                "The TikTok account that logged in is not this account "
                "(@%(handle)s). Log out of TikTok, log in as @%(handle)s and "
                "connect again."
            )
            % {"handle": account.handle}
        )
    return Grant(
        access=token["access_token"],
        refresh=token["refresh_token"],
        expires_at=_in(token.get("expires_in")),
        refresh_expires_at=_in(token.get("refresh_expires_in")),
        external_id=open_id,
    )
