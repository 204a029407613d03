"""The fake platform's conversation part: its webhook payloads keep the
documented shapes, deliveries are signed as Meta signs them, and its state
is deterministic."""

from __future__ import annotations

import hashlib
import hmac
import json
import pathlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from socialposts.pulls import fake_inbox, fake_platform
from tests.aspirations.conftest import IG, NOW, PAGE, PHONE, inject, set_clock
from tests.socialposts.conftest import TODAY

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def shape(value):
    """The key tree of a JSON value, without its values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value[:1]]
    return type(value).__name__


SAMPLES = {
    "whatsapp_text.json": {
        "platform": "whatsapp",
        "account": PHONE,
        "author": {"id": "6281234567890", "name": "Budi"},
        "text": "Jalan rusak",
    },
    "whatsapp_status.json": {
        "platform": "whatsapp",
        "kind": "status",
        "account": PHONE,
        "author": {"id": "6281234567890"},
        "message_id": "wamid.sent1",
        "status": "delivered",
    },
    "instagram_comment.json": {
        "platform": "instagram",
        "kind": "comment",
        "account": IG,
        "post": IG + "_20260315",
        "author": {"id": "678", "name": "warga"},
        "text": "Lampu mati",
    },
    "instagram_dm.json": {
        "platform": "instagram",
        "kind": "message",
        "account": IG,
        "author": {"id": "678"},
        "text": "Halo",
    },
    "instagram_echo.json": {
        "platform": "instagram",
        "kind": "echo",
        "account": IG,
        "author": {"id": "678"},
        "text": "Balasan dari aplikasi",
    },
    "facebook_feed_comment.json": {
        "platform": "facebook",
        "kind": "comment",
        "account": PAGE,
        "post": PAGE + "_20260315",
        "author": {"id": "701", "name": "Siti"},
        "text": "Saluran tersumbat",
    },
    "messenger_dm.json": {
        "platform": "facebook",
        "kind": "message",
        "account": PAGE,
        "author": {"id": "701"},
        "text": "Halo",
    },
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_injections_answer_the_documented_payload_shapes(inbox, name):
    payload = inject(inbox, **SAMPLES[name])["payload"]
    assert shape(payload) == shape(json.loads((FIXTURES / name).read_text()))


def test_payloads_name_the_right_objects_and_fields(inbox):
    text = inject(inbox, **SAMPLES["whatsapp_text.json"])
    value = text["payload"]["entry"][0]["changes"][0]["value"]
    assert value["metadata"]["phone_number_id"] == PHONE
    assert value["messages"][0]["id"] == text["id"]
    assert value["messages"][0]["timestamp"] == str(int(NOW.timestamp()))
    echo = inject(inbox, **SAMPLES["instagram_echo.json"])["payload"]
    event = echo["entry"][0]["messaging"][0]
    assert (event["sender"]["id"], event["recipient"]["id"]) == (IG, "678")
    assert event["message"]["is_echo"] is True
    assert event["timestamp"] == int(NOW.timestamp() * 1000)
    top = inject(inbox, **SAMPLES["instagram_comment.json"])
    reply = inject(inbox, **{**SAMPLES["instagram_comment.json"], "parent": top["id"]})
    change = reply["payload"]["entry"][0]["changes"][0]
    assert change["field"] == "comments"
    assert change["value"]["parent_id"] == top["id"]
    feed = inject(inbox, **SAMPLES["facebook_feed_comment.json"])["payload"]
    value = feed["entry"][0]["changes"][0]["value"]
    assert (value["item"], value["verb"], value["parent_id"]) == (
        "comment",
        "add",
        PAGE + "_20260315",
    )


def test_a_failed_whatsapp_status_carries_the_reason(inbox):
    spec = {**SAMPLES["whatsapp_status.json"], "status": "failed"}
    status = inject(inbox, **spec)["payload"]["entry"][0]["changes"][0]["value"]
    assert status["statuses"][0]["errors"][0]["code"] == 131047


def test_youtube_has_no_webhook(inbox):
    found = inject(
        inbox,
        platform="youtube",
        kind="comment",
        account="UCx",
        post="UCx_20260315",
        text="Halo",
    )
    assert found["payload"] is None


@pytest.mark.parametrize(
    "spec",
    [
        {"platform": "instagram", "kind": "poke", "account": IG},
        {"platform": "instagram", "kind": "comment", "account": IG},
        {"platform": "instagram", "kind": "comment", "account": IG, "parent": "x.i9"},
        {"platform": "youtube", "kind": "message", "account": "UCx"},
        {"kind": "message", "account": IG},
    ],
)
def test_a_bad_injection_is_refused(inbox, spec):
    response = httpx.post(inbox + "/_inbox/inject", json=spec)
    assert response.status_code == 400


class _Receiver(BaseHTTPRequestHandler):
    got: list

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.got.append((self.headers.get("X-Hub-Signature-256"), body))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    got: list = []
    handler = type("Receiver", (_Receiver,), {"got": got})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield "http://127.0.0.1:{}/webhooks/meta".format(server.server_address[1]), got
    server.shutdown()
    server.server_close()


def test_deliver_posts_the_payload_signed_with_the_app_secret(inbox, receiver):
    url, got = receiver
    answer = httpx.post(
        inbox + "/_inbox/deliver",
        json={**SAMPLES["instagram_dm.json"], "url": url, "app_secret": "s3cret"},
    ).json()
    assert answer["status"] == 200
    signature, body = got[0]
    assert json.loads(body) == answer["payload"]
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signature == "sha256=" + expected
    assert fake_inbox.sign(body, "s3cret") == signature


def test_deliver_signs_with_the_fake_app_by_default_or_badly_on_request(
    inbox, receiver
):
    url, got = receiver
    spec = {**SAMPLES["messenger_dm.json"], "url": url}
    httpx.post(inbox + "/_inbox/deliver", json=spec).raise_for_status()
    httpx.post(
        inbox + "/_inbox/deliver", json={**spec, "bad_signature": True}
    ).raise_for_status()
    (good, body), (bad, _body) = got
    assert good == fake_inbox.sign(body, "fake-meta-secret")
    assert bad != fake_inbox.sign(_body, "fake-meta-secret")


def comments_of(url, post, **params):
    return httpx.get(
        "{}/v23.0/{}/comments".format(url, post),
        params={"access_token": "EAAP-x", "fields": "id,text,replies{id}", **params},
    ).json()


def test_seeded_comments_are_the_same_on_every_server(inbox):
    posts = [item["id"] for item in fake_platform.media_for(IG, TODAY)[:10]]
    other, _state, url = fake_platform.start_in_thread(today=TODAY)
    try:
        first = [comments_of(inbox, post) for post in posts]
        assert first == [comments_of(url, post) for post in posts]
    finally:
        other.shutdown()
        other.server_close()
    assert any(page["data"] for page in first)


def test_comment_lists_are_paged(inbox):
    post = IG + "_20260301"
    for n in range(5):
        inject(
            inbox,
            platform="instagram",
            kind="comment",
            account=IG,
            post=post,
            text="komentar {}".format(n),
        )
    first = comments_of(inbox, post, limit=3)
    assert len(first["data"]) == 3
    after = first["paging"]["cursors"]["after"]
    rest = comments_of(inbox, post, limit=3, after=after)
    seen = [c["id"] for c in first["data"] + rest["data"]]
    assert len(seen) == len(set(seen)) >= 5
    assert "next" not in rest["paging"]


def test_facebook_comments_without_stream_are_top_level_only(inbox):
    post = PAGE + "_20260301"
    top = inject(inbox, platform="facebook", kind="comment", account=PAGE, post=post)
    inject(inbox, platform="facebook", kind="comment", account=PAGE, parent=top["id"])
    url = "{}/v23.0/{}/comments".format(inbox, post)
    plain = httpx.get(url, params={"access_token": "EAAP-x"}).json()["data"]
    stream = httpx.get(
        url, params={"access_token": "EAAP-x", "filter": "stream"}
    ).json()["data"]
    assert len(stream) == len(plain) + 1
    assert all("parent" not in item for item in plain)


def test_the_clock_can_be_fixed_and_released(inbox):
    answer = httpx.post(inbox + "/_inbox/clock", json={"now": "2026-12-07T01:00:00Z"})
    assert answer.json()["now"].startswith("2026-12-07T01:00:00")
    set_clock(inbox, None)
    released = httpx.post(inbox + "/_inbox/clock", json={}).json()["now"]
    assert not released.startswith("2026-12-07T01:00:00")


def test_the_pulls_own_routes_still_answer(inbox):
    media = httpx.get(
        "{}/v23.0/{}/media".format(inbox, IG),
        params={"access_token": "EAAP-x", "fields": "id,timestamp"},
    )
    assert media.status_code == 200 and media.json()["data"]
    unknown = httpx.get(
        "{}/v23.0/{}/comments".format(inbox, IG), params={"access_token": "EAAP-x"}
    )
    # An account is no media object: Graph's unknown-edge answer, as before.
    assert unknown.status_code == 404
