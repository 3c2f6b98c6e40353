"""Mastodon.py's streaming client against a live ``tidings serve`` (events through the database)."""

from __future__ import annotations

import time

import pytest

from tests.streaming.conftest import Collector, withhold_post


@pytest.fixture
def in_country():
    """Set a Mastodon.py client's requests, its streams included, to come from ``country``."""

    def place(client, country: str):
        client.session.headers["X-Test-Country"] = country
        return client

    return place


def test_the_instance_document_names_the_streaming_server(live_tidings, new_user):
    client = new_user("inst")
    ws = live_tidings.streaming_url.replace("http://", "ws://")
    assert client.instance_v1().urls.streaming_api == ws
    assert client.instance_v2().configuration.urls.streaming == ws
    assert client.stream_healthy()


def test_a_follower_streams_a_new_post_and_in_india_its_deletion_when_withheld_there(
    new_user, in_country, live_tidings
):
    author = new_user("sauthor")
    reader_in = in_country(new_user("sreaderin"), "IN")
    reader_us = in_country(new_user("sreaderus"), "US")
    author_id = author.me().id
    reader_in.account_follow(author_id)
    reader_us.account_follow(author_id)
    heard_in, heard_us = Collector(), Collector()
    streams = [
        reader_in.stream_user(heard_in, run_async=True),
        reader_us.stream_user(heard_us, run_async=True),
    ]
    try:
        time.sleep(1)  # both connections open before the post
        post = author.status_post("Farmers gather at the border #kisanandolan")
        assert heard_in.wait_for(lambda: str(post.id) in heard_in.updates())
        assert heard_us.wait_for(lambda: str(post.id) in heard_us.updates())
        assert heard_in.updates().count(str(post.id)) == 1  # fanned out, sent once

        withhold_post(live_tidings, post.id, "IN")
        assert heard_in.wait_for(lambda: str(post.id) in heard_in.deletes())
        time.sleep(2)
        assert str(post.id) not in heard_us.deletes()
        assert post.id in [s.id for s in reader_us.timeline_home()]
        assert post.id not in [s.id for s in reader_in.timeline_home()]
    finally:
        for stream in streams:
            stream.close()


def test_the_public_stream_carries_public_posts_only(new_user):
    author, reader = new_user("spub"), new_user("spubreader")
    heard = Collector()
    stream = reader.stream_public(heard, run_async=True)
    try:
        time.sleep(1)
        quiet = author.status_post("for followers", visibility="private")
        loud = author.status_post("for everyone")
        assert heard.wait_for(lambda: str(loud.id) in heard.updates())
        assert str(quiet.id) not in heard.updates()
        author.status_delete(loud.id)
        assert heard.wait_for(lambda: str(loud.id) in heard.deletes())
    finally:
        stream.close()


def test_a_mention_arrives_as_a_notification_on_the_user_stream(new_user):
    author, reader = new_user("smention"), new_user("smentioned")
    heard = Collector()
    stream = reader.stream_user(heard, run_async=True)
    try:
        time.sleep(1)
        post = author.status_post(f"@{reader.handle} are you at the march?")
        assert heard.wait_for(lambda: any(k == "notification" for k, _ in heard.events))
        notification = next(p for k, p in heard.events if k == "notification")
        assert notification["type"] == "mention"
        assert str(notification["status"]["id"]) == str(post.id)
    finally:
        stream.close()


def test_a_blocked_author_never_reaches_the_public_stream(new_user):
    author, reader = new_user("sblocked"), new_user("sblocker")
    reader.account_block(author.me().id)
    heard = Collector()
    stream = reader.stream_public(heard, run_async=True)
    try:
        time.sleep(1)
        hidden = author.status_post("you blocked me")
        other = new_user("sother").status_post("someone else")
        assert heard.wait_for(lambda: str(other.id) in heard.updates())
        assert str(hidden.id) not in heard.updates()
    finally:
        stream.close()
