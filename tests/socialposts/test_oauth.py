"""Connecting accounts: the OAuth flows of every login against the fake
platform over loopback HTTP, the refusals, the token health they leave
behind, and the nightly renewal and reminders."""

import datetime
import time
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from socialposts.accounts.models import SocialAccount
from socialposts.pulls import fake_oauth, oauth, tokens
from tests.factories import SocialAccountFactory, UserFactory
from tests.socialposts.conftest import inject

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def start(client, account):
    response = client.post(reverse("socialposts:account-connect", args=[account.pk]))
    assert response.status_code == 302, response.content
    return response["Location"]


def consent(authorize_url, user="", decision="allow", **extra):
    """What the person does in the platform's dialog; the platform's
    answer is a redirect back to the portal."""
    params = {"fake_user": user, "decision": decision, **extra}
    answer = httpx.get(authorize_url + "&" + urlencode(params))
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def come_back(client, location):
    url = urlparse(location)
    query = {k: v[-1] for k, v in parse_qs(url.query).items()}
    return client.get(url.path, query)


def connect(client, account, user):
    return come_back(client, consent(start(client, account), user))


def revoked(account, **fields):
    SocialAccount.objects.filter(pk=account.pk).update(
        token_revoked_at=timezone.now() - DAY, **fields
    )
    account.refresh_from_db()
    return account


@pytest.fixture
def admin_client(client, opd_admin):
    client.force_login(opd_admin)
    return client


def test_facebook_login_stores_the_page_token_and_a_long_lived_user_token(
    fake, admin_client, opd
):
    page = revoked(
        SocialAccountFactory(opd=opd, platform="facebook", external_id="page0000042")
    )
    authorize = start(admin_client, page)
    query = parse_qs(urlparse(authorize).query)
    assert query["client_id"] == ["fake-meta-app"]
    assert set(query["scope"][0].split(",")) == set(oauth.META_SCOPES)

    response = come_back(admin_client, consent(authorize, "page0000001,page0000042"))

    assert response.status_code == 302
    assert response["Location"] == reverse("socialposts:account-detail", args=[page.pk])
    page.refresh_from_db()
    assert page.token_revoked_at is None
    assert page.connection == "api"
    assert tokens.access_token(page) == "EAAP-page0000042"
    assert "EAAP" not in page.access_token_encrypted  # encrypted at rest
    assert tokens.refresh_token(page).startswith("EAAU-")
    assert page.token_expires_at is None
    lapse = page.refresh_expires_at - timezone.now()
    assert datetime.timedelta(days=59) < lapse <= datetime.timedelta(days=60)
    assert page.token_health() == "ok"


def test_instagram_through_its_facebook_page_takes_the_linked_pages_token(
    fake, admin_client, opd
):
    account = SocialAccountFactory(
        opd=opd, platform="instagram", external_id="17841400000077", connection="manual"
    )

    connect(admin_client, account, "page0000001,17841400000077")

    account.refresh_from_db()
    assert account.connection == "api"
    assert tokens.access_token(account) == "EAAP-page-of-17841400000077"


def test_a_facebook_user_without_the_accounts_page_saves_nothing(
    fake, admin_client, opd
):
    page = revoked(
        SocialAccountFactory(opd=opd, platform="facebook", external_id="page0000042")
    )

    response = connect(admin_client, page, "page0000001")

    assert response.status_code == 400
    assert "tidak mengelola" in response.content.decode()
    page.refresh_from_db()
    assert page.token_revoked_at is not None
    assert page.access_token_encrypted == ""


def test_instagram_login_gets_a_sixty_day_token(fake, admin_client, opd):
    account = revoked(
        SocialAccountFactory(opd=opd, meta_login="instagram", external_id="")
    )
    authorize = start(admin_client, account)
    assert urlparse(authorize).path == "/_instagram/oauth/authorize"

    page = come_back(admin_client, consent(authorize, "26000000000001"))

    account.refresh_from_db()
    # Figures are pulled at once, not after the next night.
    assert page.status_code == 302
    assert account.runs.filter(trigger="manual").count() == 1
    assert tokens.access_token(account) == "IGAA-26000000000001-long"
    assert account.external_id == "26000000000001"
    assert account.token_revoked_at is None
    lapse = account.token_expires_at - timezone.now()
    assert datetime.timedelta(days=59) < lapse <= datetime.timedelta(days=60)


