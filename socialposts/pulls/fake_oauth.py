"""The fake platform's login part: the consent dialogs and token endpoints
of Facebook Login for Business, Instagram Login, Google and TikTok.

A consent dialog (GET on an authorize path) shows a small form; the
"person" at the platform says who they log in as (``fake_user``: for Meta
the ids of the Pages, or of the Instagram accounts whose Pages, they grant,
comma-separated, plus ``never`` for a user whose token does not expire; for
Instagram Login the Instagram user id; for Google the YouTube channel id
(``UC…``) picked at consent; for TikTok the open_id) and whether they allow
(``decision=allow``) or refuse (``decision=deny``, or an ``access_denied``
fault on the path). Tests add those two parameters to the authorize URL,
as the form would. Codes are bound to the client, redirect URI, scope and
PKCE challenge they were issued for, and serve once.

Lifetimes are the platforms' own: Meta's short user token ~1.5 h and
long-lived 60 days, not extended by exchanging it again; Instagram 1 h,
then 60 days; Google 3599 s; TikTok access 7200 s and refresh 15552000 s
(180 days), rotating.

Who logged in is answered as the platforms do: ``/me`` on the Instagram
host and YouTube's ``channels.list?mine=true`` (fake_platform asks
``my_channels``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import threading
import time
import weakref
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

# The fake's registered apps: (client id, secret) per login.
CLIENTS = {
    "meta": ("fake-meta-app", "fake-meta-secret"),
    "instagram": ("fake-instagram-app", "fake-instagram-secret"),
    "google": ("fake-google-client", "fake-google-secret"),
    "tiktok": ("fake-tiktok-key", "fake-tiktok-secret"),
}
SCOPES = {
    "meta": {"pages_show_list", "pages_read_engagement", "read_insights"},
    "instagram": {"instagram_business_basic", "instagram_business_manage_insights"},
    "google": {
        "https://www.googleapis.com/auth/youtube.readonly",
        "https://www.googleapis.com/auth/yt-analytics.readonly",
    },
    "tiktok": {"user.info.basic", "video.list"},
}
META_SHORT = 5400
SIXTY_DAYS = 60 * 24 * 3600
INSTAGRAM_SHORT = 3600
GOOGLE_ACCESS = 3599
TIKTOK_ACCESS = 7200
TIKTOK_REFRESH = 15552000
AUTHORIZE = {
    "meta": re.compile(r"/v\d+\.\d+/dialog/oauth"),
    "instagram": re.compile(r"/_instagram/oauth/authorize"),
    "google": re.compile(r"/o/oauth2/v2/auth"),
    "tiktok": re.compile(r"/v2/auth/authorize/"),
}
META_TOKEN = re.compile(r"/v\d+\.\d+/oauth/access_token")
META_ACCOUNTS = re.compile(r"/v\d+\.\d+/me/accounts")
INSTAGRAM_ME = re.compile(r"/_instagram/v\d+\.\d+/me")

_codes: weakref.WeakKeyDictionary[Any, dict[str, dict]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def settings_for(url: str) -> dict[str, str]:
    """The settings that point the login flows at a fake at ``url``."""
    return {
        "SOCIAL_META_AUTHORIZE_URL": url + "/v23.0/dialog/oauth",
        "SOCIAL_INSTAGRAM_AUTHORIZE_URL": url + "/_instagram/oauth/authorize",
        "SOCIAL_INSTAGRAM_TOKEN_URL": url + "/_instagram/oauth/access_token",
        "SOCIAL_GOOGLE_AUTHORIZE_URL": url + "/o/oauth2/v2/auth",
        "SOCIAL_TIKTOK_AUTHORIZE_URL": url + "/v2/auth/authorize/",
        "SOCIAL_META_APP_ID": CLIENTS["meta"][0],
        "SOCIAL_META_APP_SECRET": CLIENTS["meta"][1],
        "SOCIAL_INSTAGRAM_APP_ID": CLIENTS["instagram"][0],
        "SOCIAL_INSTAGRAM_APP_SECRET": CLIENTS["instagram"][1],
        "SOCIAL_GOOGLE_CLIENT_ID": CLIENTS["google"][0],
        "SOCIAL_GOOGLE_CLIENT_SECRET": CLIENTS["google"][1],
        "SOCIAL_TIKTOK_CLIENT_KEY": CLIENTS["tiktok"][0],
        "SOCIAL_TIKTOK_CLIENT_SECRET": CLIENTS["tiktok"][1],
    }


def s256(verifier: str) -> str:
    """RFC 7636's S256 challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# --- The consent dialogs ---------------------------------------------------------------


