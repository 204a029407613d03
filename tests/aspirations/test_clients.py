"""The inbox's clients against the fake platform over loopback HTTP:
every reply kind, and every refusal the platforms give."""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest

from aspirations import events
from aspirations.channels.clients import (
    AlreadyReplied,
    FacebookPageInbox,
    InstagramInbox,
    NotReplyable,
    TemplateRefused,
    WhatsAppClient,
    WindowClosed,
    YouTubeInbox,
    budget_key,
    spend_youtube_units,
    youtube_units_spent,
)
from aspirations.channels.clients.common import refusal
from socialposts.pulls import fake_platform
from socialposts.pulls.clients.base import NotAllowed, QuotaExceeded, TokenInvalid
from tests.aspirations.conftest import (
    CHANNEL,
    IG,
    NOW,
    PAGE,
    PHONE,
    inject,
    sent,
    set_clock,
)
from tests.socialposts.conftest import TODAY, calls
from tests.socialposts.conftest import inject as inject_fault

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
IG_TOKEN = "IGAA-{}-long".format(IG)
PAGE_TOKEN = "EAAP-{}".format(PAGE)
# The newest post of each account on the fake's day: polled by default.
IG_POST = fake_platform.media_for(IG, TODAY)[0]["id"]
FB_POST = fake_platform.media_for(PAGE, TODAY)[0]["id"]
CITIZEN = "6281234567890"


# --- WhatsApp -----------------------------------------------------------------------


def whatsapp(token="EAAW-system-user"):  # nosec B107 # the fake platform's token
    return WhatsAppClient(PHONE, token)


def test_whatsapp_text_inside_the_window_returns_the_wamid(inbox):
    inject(
        inbox,
        platform="whatsapp",
        account=PHONE,
        author={"id": CITIZEN},
        text="Jalan rusak",
        time=NOW - 23 * HOUR,
    )
    wamid = whatsapp().send_text(CITIZEN, "Terima kasih, kami teruskan.")
    assert wamid.startswith("wamid.")
    assert sent(inbox)[-1] == {
        **sent(inbox)[-1],
        "kind": "text",
        "to": CITIZEN,
        "id": wamid,
        "text": "Terima kasih, kami teruskan.",
    }


def test_whatsapp_text_after_24_hours_is_refused_with_131047(inbox):
    inject(
        inbox,
        platform="whatsapp",
        account=PHONE,
        author={"id": CITIZEN},
        text="Jalan rusak",
        time=NOW - 25 * HOUR,
    )
    with pytest.raises(WindowClosed, match="131047"):
        whatsapp().send_text(CITIZEN, "Terlambat")
    assert sent(inbox) == []


def test_whatsapp_text_to_someone_who_never_wrote_is_refused(inbox):
    with pytest.raises(WindowClosed):
        whatsapp().send_text("6289999999999", "Halo")


def test_whatsapp_template_goes_out_any_time(inbox):
    inject(
        inbox,
        platform="whatsapp",
        account=PHONE,
        author={"id": CITIZEN},
        text="Jalan rusak",
        time=NOW - 30 * DAY,
    )
    wamid = whatsapp().send_template(
        CITIZEN, "aspirasi_tindak_lanjut", "id", parameters=["ASP-2026-0001"]
    )
    assert wamid.startswith("wamid.")
    assert sent(inbox)[-1]["kind"] == "template"


def test_whatsapp_template_not_approved_is_refused(inbox):
    with pytest.raises(TemplateRefused, match="132001"):
        whatsapp().send_template(CITIZEN, "promo_lebaran", "id")
    with pytest.raises(TemplateRefused):
        # Approved in Indonesian only.
        whatsapp().send_template(CITIZEN, "aspirasi_diterima", "en_US")


def test_whatsapp_token_without_messaging_permission_or_revoked(inbox):
    inject(
        inbox,
        platform="whatsapp",
        account=PHONE,
        author={"id": CITIZEN},
        text="Halo",
        time=NOW - HOUR,
    )
    with pytest.raises(NotAllowed):
        whatsapp("EAAW-x-basic").send_text(CITIZEN, "Halo")
    with pytest.raises(TokenInvalid):
        whatsapp("revoked").send_text(CITIZEN, "Halo")


# --- Instagram ------------------------------------------------------------------------


def instagram(token=IG_TOKEN):
    return InstagramInbox(IG, token)