def test_google_uses_pkce_and_offline_access(fake, admin_client, opd):
    channel = revoked(
        SocialAccountFactory(opd=opd, platform="youtube", external_id="UCdemo1")
    )
    authorize = start(admin_client, channel)
    query = parse_qs(urlparse(authorize).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["access_type"] == ["offline"]
    assert query["prompt"] == ["consent"]

    response = come_back(admin_client, consent(authorize, "UCdemo1"))

    assert response.status_code == 302
    channel.refresh_from_db()
    assert tokens.access_token(channel).startswith("ya29.")
    assert tokens.refresh_token(channel).startswith("1//")
    lapse = channel.token_expires_at - timezone.now()
    assert datetime.timedelta(minutes=58) < lapse <= datetime.timedelta(seconds=3599)
    assert channel.refresh_expires_at is None
    assert channel.token_health() == "ok"


def test_the_fake_refuses_a_wrong_pkce_verifier_in_googles_format(fake):
    redirect = "http://127.0.0.1:8000/kembali/"
    location = httpx.get(
        fake
        + "/o/oauth2/v2/auth?"
        + urlencode(
            {
                "client_id": "fake-google-client",
                "redirect_uri": redirect,
                "response_type": "code",
                "scope": " ".join(oauth.GOOGLE_SCOPES),
                "state": "s",
                "access_type": "offline",
                "code_challenge": fake_oauth.s256("the-right-verifier" * 3),
                "code_challenge_method": "S256",
                "decision": "allow",
            }
        )
    ).headers["Location"]
    code = parse_qs(urlparse(location).query)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": "fake-google-client",
        "client_secret": "fake-google-secret",
        "redirect_uri": redirect,
        "code_verifier": "a-wrong-verifier" * 3,
    }

    answer = httpx.post(fake + "/token", data=form)

    assert answer.status_code == 400
    assert answer.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid code verifier.",
    }


def test_tiktok_stores_the_refresh_tokens_expiry_and_warns_a_week_before(
    fake, admin_client, opd
):
    account = revoked(
        SocialAccountFactory(opd=opd, platform="tiktok", external_id="ttopd0001")
    )
    authorize = start(admin_client, account)
    query = parse_qs(urlparse(authorize).query)
    assert query["client_key"] == ["fake-tiktok-key"]
    assert "client_id" not in query

    come_back(admin_client, consent(authorize, "ttopd0001"))

    account.refresh_from_db()
    assert tokens.access_token(account) == "act.ttopd0001.1"
    assert tokens.refresh_token(account) == "rft.ttopd0001.1"
    now = timezone.now()
    assert abs(
        account.token_expires_at - (now + datetime.timedelta(seconds=7200))
    ) < datetime.timedelta(minutes=1)
    lapse = account.refresh_expires_at
    assert abs(lapse - (now + datetime.timedelta(days=180))) < datetime.timedelta(
        minutes=1
    )
    assert account.token_health(now) == "ok"
    assert account.token_health(lapse - 8 * DAY) == "ok"
    assert account.token_health(lapse - 6 * DAY) == "expiring"
    assert account.token_health(lapse + DAY) == "expired"
    page = admin_client.get(reverse("socialposts:accounts")).content.decode()
    assert "hingga" in page


def test_a_tiktok_login_as_another_account_saves_nothing(fake, admin_client, opd):
    account = revoked(
        SocialAccountFactory(opd=opd, platform="tiktok", external_id="ttopd0001")
    )

    response = connect(admin_client, account, "tt-someone-else")

    assert response.status_code == 400
    account.refresh_from_db()
    assert account.token_revoked_at is not None
    assert account.access_token_encrypted == ""


def test_an_instagram_login_as_another_account_saves_nothing(fake, admin_client, opd):
    account = revoked(
        SocialAccountFactory(
            opd=opd, meta_login="instagram", external_id="26000000000001"
        )
    )

    response = connect(admin_client, account, "26000000000002")

    assert response.status_code == 400
    text = response.content.decode()
    assert "@akun_0002" in text and "bukan akun ini" in text
    account.refresh_from_db()
    assert account.token_revoked_at is not None
    assert account.access_token_encrypted == ""
    assert account.external_id == "26000000000001"