def serve_authorize(handler: Any) -> bool:
    """Answer an authorize request on ``handler`` (the fake's request
    handler); False when the path is not a consent dialog."""
    url = urlparse(handler.path)
    login = next((k for k, p in AUTHORIZE.items() if p.fullmatch(url.path)), None)
    if login is None:
        return False
    query = {k: v[-1] for k, v in parse_qs(url.query).items()}
    fault = handler.platform.take_fault(url.path)
    status, headers, body = _authorize(handler.platform, login, query, fault)
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
    return True


def _authorize(
    platform: Any, login: str, query: dict[str, str], fault: dict | None
) -> tuple[int, dict[str, str], bytes]:
    client_id = query.get("client_key" if login == "tiktok" else "client_id", "")
    redirect_uri = query.get("redirect_uri", "")
    separator = "," if login in ("meta", "instagram", "tiktok") else " "
    scope = {s for s in query.get("scope", "").split(separator) if s}
    # Platforms show their own error page, never a redirect, for a bad
    # client or redirect URI.
    if client_id != CLIENTS[login][0] or not redirect_uri.startswith("http"):
        return _page(400, "Invalid client or redirect_uri")
    if query.get("response_type") != "code" or not SCOPES[login] <= scope:
        return _back(redirect_uri, query, error="invalid_scope")
    if login == "google" and (
        query.get("code_challenge_method") != "S256"
        or not query.get("code_challenge")
        or query.get("access_type") != "offline"
    ):
        return _back(redirect_uri, query, error="invalid_request")
    decision = query.get("decision")
    if (fault or {}).get("kind") == "access_denied" or decision == "deny":
        return _back(redirect_uri, query, error="access_denied")
    if decision != "allow":
        return _consent_form(login, query)
    code = secrets.token_urlsafe(24)
    with _lock:
        _codes.setdefault(platform, {})[code] = {
            "login": login,
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "challenge": query.get("code_challenge", ""),
            "user": query.get("fake_user", "") or "tt-default",
        }
    return _back(redirect_uri, query, code=code)


def _back(redirect_uri: str, query: dict[str, str], **params: str) -> tuple:
    params["state"] = query.get("state", "")
    joiner = "&" if "?" in redirect_uri else "?"
    location = redirect_uri + joiner + urlencode(params)
    return 302, {"Location": location}, b""


def _page(status: int, text: str) -> tuple[int, dict[str, str], bytes]:
    body = "<!doctype html><title>Fake</title><p>{}</p>".format(html.escape(text))
    return status, {"Content-Type": "text/html; charset=utf-8"}, body.encode()


def _consent_form(login: str, query: dict[str, str]) -> tuple:
    hidden = "".join(
        '<input type="hidden" name="{}" value="{}">'.format(
            html.escape(k), html.escape(v)
        )
        for k, v in query.items()
        if k not in ("fake_user", "decision")
    )
    hint = {
        "meta": "ID Halaman (page…) atau ID Instagram, dipisah koma",
        "instagram": "ID pengguna Instagram",
        "google": "ID kanal YouTube (UC…)",
        "tiktok": "open_id TikTok",
    }[login]
    # The demo's stand-in for the platform's own dialog, which staff see in
    # Indonesian there too.
    body = (
        "<!doctype html><html lang='id'><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Login {login} (tiruan)</title>"
        "<h1>Login {login} (platform tiruan)</h1><form method='get'>{hidden}"
        "<label>{hint} <input name='fake_user' required></label> "
        "<button name='decision' value='allow'>Izinkan</button> "
        "<button name='decision' value='deny' formnovalidate>Tolak</button>"
        "</form>"
    ).format(login=html.escape(login), hidden=hidden, hint=html.escape(hint))
    return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()