def comment(url, platform="instagram", account=IG, post=IG_POST, **spec):
    spec.setdefault("author", {"id": "6783290518363291", "name": "warga.pbg"})
    spec.setdefault("text", "Lampu jalan mati")
    spec.setdefault("time", NOW - HOUR)
    return inject(
        url, platform=platform, kind="comment", account=account, post=post, **spec
    )["id"]


def test_instagram_reply_to_a_comment_is_listed_as_the_account_s(inbox):
    top = comment(inbox)
    reply_id = instagram().reply_to_comment(top, "Sudah kami laporkan ke DPUPR.")
    found = {item.external_id: item for item in instagram().comments(IG_POST)}
    assert found[top].direction == events.IN
    assert found[top].thread_key == top
    reply = found[reply_id]
    assert (reply.direction, reply.parent_external_id, reply.thread_key) == (
        events.OUT,
        top,
        top,
    )
    assert reply.channel == events.INSTAGRAM_COMMENT
    assert reply.post_external_id == IG_POST


def test_instagram_refuses_a_reply_to_a_reply(inbox):
    top = comment(inbox)
    below = comment(inbox, parent=top, text="Betul, di RT 2 juga")
    with pytest.raises(NotReplyable):
        instagram().reply_to_comment(below, "Terima kasih")


def test_instagram_refuses_a_reply_to_a_hidden_comment(inbox):
    top = comment(inbox, text="NIK saya 3303xxxxxxxxxxxx")
    instagram().hide_comment(top)
    hidden = [c for c in instagram().comments(IG_POST) if c.external_id == top]
    assert hidden  # still listed for the owner
    with pytest.raises(NotReplyable):
        instagram().reply_to_comment(top, "Terima kasih")
    instagram().hide_comment(top, hidden=False)
    assert instagram().reply_to_comment(top, "Terima kasih")


def test_instagram_private_reply_once_only(inbox):
    top = comment(inbox)
    assert instagram().private_reply(top, "Mohon kirim alamat lengkapnya.")
    with pytest.raises(AlreadyReplied):
        instagram().private_reply(top, "Sekali lagi")
    assert [s["kind"] for s in sent(inbox)] == ["private_reply"]


def test_instagram_private_reply_after_seven_days_is_refused(inbox):
    top = comment(inbox, time=NOW - 7 * DAY - HOUR)
    with pytest.raises(WindowClosed, match="2018278|allowed window"):
        instagram().private_reply(top, "Terlambat")
    inside = comment(inbox, time=NOW - 6 * DAY)
    assert instagram().private_reply(inside, "Masih bisa")


def test_instagram_dm_inside_24_hours_then_closed(inbox):
    inject(
        inbox,
        platform="instagram",
        kind="message",
        account=IG,
        author={"id": "6783290518363291"},
        text="Halo",
        time=NOW - 2 * HOUR,
    )
    assert instagram().send_message("6783290518363291", "Halo juga").startswith("m_")
    set_clock(inbox, NOW + 23 * HOUR)
    with pytest.raises(WindowClosed):
        instagram().send_message("6783290518363291", "Sudah lewat")


def test_human_agent_tag_needs_the_setting_and_lasts_seven_days(inbox, settings):
    inject(
        inbox,
        platform="instagram",
        kind="message",
        account=IG,
        author={"id": "6783290518363291"},
        text="Halo",
        time=NOW - 3 * DAY,
    )
    with pytest.raises(WindowClosed):
        instagram().send_message("6783290518363291", "Tanpa tag")
    with pytest.raises(NotAllowed, match="HUMAN_AGENT"):
        instagram().send_message("6783290518363291", "Tag", human_agent=True)
    assert sent(inbox) == []
    settings.ASPIRATION_META_HUMAN_AGENT = True
    instagram().send_message("6783290518363291", "Petugas kami", human_agent=True)
    assert sent(inbox)[-1]["tag"] == "HUMAN_AGENT"
    set_clock(inbox, NOW + 4 * DAY + HOUR)
    with pytest.raises(WindowClosed):
        instagram().send_message("6783290518363291", "Lewat 7 hari", human_agent=True)


def test_instagram_on_facebook_login_sends_through_its_page(inbox):
    inject(
        inbox,
        platform="instagram",
        kind="message",
        account=IG,
        author={"id": "678"},
        text="Halo",
        time=NOW - HOUR,
    )
    through_page = InstagramInbox(
        IG,
        "EAAP-page-of-{}".format(IG),
        instagram_login=False,
        page_id="page-of-{}".format(IG),
    )
    assert through_page.send_message("678", "Halo juga")
    assert sent(inbox)[-1]["platform"] == "instagram"