def test_a_google_login_with_another_channel_saves_nothing(fake, admin_client, opd):
    channel = revoked(
        SocialAccountFactory(opd=opd, platform="youtube", external_id="UCdemo1")
    )

    response = connect(admin_client, channel, "UCsomeoneelse")

    assert response.status_code == 400
    assert "UCsomeoneelse" in response.content.decode()
    channel.refresh_from_db()
    assert channel.token_revoked_at is not None
    assert channel.access_token_encrypted == ""


def test_a_google_login_fills_a_blank_channel_id(fake, admin_client, opd):
    channel = revoked(SocialAccountFactory(opd=opd, platform="youtube", external_id=""))

    response = connect(admin_client, channel, "UCnewchannel1")

    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.external_id == "UCnewchannel1"
    assert channel.token_revoked_at is None


def test_a_google_account_without_a_channel_saves_nothing(fake, admin_client, opd):
    channel = revoked(SocialAccountFactory(opd=opd, platform="youtube", external_id=""))

    response = connect(admin_client, channel, "kanal@example.id")

    assert response.status_code == 400
    assert "tidak memiliki kanal YouTube" in response.content.decode()
    channel.refresh_from_db()
    assert channel.external_id == ""
    assert channel.access_token_encrypted == ""


def test_an_id_already_held_by_another_account_is_refused(fake, admin_client, opd):
    SocialAccountFactory(
        opd=opd, handle="dinkes_lama", meta_login="instagram", external_id="2600077"
    )
    account = revoked(
        SocialAccountFactory(opd=opd, meta_login="instagram", external_id="")
    )

    response = connect(admin_client, account, "2600077")

    assert response.status_code == 400
    assert "@dinkes_lama" in response.content.decode()
    account.refresh_from_db()
    assert account.external_id == ""
    assert account.access_token_encrypted == ""
    assert account.token_revoked_at is not None