def _take_code(platform: Any, code: str, login: str) -> dict | None:
    with _lock:
        grant = _codes.get(platform, {}).pop(code, None)
    if grant is None or grant["login"] != login:
        return None
    return grant


# --- The token endpoints ---------------------------------------------------------------


def answer(
    platform: Any, path: str, query: dict[str, str], raw: bytes
) -> tuple[int, Any] | None:
    """The login part's answer to a token request; None for other paths
    (and for the refresh grants the fake platform answers itself)."""
    form = {k: v[-1] for k, v in parse_qs(raw.decode(errors="replace")).items()}
    if META_TOKEN.fullmatch(path):
        return _meta_token(platform, query)
    if META_ACCOUNTS.fullmatch(path):
        return _meta_accounts(query)
    if path == "/_instagram/oauth/access_token":
        return _instagram_code(platform, form)
    if path == "/_instagram/access_token":
        return _instagram_exchange(query)
    if INSTAGRAM_ME.fullmatch(path):
        return _instagram_me(query)
    if path == "/token" and form.get("grant_type") == "authorization_code":
        return _google_code(platform, form)
    if path == "/v2/oauth/token/":
        return _tiktok_token(platform, form)
    return None


def _meta_error(message: str, code: int = 100, status: int = 400) -> tuple[int, dict]:
    return status, {
        "error": {"message": message, "type": "OAuthException", "code": code}
    }


def _meta_token(platform: Any, query: dict[str, str]) -> tuple[int, Any]:
    client_id, secret = CLIENTS["meta"]
    if query.get("client_id") != client_id or query.get("client_secret") != secret:
        return _meta_error("Error validating client secret.", 1)
    if query.get("grant_type") == "fb_exchange_token":
        return _meta_exchange(query.get("fb_exchange_token", ""))
    grant = _take_code(platform, query.get("code", ""), "meta")
    if grant is None:
        return _meta_error("This authorization code has been used.")
    if grant["redirect_uri"] != query.get("redirect_uri"):
        return _meta_error(
            "Error validating verification code. Please make sure your "
            "redirect_uri is identical to the one you used in the OAuth dialog "
            "request"
        )
    return 200, {
        "access_token": "EAAU-{}-short".format(grant["user"]),
        "token_type": "bearer",  # nosec B105 # the OAuth token type, not a password
        "expires_in": META_SHORT,
    }


def meta_user_token(user: str, lapses: int | None) -> str:
    """A long-lived Meta user token as the fake issues it: the grants of
    ``user`` and the Unix time it lapses (None: it does not)."""
    return "EAAU-{}".format(user) + ("" if lapses is None else ".{}".format(lapses))


def _meta_user(token: str) -> str:
    user = token.removeprefix("EAAU-").removesuffix("-short")
    head, _dot, tail = user.rpartition(".")
    return head if head and tail.isdigit() else user


def _meta_lapses(token: str) -> int | None:
    tail = token.rpartition(".")[2]
    return int(tail) if "." in token and tail.isdigit() else None


