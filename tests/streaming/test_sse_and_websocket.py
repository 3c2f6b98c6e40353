"""The streaming API by raw HTTP (Server-Sent Events) and by WebSocket, through the database
and through Redis pub/sub."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator

import pytest
import requests
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.live_server import run_tidings
from tests.sse import SseReader
from tests.streaming.conftest import withhold_post


def _token(client) -> str:
    return client.access_token


def _status_id(data: str) -> str:
    return json.loads(data)["id"]


def test_sse_hashtag_stream_sends_a_tagged_post_as_a_status_json_string(live_tidings, new_user):
    author = new_user("ssetag")
    tag = f"march{secrets.token_hex(3)}"
    reader = SseReader(f"{live_tidings.streaming_url}/api/v1/streaming/hashtag?tag={tag}")
    try:
        assert reader.response.status_code == 200
        assert reader.response.headers["Content-Type"].startswith("text/event-stream")
        time.sleep(0.5)
        author.status_post("untagged words")
        post = author.status_post(f"At the crossing #{tag}")
        data = reader.until("update", lambda d: _status_id(d) == str(post.id))
        assert data is not None
        assert json.loads(data)["tags"][0]["name"] == tag
    finally:
        reader.close()


def test_sse_user_stream_takes_the_token_as_access_token_and_refuses_a_bad_one(
    live_tidings, new_user
):
    base = f"{live_tidings.streaming_url}/api/v1/streaming/user"
    refused = requests.get(base, params={"access_token": "not-a-token"}, timeout=10)
    assert refused.status_code == 401
    assert "error" in refused.json()
    missing = requests.get(base, timeout=10)
    assert missing.status_code == 401
    assert missing.json() == {"error": "Missing access token"}

    author = new_user("sseself")
    reader = SseReader(f"{base}?access_token={_token(author)}")
    try:
        post = author.status_post("my own post reaches my own home stream")
        assert reader.until("update", lambda d: _status_id(d) == str(post.id))
    finally:
        reader.close()


def test_sse_bad_stream_parameters_answer_clear_errors(live_tidings):
    base = f"{live_tidings.streaming_url}/api/v1/streaming"
    no_tag = requests.get(f"{base}/hashtag", timeout=10)
    assert no_tag.status_code == 400
    assert no_tag.json() == {"error": "No tag for stream provided"}
    nul = requests.get(f"{base}/hashtag", params={"tag": "a\x00b"}, timeout=10)
    assert nul.status_code == 400
    long_tag = requests.get(f"{base}/hashtag", params={"tag": "x" * 5000}, timeout=10)
    assert long_tag.json() == {"error": "Tag is too long"}
    try:  # the HTTP parser refuses a 1 MB request line before the app sees it
        huge = requests.get(f"{base}/hashtag", params={"tag": "x" * 1_000_000}, timeout=30)
        assert 400 <= huge.status_code < 500
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        pass
    assert requests.get(f"{base}/nowhere", timeout=10).status_code == 404
    assert requests.get(f"{base}/health", timeout=10).text == "OK"


def test_the_main_port_redirects_stream_paths_to_the_streaming_server(live_tidings):
    answer = requests.get(
        f"{live_tidings.url}/api/v1/streaming/public?x=1", allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{live_tidings.streaming_url}/api/v1/streaming/public?x=1"


def _ws_url(live, query: str = "") -> str:
    return live.streaming_url.replace("http://", "ws://") + "/api/v1/streaming" + query


def _next_event(ws, event: str, post_id: str, seconds: float = 20) -> dict | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = json.loads(ws.recv(timeout=max(0.05, deadline - time.monotonic())))
        except TimeoutError:
            return None
        if message.get("event") != event:
            continue
        payload = message["payload"]
        found = payload if event == "delete" else json.loads(payload)["id"]
        if found == post_id:
            return message
    return None


def test_websocket_subscribes_to_streams_and_receives_updates_and_withheld_deletes(
    live_tidings, new_user
):
    author, reader = new_user("wsauthor"), new_user("wsreader")
    reader.account_follow(author.me().id)
    url = _ws_url(live_tidings, f"?access_token={_token(reader)}")
    with connect(url, additional_headers={"X-Test-Country": "IN"}) as ws:
        ws.send(json.dumps({"type": "subscribe", "stream": "user"}))
        ws.send(json.dumps({"type": "subscribe", "stream": "public"}))
        ws.send("not json")
        assert json.loads(ws.recv(timeout=10)) == {"error": "Invalid JSON message", "status": 400}
        time.sleep(0.5)
        post = author.status_post("over the socket")
        first = _next_event(ws, "update", str(post.id))
        assert first is not None and first["stream"] in (["user"], ["public"])
        withhold_post(live_tidings, post.id, "IN")
        deleted = _next_event(ws, "delete", str(post.id))
        assert deleted is not None


def test_websocket_takes_the_token_as_its_protocol_and_refuses_a_bad_one(live_tidings, new_user):
    author = new_user("wsproto")
    with connect(_ws_url(live_tidings), subprotocols=[_token(author)]) as ws:
        ws.send(json.dumps({"type": "subscribe", "stream": "user"}))
        time.sleep(0.5)
        post = author.status_post("token in the protocol header")
        assert _next_event(ws, "update", str(post.id)) is not None
    with pytest.raises(InvalidStatus) as refused:
        connect(_ws_url(live_tidings, "?access_token=bad"))
    assert refused.value.response.status_code == 401
    assert json.loads(refused.value.response.body) == {"error": "The access token is invalid"}
    with connect(_ws_url(live_tidings)) as ws:
        ws.send(json.dumps({"type": "subscribe", "stream": "user"}))
        assert json.loads(ws.recv(timeout=10)) == {"error": "Missing access token", "status": 401}
        ws.send(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": "x" * 1_000_000}))
        assert json.loads(ws.recv(timeout=10)) == {"error": "Message too long", "status": 400}
        ws.send(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": "a\x00"}))
        assert json.loads(ws.recv(timeout=10))["status"] == 400
        ws.send(json.dumps({"type": "subscribe", "stream": "direct"}))
        assert json.loads(ws.recv(timeout=10)) == {"error": "Unknown stream type", "status": 400}


@pytest.fixture(scope="module")
def redis_tidings(tmp_path_factory) -> Iterator:
    """A second server whose events travel through Redis pub/sub (Redis at 127.0.0.1:6379)."""
    with run_tidings(
        tmp_path_factory.mktemp("tidings-redis"),
        TIDINGS_RATE_LIMITS="0",
        TIDINGS_REDIS_URL="redis://127.0.0.1:6379/0",
    ) as live:
        yield live


@pytest.mark.redis
def test_through_redis_a_public_post_and_its_deletion_reach_the_stream(redis_tidings):
    from mastodon import Mastodon

    from tests.conftest import TEST_PASSWORD

    client_id, secret = Mastodon.create_app(
        "redis", api_base_url=redis_tidings.url, scopes=["read", "write"]
    )
    author = Mastodon(client_id=client_id, client_secret=secret, api_base_url=redis_tidings.url)
    handle = f"redis{secrets.token_hex(3)}"
    author.create_account(
        handle, TEST_PASSWORD, f"{handle}@example.com", agreement=True, scopes=["read", "write"]
    )
    reader = SseReader(f"{redis_tidings.streaming_url}/api/v1/streaming/public")
    try:
        time.sleep(1)
        post = author.status_post("carried by Redis")
        assert reader.until("update", lambda d: _status_id(d) == str(post.id))
        author.status_delete(post.id)
        assert reader.until("delete", lambda d: d == str(post.id))
        rows = redis_tidings.manage(
            "shell",
            "-c",
            "from tidings.social.models import StreamEvent as E; print(E.objects.count())",
        )
        assert rows.stdout.strip().endswith("0")  # nothing went through the table
    finally:
        reader.close()