def test_an_instagram_code_refused_in_instagrams_shape_says_refused(
    fake, admin_client, opd
):
    account = revoked(SocialAccountFactory(opd=opd, meta_login="instagram"))
    location = consent(start(admin_client, account), "26000000000001")
    state = parse_qs(urlparse(location).query)["state"][0]

    response = admin_client.get(
        reverse("socialposts:oauth-callback"), {"state": state, "code": "not-a-code"}
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "Platform menolak" in text
    assert "Invalid authorization code" in text


def test_refused_consent_shows_an_indonesian_page_and_saves_nothing(
    fake, admin_client, opd
):
    account = revoked(SocialAccountFactory(opd=opd, platform="youtube"))

    response = come_back(
        admin_client, consent(start(admin_client, account), decision="deny")
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "Akun tidak terhubung" in text
    assert "tidak diberikan" in text
    account.refresh_from_db()
    assert account.token_revoked_at is not None
    assert account.access_token_encrypted == ""


def test_an_access_denied_fault_at_the_platform_is_refused_too(fake, admin_client, opd):
    account = revoked(SocialAccountFactory(opd=opd, meta_login="instagram"))
    inject(fake, {"match": "/oauth/authorize", "kind": "access_denied"})

    location = consent(start(admin_client, account), "26000000000001")

    assert "error=access_denied" in location
    assert come_back(admin_client, location).status_code == 400


def test_a_state_not_issued_to_this_session_is_refused(fake, client, opd, opd_admin):
    account = revoked(
        SocialAccountFactory(opd=opd, platform="youtube", external_id="UCdemo2")
    )
    client.force_login(opd_admin)
    location = consent(start(client, account), "UCdemo2")
    url = urlparse(location)
    query = {k: v[-1] for k, v in parse_qs(url.query).items()}

    forged = client.get(url.path, {**query, "state": "not-the-state"})
    assert forged.status_code == 400
    assert "tidak berasal" in forged.content.decode()

    # Another browser (session) of the same admin holds no such state.
    other = type(client)()
    other.force_login(opd_admin)
    assert other.get(url.path, query).status_code == 400

    # The right state works once, and only once.
    assert client.get(url.path, query).status_code == 302
    assert client.get(url.path, query).status_code == 400
    account.refresh_from_db()
    assert account.token_revoked_at is None


def test_another_opds_admin_cannot_connect_an_account(
    fake, client, opd, other_opd_admin
):
    account = revoked(SocialAccountFactory(opd=opd, platform="youtube"))
    client.force_login(other_opd_admin)

    response = client.post(reverse("socialposts:account-connect", args=[account.pk]))

    assert response.status_code == 403


def test_dinkominfo_may_connect_any_opds_account(fake, client, opd):
    account = revoked(
        SocialAccountFactory(opd=opd, platform="youtube", external_id="UCdemo3")
    )
    client.force_login(UserFactory(username="kominfo", role="dinkominfo"))

    response = connect(client, account, "UCdemo3")

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.token_revoked_at is None


def test_the_account_page_offers_to_connect_again(fake, admin_client, opd):
    account = revoked(SocialAccountFactory(opd=opd, platform="youtube"))

    page = admin_client.get(reverse("socialposts:account-detail", args=[account.pk]))

    assert reverse("socialposts:account-connect", args=[account.pk]) in (
        page.content.decode()
    )
    assert "Hubungkan ulang" in page.content.decode()


# --- The nightly renewal and reminders -----------------------------------------------


def test_the_nightly_job_renews_instagram_login_and_facebook_login_tokens(fake, opd):
    now = timezone.now()
    instagram = SocialAccountFactory(opd=opd, meta_login="instagram")
    tokens.set_tokens(instagram, access="IGAA-1-long", expires_at=now + 3 * DAY)
    page = SocialAccountFactory(opd=opd, platform="facebook", external_id="page0000042")
    lapses = now + 5 * DAY
    tokens.set_tokens(
        page,
        access="EAAP-old",
        refresh=fake_oauth.meta_user_token("page0000042", int(lapses.timestamp())),
        refresh_expires_at=lapses,
    )
    far = SocialAccountFactory(opd=opd, platform="facebook", external_id="page0000043")
    tokens.set_tokens(
        far,
        access="EAAP-far",
        refresh="EAAU-page0000043",
        refresh_expires_at=now + 40 * DAY,
    )

    assert tokens.refresh_expiring_tokens(now) == 2

    instagram.refresh_from_db()
    page.refresh_from_db()
    far.refresh_from_db()
    assert tokens.access_token(instagram).startswith("fresh-")
    assert instagram.token_expires_at > now + 59 * DAY
    # A fresh Page token, but the user token is not extended: staff must
    # log in again before it lapses.
    assert tokens.access_token(page) == "EAAP-page0000042"
    assert page.refresh_expires_at == lapses
    assert page.token_health(now) == "expiring"
    assert tokens.access_token(far) == "EAAP-far"
    assert mail.outbox == []


def test_the_fake_does_not_extend_a_long_lived_meta_token(fake):
    lapses = int(time.time()) + 5 * 24 * 3600
    answer = httpx.get(
        fake + "/v23.0/oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": "fake-meta-app",
            "client_secret": "fake-meta-secret",
            "fb_exchange_token": fake_oauth.meta_user_token("page0000042", lapses),
        },
    ).json()

    assert 0 < answer["expires_in"] <= 5 * 24 * 3600
    assert abs(time.time() + answer["expires_in"] - lapses) < 5


def test_a_facebook_login_is_reminded_a_week_before_its_user_token_lapses(
    fake, admin_client, opd, opd_admin
):
    page = revoked(
        SocialAccountFactory(opd=opd, platform="facebook", external_id="page0000042")
    )
    connect(admin_client, page, "page0000042")
    page.refresh_from_db()
    lapses = page.refresh_expires_at

    # Six and a half days before the lapse: the nightly exchange does not
    # move it, so the admins are told now.
    night = lapses - datetime.timedelta(days=6, hours=12)
    assert tokens.refresh_expiring_tokens(night) == 1

    page.refresh_from_db()
    assert page.refresh_expires_at == lapses
    assert [m.to for m in mail.outbox] == [[opd_admin.email]]
    assert page.reconnect_reminder_for == lapses


def test_a_meta_answer_without_expires_in_keeps_a_lapse(fake, admin_client, opd):
    page = revoked(
        SocialAccountFactory(opd=opd, platform="facebook", external_id="page0000042")
    )

    # Meta gives no expires_in for a token that does not expire.
    connect(admin_client, page, "page0000042,never")

    page.refresh_from_db()
    lapse = page.refresh_expires_at - timezone.now()
    assert datetime.timedelta(days=59) < lapse <= datetime.timedelta(days=60)
    known = page.refresh_expires_at
    night = known - 3 * DAY

    assert tokens.refresh_expiring_tokens(night) == 1

    page.refresh_from_db()
    assert tokens.access_token(page) == "EAAP-page0000042"
    assert page.refresh_expires_at == known


def test_a_malformed_instagram_renewal_skips_only_that_account(fake, opd, opd_admin):
    now = timezone.now()
    first = SocialAccountFactory(opd=opd, meta_login="instagram", handle="a_ig")
    tokens.set_tokens(first, access="IGAA-1-long", expires_at=now + 3 * DAY)
    second = SocialAccountFactory(opd=opd, meta_login="instagram", handle="b_ig")
    tokens.set_tokens(second, access="IGAA-2-long", expires_at=now + 3 * DAY)
    tiktok = SocialAccountFactory(opd=opd, platform="tiktok", external_id="ttopd0001")
    tokens.set_tokens(
        tiktok,
        access="act.ttopd0001.3",
        refresh="rft.ttopd0001.3",
        expires_at=now,
        refresh_expires_at=now + 5 * DAY,
    )
    # A good status without the token: the first account's renewal only.
    inject(fake, {"match": "/_instagram/refresh_access_token", "kind": "malformed"})

    assert tokens.refresh_expiring_tokens(now) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert tokens.access_token(first) == "IGAA-1-long"
    assert first.token_expires_at == now + 3 * DAY
    assert first.token_revoked_at is None
    assert tokens.access_token(second).startswith("fresh-")
    # The reminders still go out: the TikTok one, and the unrenewed token's.
    subjects = " ".join(m.subject for m in mail.outbox)
    assert len(mail.outbox) == 2
    assert "@a_ig" in subjects and "@{}".format(tiktok.handle) in subjects


def test_a_facebook_login_whose_user_token_is_refused_needs_reconnecting(fake, opd):
    now = timezone.now()
    page = SocialAccountFactory(opd=opd, platform="facebook", external_id="page0000042")
    tokens.set_tokens(
        page, access="EAAP-old", refresh="EAAU-revoked", refresh_expires_at=now + DAY
    )

    assert tokens.refresh_expiring_tokens(now) == 0

    page.refresh_from_db()
    assert page.token_health(now) == "revoked"


def test_the_reconnect_reminder_is_sent_once_in_indonesian(
    fake, opd, opd_admin, settings
):
    now = timezone.now()
    account = SocialAccountFactory(opd=opd, platform="tiktok", external_id="ttopd0001")
    tokens.set_tokens(
        account,
        access="act.ttopd0001.3",
        refresh="rft.ttopd0001.3",
        expires_at=now,
        refresh_expires_at=now + 5 * DAY,
    )
    later = SocialAccountFactory(opd=opd, platform="tiktok", external_id="ttopd0002")
    tokens.set_tokens(
        later,
        access="act.ttopd0002.1",
        refresh="rft.ttopd0002.1",
        expires_at=now,
        refresh_expires_at=now + 30 * DAY,
    )

    tokens.refresh_expiring_tokens(now)
    tokens.refresh_expiring_tokens(now + datetime.timedelta(hours=24))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [opd_admin.email]
    assert "Hubungkan" in message.subject
    link = settings.SITE_URL + reverse("socialposts:account-detail", args=[account.pk])
    assert link in message.body
    assert "Hubungkan ulang" in message.body
    account.refresh_from_db()
    assert account.reconnect_reminder_for == account.refresh_expires_at


def test_a_reminder_waits_for_an_admin_with_an_address(fake, opd):
    admin = UserFactory(username="admin-tanpa-surel", role="opd_admin", opd=opd)
    type(admin).objects.filter(pk=admin.pk).update(email="")
    now = timezone.now()
    account = SocialAccountFactory(opd=opd, platform="tiktok", external_id="ttopd0001")
    tokens.set_tokens(
        account,
        access="act.ttopd0001.3",
        refresh="rft.ttopd0001.3",
        expires_at=now,
        refresh_expires_at=now + 5 * DAY,
    )

    assert tokens.send_reconnect_reminders(now) == 0
    account.refresh_from_db()
    assert account.reconnect_reminder_for is None

    type(admin).objects.filter(pk=admin.pk).update(email="admin@dinkes.example.id")
    assert tokens.send_reconnect_reminders(now + DAY) == 1
    assert [m.to for m in mail.outbox] == [["admin@dinkes.example.id"]]