def _meta_exchange(token: str) -> tuple[int, Any]:
    if not token.startswith("EAAU-") or "revoked" in token:
        return _meta_error(
            "Error validating access token: the session is invalid.", 190
        )
    now = int(time.time())
    user = _meta_user(token)
    if token.endswith("-short"):
        lapses = None if "never" in user.split(",") else now + SIXTY_DAYS
    else:
        # A long-lived token exchanged again keeps its lapse: Meta answers
        # the time it has left (github.com/Thuzi/facebook-node-sdk/issues/68,
        # github.com/criso/fbgraph/issues/46, read 2026-12-07).
        lapses = _meta_lapses(token)
        if lapses is not None and lapses <= now:
            return _meta_error(
                "Error validating access token: Session has expired.", 190
            )
    body: dict[str, Any] = {
        "access_token": meta_user_token(user, lapses),
        "token_type": "bearer",  # nosec B105 # the OAuth token type, not a password
    }
    if lapses is not None:
        # A token that does not expire comes without expires_in.
        body["expires_in"] = lapses - now
    return 200, body


def _meta_accounts(query: dict[str, str]) -> tuple[int, Any]:
    token = query.get("access_token", "")
    lapses = _meta_lapses(token)
    if (
        not token.startswith("EAAU-")
        or token.endswith("-short")
        or (lapses is not None and lapses <= time.time())
    ):
        # The Page tokens come from a valid long-lived user token only here.
        return _meta_error(
            "Error validating access token: the session is invalid.", 190
        )
    pages = []
    for granted in filter(None, _meta_user(token).split(",")):
        if granted == "never":
            continue
        if granted.startswith("page"):
            pages.append({"id": granted, "name": "Halaman {}".format(granted[-4:])})
        else:
            pages.append(
                {
                    "id": "page-of-{}".format(granted),
                    "name": "Halaman {}".format(granted[-4:]),
                    "instagram_business_account": {"id": granted},
                }
            )
    fields = set(query.get("fields", "id").split(","))
    data = []
    for page in pages:
        page["access_token"] = "EAAP-{}".format(page["id"])
        data.append({k: v for k, v in page.items() if k in fields})
    return 200, {"data": data, "paging": {"cursors": {}}}


def _instagram_code(platform: Any, form: dict[str, str]) -> tuple[int, Any]:
    client_id, secret = CLIENTS["instagram"]
    if form.get("client_id") != client_id or form.get("client_secret") != secret:
        return 400, {
            "error_type": "OAuthException",
            "code": 400,
            "error_message": "Invalid client_secret",
        }
    grant = _take_code(platform, form.get("code", ""), "instagram")
    if (
        grant is None
        or form.get("grant_type") != "authorization_code"
        or grant["redirect_uri"] != form.get("redirect_uri")
    ):
        return 400, {
            "error_type": "OAuthException",
            "code": 400,
            "error_message": "Invalid authorization code",
        }
    return 200, {
        "data": [
            {
                "access_token": "IGAA-{}-short".format(grant["user"]),
                "user_id": grant["user"],
                "permissions": "instagram_business_basic,"
                "instagram_business_manage_insights",
            }
        ]
    }


def _instagram_exchange(query: dict[str, str]) -> tuple[int, Any]:
    token = query.get("access_token", "")
    if (
        query.get("grant_type") != "ig_exchange_token"
        or query.get("client_secret") != CLIENTS["instagram"][1]
        or not token.endswith("-short")
    ):
        return _meta_error(
            "Error validating access token: the session is invalid.", 190
        )
    return 200, {
        "access_token": token.removesuffix("-short") + "-long",
        "token_type": "bearer",  # nosec B105 # the OAuth token type, not a password
        "expires_in": SIXTY_DAYS,
    }


def _instagram_me(query: dict[str, str]) -> tuple[int, Any]:
    """Who an Instagram-Login token belongs to: ``user_id`` is the
    professional account's id, ``id`` an app-scoped one."""
    token = query.get("access_token", "")
    if not token.startswith("IGAA-") or "revoked" in token:
        return _meta_error(
            "Error validating access token: the session is invalid.", 190
        )
    user = token.removeprefix("IGAA-").removesuffix("-short").removesuffix("-long")
    known = {"user_id": user, "username": "akun_{}".format(user[-4:])}
    fields = set(query.get("fields", "").split(","))
    return 200, {
        **{k: v for k, v in known.items() if k in fields},
        "id": "asid-{}".format(user),
    }