def test_instagram_token_without_manage_comments_is_refused(inbox):
    top = comment(inbox)
    basic = instagram("IGAA-{}-basic-long".format(IG))
    with pytest.raises(NotAllowed):
        basic.reply_to_comment(top, "Halo")
    with pytest.raises(NotAllowed):
        basic.hide_comment(top)
    with pytest.raises(NotAllowed):
        basic.private_reply(top, "Halo")
    with pytest.raises(TokenInvalid):
        instagram("revoked").reply_to_comment(top, "Halo")


def test_instagram_poll_finds_injected_comments_and_replies(inbox):
    top = comment(inbox, text="Mohon info jadwal vaksin")
    below = comment(
        inbox,
        parent=top,
        author={"id": "555", "name": "lain"},
        text="Saya juga mau tahu",
    )
    result = instagram().poll(since=NOW - 10 * DAY)
    assert result.stopped == ""
    ids = {item.external_id: item for item in result.inbound}
    assert {top, below} <= set(ids)
    assert ids[below].thread_key == top
    assert ids[below].parent_external_id == top
    # Older posts are not asked for.
    assert all(item.sent_at >= NOW - 11 * DAY for item in result.inbound)
    assert result.calls


def test_poll_stops_on_a_refused_token(inbox):
    result = instagram("revoked").poll(since=NOW - DAY)
    assert "190" in result.stopped or "invalid" in result.stopped.lower()
    assert result.inbound == []


# --- Facebook -------------------------------------------------------------------------


def facebook(token=PAGE_TOKEN):
    return FacebookPageInbox(PAGE, token)


def test_facebook_reply_hide_and_stream(inbox):
    top = comment(inbox, platform="facebook", account=PAGE, post=FB_POST)
    reply_id = facebook().reply_to_comment(top, "Sudah diteruskan ke Dinas.")
    facebook().hide_comment(top)
    found = {c.external_id: c for c in facebook().comments(FB_POST)}
    assert found[reply_id].thread_key == top
    assert found[reply_id].direction == events.OUT
    assert found[top].channel == events.FACEBOOK_COMMENT
    # A reply to a reply stays in the top-level comment's thread.
    below = comment(
        inbox,
        platform="facebook",
        account=PAGE,
        parent=reply_id,
        author={"id": "7012", "name": "Siti"},
        text="Terima kasih",
    )
    found = {c.external_id: c for c in facebook().comments(FB_POST)}
    assert found[below].thread_key == top


def test_facebook_private_reply_and_messenger_window(inbox):
    top = comment(inbox, platform="facebook", account=PAGE, post=FB_POST)
    facebook().private_reply(top, "Mohon nomor yang bisa dihubungi.")
    with pytest.raises(AlreadyReplied):
        facebook().private_reply(top, "Lagi")
    inject(
        inbox,
        platform="facebook",
        kind="message",
        account=PAGE,
        author={"id": "7012345678901234"},
        text="Halo",
        time=NOW - 25 * HOUR,
    )
    with pytest.raises(WindowClosed):
        facebook().send_message("7012345678901234", "Halo")


def test_facebook_token_without_manage_engagement_cannot_write(inbox):
    top = comment(inbox, platform="facebook", account=PAGE, post=FB_POST)
    basic = facebook("EAAP-{}-basic".format(PAGE))
    # Reading is allowed with pages_read_engagement.
    assert top in {c.external_id for c in basic.comments(FB_POST)}
    with pytest.raises(NotAllowed):
        basic.reply_to_comment(top, "Halo")
    with pytest.raises(NotAllowed):
        basic.hide_comment(top)


def test_facebook_poll_reads_the_page_s_recent_posts(inbox):
    top = comment(inbox, platform="facebook", account=PAGE, post=FB_POST)
    result = facebook().poll(since=NOW - 5 * DAY)
    assert result.stopped == ""
    assert top in {c.external_id for c in result.inbound}
    assert {c.platform for c in result.inbound} == {"facebook"}


# --- YouTube --------------------------------------------------------------------------


YT_TOKEN = "ya29.fake.{}".format(CHANNEL)


def youtube(token=YT_TOKEN):
    return YouTubeInbox(CHANNEL, token)


def video_comment(url, **spec):
    spec.setdefault("author", {"id": "UCwarga1", "name": "Warga"})
    spec.setdefault("text", "Mohon diperbaiki")
    spec.setdefault("time", NOW - HOUR)
    return inject(
        url,
        platform="youtube",
        kind="comment",
        account=CHANNEL,
        post="{}_20260315".format(CHANNEL),
        **spec,
    )