def _google_code(platform: Any, form: dict[str, str]) -> tuple[int, Any]:
    client_id, secret = CLIENTS["google"]
    if form.get("client_id") != client_id or form.get("client_secret") != secret:
        return 401, {
            "error": "invalid_client",
            "error_description": "The OAuth client was not found.",
        }
    grant = _take_code(platform, form.get("code", ""), "google")
    if grant is None:
        return 400, {"error": "invalid_grant", "error_description": "Bad Request"}
    if grant["redirect_uri"] != form.get("redirect_uri"):
        return 400, {
            "error": "redirect_uri_mismatch",
            "error_description": "Bad Request",
        }
    if s256(form.get("code_verifier", "")) != grant["challenge"]:
        return 400, {
            "error": "invalid_grant",
            "error_description": "Invalid code verifier.",
        }
    return 200, {
        # The channel picked at consent rides in the token (my_channels).
        "access_token": "ya29.{}.{}".format(secrets.token_hex(6), grant["user"]),
        "expires_in": GOOGLE_ACCESS,
        "refresh_token": "1//{}".format(secrets.token_hex(8)),
        "scope": " ".join(sorted(SCOPES["google"])),
        "token_type": "Bearer",  # nosec B105 # the OAuth token type, not a password
    }


def my_channels(token: str) -> tuple[int, Any]:
    """YouTube's channels.list?mine=true: the channel picked at consent; no
    item for a Google account without a channel."""
    user = token.split(".", 2)[2] if token.count(".") >= 2 else ""
    items = [{"kind": "youtube#channel", "id": user}] if user.startswith("UC") else []
    return 200, {
        "kind": "youtube#channelListResponse",
        "pageInfo": {"totalResults": len(items), "resultsPerPage": 5},
        "items": items,
    }


def _tiktok_error(error: str, description: str) -> tuple[int, dict]:
    return 400, {"error": error, "error_description": description, "log_id": "fake"}


def _tiktok_token(platform: Any, form: dict[str, str]) -> tuple[int, Any]:
    client_key, secret = CLIENTS["tiktok"]
    grant_type = form.get("grant_type")
    if form.get("client_key") != client_key or form.get("client_secret") != secret:
        return _tiktok_error("invalid_client", "Client key or secret is invalid.")
    if grant_type == "refresh_token":
        parts = form.get("refresh_token", "").split(".")
        if len(parts) != 3 or parts[1] == "revoked":
            return _tiktok_error(
                "invalid_grant", "Refresh token is invalid or expired."
            )
        user = parts[1]
        turn = int(parts[2]) + 1 if parts[2].isdigit() else 1
    elif grant_type == "authorization_code":
        grant = _take_code(platform, form.get("code", ""), "tiktok")
        if grant is None:
            return _tiktok_error("invalid_grant", "Authorization code is expired.")
        if grant["redirect_uri"] != form.get("redirect_uri"):
            return _tiktok_error("invalid_request", "Redirect URI mismatch.")
        if (
            grant["challenge"]
            and form.get("code_verifier", "") != grant["challenge"]
            and _hex256(form.get("code_verifier", "")) != grant["challenge"]
        ):
            return _tiktok_error(
                "invalid_request", "Code verifier or code challenge is invalid."
            )
        user, turn = grant["user"], 1
    else:
        return _tiktok_error("invalid_request", "Unsupported grant_type.")
    return 200, {
        "access_token": "act.{}.{}".format(user, turn),
        "expires_in": TIKTOK_ACCESS,
        "open_id": user,
        "refresh_expires_in": TIKTOK_REFRESH,
        "refresh_token": "rft.{}.{}".format(user, turn),
        "scope": "user.info.basic,user.info.stats,video.list",
        "token_type": "Bearer",  # nosec B105 # the OAuth token type, not a password
    }


def _hex256(verifier: str) -> str:
    # TikTok's desktop flow wants the challenge as hex, not base64url.
    return hashlib.sha256(verifier.encode()).hexdigest()