def test_youtube_threads_with_replies_and_paging(inbox):
    made = video_comment(inbox, count=150)["ids"]
    top = made[-1]
    video_comment(
        inbox, parent=top, author={"id": "UCwarga2", "name": "B"}, text="Setuju"
    )
    result = youtube().poll()
    assert result.stopped == ""
    found = {c.external_id: c for c in result.inbound}
    assert set(made) <= set(found)
    reply = [c for c in result.inbound if c.parent_external_id == top]
    assert len(reply) == 1 and reply[0].thread_key == top
    pages = calls(inbox, "commentThreads")
    assert pages >= 2
    assert youtube_units_spent() == pages


def test_youtube_poll_stops_when_the_budget_is_spent(inbox, settings):
    video_comment(inbox, count=150)
    settings.YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY = 1
    result = youtube().poll()
    assert "budget" in result.stopped
    assert len({c.thread_key for c in result.inbound}) == 100
    assert calls(inbox, "commentThreads") == 1
    assert youtube_units_spent() == 1


def test_youtube_reply_spends_fifty_units_or_sends_nothing(inbox, settings):
    top = video_comment(inbox)["id"]
    reply_id = youtube().reply(top, "Terima kasih, sudah kami catat.")
    assert youtube_units_spent() == 50
    assert reply_id in {c.external_id for c in youtube().poll().inbound}
    settings.YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY = 100
    before = calls(inbox, "/youtube/v3/comments")
    with pytest.raises(QuotaExceeded, match="budget"):
        youtube().reply(top, "Lagi")
    assert calls(inbox, "/youtube/v3/comments") == before


def test_youtube_refuses_a_reply_to_a_reply_and_a_readonly_token(inbox):
    top = video_comment(inbox)["id"]
    below = video_comment(inbox, parent=top)["id"]
    with pytest.raises(NotReplyable):
        youtube().reply(below, "Halo")
    with pytest.raises(NotAllowed):
        youtube("ya29.x-basic.{}".format(CHANNEL)).reply(top, "Halo")


def test_youtube_quota_exceeded_stops_the_poll_and_the_reply(inbox):
    top = video_comment(inbox)["id"]
    inject_fault(inbox, {"match": "commentThreads", "kind": "quota", "times": 1})
    result = youtube().poll()
    assert "quota" in result.stopped.lower()
    inject_fault(inbox, {"match": "/youtube/v3/comments", "kind": "quota", "times": 1})
    with pytest.raises(QuotaExceeded):
        youtube().reply(top, "Halo")


def test_spend_youtube_units_refuses_past_the_budget(inbox, settings):
    settings.YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY = 60
    assert spend_youtube_units(50)
    assert not spend_youtube_units(11)
    assert youtube_units_spent() == 50
    assert spend_youtube_units(10)
    assert not spend_youtube_units(1)


def test_concurrent_spending_never_passes_the_budget(inbox, settings):
    settings.YOUTUBE_COMMENT_QUOTA_UNITS_PER_DAY = 500
    with ThreadPoolExecutor(max_workers=8) as pool:
        granted = list(pool.map(lambda _n: spend_youtube_units(50), range(20)))
    assert granted.count(True) == 10
    assert youtube_units_spent() == 500


def test_the_budget_day_is_pacific(inbox):
    # 07:59 UTC is still the previous day in Los Angeles (UTC-8 in winter).
    before = datetime.datetime(2026, 12, 8, 7, 59, tzinfo=datetime.UTC)
    after = datetime.datetime(2026, 12, 8, 8, 1, tzinfo=datetime.UTC)
    assert budget_key(before).endswith("2026-12-07")
    assert budget_key(after).endswith("2026-12-08")


@pytest.mark.parametrize(
    ("error", "label", "expected"),
    [
        ({"code": 10, "error_subcode": 2018278}, "1/messages", WindowClosed),
        ({"code": 131047}, "1/messages", WindowClosed),
        ({"code": 10900}, "1/messages", AlreadyReplied),
        ({"code": 1, "message": "Activity already replied to"}, "x", AlreadyReplied),
        ({"code": 10903}, "1/messages", NotReplyable),
        ({"code": 132001}, "1/messages", TemplateRefused),
        ({"code": 100}, "c1/replies", NotReplyable),
        ({"code": 100}, "c1/comments", type(None)),
        ({"code": 10}, "1/messages", type(None)),
    ],
)
def test_platform_error_codes_map_to_reply_refusals(error, label, expected):
    assert isinstance(refusal(error, label, "message"), expected)
