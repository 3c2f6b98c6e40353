"""Which stream events each viewer receives: the timelines' own rules, per event and viewer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import viewer
from tidings.legal.actions.withholding import do_lift_withholding, do_withhold
from tidings.social import queries
from tidings.social.actions import do_block, do_create_post, do_follow, do_mute, do_repost
from tidings.social.actions.edits import do_edit_post
from tidings.social.actions.filters import do_create_filter
from tidings.social.actions.lists import do_add_list_accounts, do_create_list
from tidings.social.models import StreamEvent
from tidings.streaming.auth import request_from_scope
from tidings.streaming.dispatch import Subscriber, messages_for
from tidings.streaming.tasks import prune_stream_events
from tidings.visibility.streams import stream_shown_posts, stream_shows_post


def subscriber(account, *countries: str, streams=(("user", ""),)) -> Subscriber:
    request = request_from_scope({"path": "/api/v1/streaming", "headers": [], "client": None})
    sub = Subscriber(
        account.id if account else None, frozenset(countries), request, frozenset({"read"})
    )
    sub.streams.update(streams)
    return sub


def received(sub: Subscriber, kind: str, data: dict) -> list[tuple[str, str]]:
    """(event, post or notification id) pairs ``sub`` receives for the event."""
    out = []
    for message in messages_for(kind, data, [sub]).get(sub, []):
        if message.event == "delete":
            out.append(("delete", message.payload))
        else:
            import json

            out.append((message.event, json.loads(message.payload)["id"]))
    return out


def test_a_home_stream_sends_a_followed_authors_post_once_and_a_strangers_never(
    alice, bob, carol, make_post
):
    do_follow(alice, acting_user=bob)
    post = make_post(alice, "at the border")
    follower, stranger = subscriber(bob), subscriber(carol)
    assert received(follower, "status", {"post": post.id}) == [("update", str(post.id))]
    assert received(follower, "status", {"post": post.id}) == []  # fanned out twice, sent once
    assert received(stranger, "status", {"post": post.id}) == []


def test_the_public_stream_leaves_out_followers_only_posts_and_reposts(alice, bob, make_post):
    open_post = make_post(alice, "for everyone")
    private = make_post(alice, "for followers", visibility="followers")
    repost = do_repost(open_post, acting_user=bob)
    reader = subscriber(None, streams=[("public", "")])
    assert received(reader, "status", {"post": open_post.id}) == [("update", str(open_post.id))]
    assert received(reader, "status", {"post": private.id}) == []
    assert received(reader, "status", {"post": repost.id}) == []


def test_a_hashtag_stream_sends_only_posts_with_its_tag(alice, make_post):
    tagged = make_post(alice, "#KisanAndolan today")
    other = make_post(alice, "#elsewhere today")
    reader = subscriber(None, streams=[("hashtag", "kisanandolan")])
    assert received(reader, "status", {"post": tagged.id}) == [("update", str(tagged.id))]
    assert received(reader, "status", {"post": other.id}) == []


def test_blocks_and_mutes_keep_an_author_out_of_streams(alice, bob, carol, make_post):
    do_follow(alice, acting_user=bob)
    do_mute(alice, acting_user=bob)
    do_block(alice, acting_user=carol)
    post = make_post(alice, "still talking")
    assert received(subscriber(bob), "status", {"post": post.id}) == []
    assert received(subscriber(carol, streams=[("public", "")]), "status", {"post": post.id}) == []


def test_a_post_withheld_in_india_is_deleted_from_streams_there_and_nowhere_else(
    alice, bob, carol, legal_admin, make_post
):
    do_follow(alice, acting_user=bob)
    do_follow(alice, acting_user=carol)
    post = make_post(alice, "the protest grows")
    repost = do_repost(post, acting_user=carol)
    in_india, in_us = subscriber(bob, "IN"), subscriber(carol, "US")
    author_in_india = subscriber(alice, "IN")
    withholding = do_withhold(
        post=post, countries=["IN"], reason="order under s.69A", acting_user=legal_admin
    )
    event = StreamEvent.objects.filter(kind="withheld").latest("id")
    assert event.data == {"posts": [post.id], "accounts": []}
    assert sorted(received(in_india, "withheld", event.data)) == sorted(
        [("delete", str(post.id)), ("delete", str(repost.id))]
    )
    assert received(in_us, "withheld", event.data) == []
    assert received(author_in_india, "withheld", event.data) == []

    do_lift_withholding(withholding, reason="order withdrawn", acting_user=legal_admin)
    lifted = StreamEvent.objects.filter(kind="lifted").latest("id")
    assert received(in_india, "lifted", lifted.data) == [("update", str(post.id))]


def test_withholding_an_account_deletes_its_posts_from_streams_in_that_country(
    alice, bob, legal_admin, make_post
):
    do_follow(alice, acting_user=bob)
    posts = [make_post(alice, f"post {i}") for i in range(3)]
    do_withhold(account=alice, countries=["IN"], reason="order", acting_user=legal_admin)
    event = StreamEvent.objects.filter(kind="withheld").latest("id")
    deleted = {pid for kind, pid in received(subscriber(bob, "IN"), "withheld", event.data)}
    assert deleted == {str(p.id) for p in posts}


def test_a_mention_notification_reaches_the_user_stream_unless_its_actor_is_blocked(
    alice, bob, carol, make_post
):
    do_block(carol, acting_user=bob)
    make_post(alice, "@bob see this")
    make_post(carol, "@bob and this")
    ids = [e.data["notifications"][0] for e in StreamEvent.objects.filter(kind="notification")]
    got = [received(subscriber(bob), "notification", {"notifications": [i]}) for i in ids]
    assert [len(g) for g in got].count(1) == 1  # alice's reaches bob; carol's (blocked) does not
    assert received(subscriber(alice), "notification", {"notifications": ids}) == []


def test_a_deletion_is_published_and_sent_to_every_post_stream(alice, make_post):
    post = make_post(alice, "soon gone")
    from tidings.social.actions import do_delete_post

    do_delete_post(post, acting_user=alice)
    event = StreamEvent.objects.filter(kind="delete").latest("id")
    assert event.data == {"post": post.id}
    reader = subscriber(None, streams=[("public", ""), ("hashtag", "x")])
    assert received(reader, "delete", event.data) == [("delete", str(post.id))] * 2


def test_a_suspended_viewers_stream_is_closed(alice, bob, make_post):
    sub = subscriber(bob)
    bob.suspended_at = timezone.now()
    type(bob).objects.filter(id=bob.id).update(suspended_at=timezone.now())
    messages_for("status", {"post": make_post(alice).id}, [sub])
    assert sub.closed


def test_the_prune_task_deletes_only_old_stream_events(alice, make_post):
    make_post(alice, "fresh")
    old = StreamEvent.objects.create(kind="status", data={"post": 1})
    StreamEvent.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(hours=1))
    assert prune_stream_events.call() == 1
    assert StreamEvent.objects.exists()
    assert not StreamEvent.objects.filter(id=old.id).exists()


@pytest.mark.redis
def test_with_redis_an_event_is_published_on_commit_and_never_written_to_the_table(
    alice, settings, django_capture_on_commit_callbacks
):
    import redis

    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    from tidings.streaming import events

    events._redis_client = None
    pubsub = redis.Redis.from_url(settings.REDIS_URL).pubsub()
    pubsub.subscribe(events.channel())
    pubsub.get_message(timeout=2)  # the subscription's confirmation
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post = do_create_post("through redis", acting_user=alice)
            assert pubsub.get_message(timeout=0.2) is None  # nothing before commit
        message = pubsub.get_message(timeout=5)
        assert message is not None
        assert b'"kind":"status"' in message["data"] and str(post.id).encode() in message["data"]
        assert not StreamEvent.objects.exists()
    finally:
        pubsub.close()
        events._redis_client = None


@pytest.mark.parametrize("country", ["IN", "US"])
def test_each_stream_shows_exactly_what_its_timeline_lists(
    alice, bob, carol, make_account, legal_admin, make_post, country
):
    """The stream form of the rule agrees with the list form for every post and viewer."""
    dave = make_account("dave")
    do_follow(alice, acting_user=bob)
    do_follow(carol, acting_user=bob)
    do_follow(dave, acting_user=bob)
    do_mute(carol, acting_user=bob)
    do_block(bob, acting_user=dave)
    posts = [
        make_post(alice, "#tag open"),
        make_post(alice, "#tag quiet", visibility="unlisted"),
        make_post(alice, "#tag followers", visibility="followers"),
        make_post(carol, "#tag muted author"),
        make_post(dave, "#tag blocking author"),
    ]
    posts.append(do_repost(posts[0], acting_user=carol))
    withheld = make_post(alice, "#tag withheld")
    do_withhold(post=withheld, countries=["IN"], reason="order", acting_user=legal_admin)
    posts.append(withheld)
    from tidings.social.models import Post
    from tidings.social.queries import POST_RELATED

    loaded = Post.objects.select_related(*POST_RELATED).filter(id__in=[p.id for p in posts])
    for account in (bob, carol, None):
        who = viewer(account, country)
        cursor = queries.Cursor(limit=40)
        lists = {
            "public": {p.id for p in queries.public_timeline(who, cursor)},
            "hashtag": {p.id for p in queries.hashtag_timeline(who, "tag", cursor)},
        }
        if account is not None:
            lists["user"] = {p.id for p in queries.home_timeline(who, cursor)}
        for stream, listed in lists.items():
            shown = {
                p.id
                for p in loaded
                if stream_shows_post(viewer(account, country), p, stream, "tag")
            }
            assert shown == listed, (stream, account, country)
            in_bulk = stream_shown_posts(viewer(account, country), list(loaded), stream, "tag")
            assert {p.id for p in in_bulk} == listed, (stream, account, country)


def test_an_edit_is_published_and_sent_as_status_update_only_where_the_post_may_be_seen(
    alice, bob, carol, make_post, make_account
):
    from tidings.social.actions import do_edit_post

    do_follow(alice, acting_user=bob)
    post = make_post(alice, "first words")
    do_edit_post(post, "second words", acting_user=alice)
    event = StreamEvent.objects.filter(kind="status.update").latest("id")
    assert event.data == {"post": post.id}
    lex = make_account("lexedit", role="legal_admin")
    do_withhold(post=post, countries=["IN"], reason="order", acting_user=lex)
    assert received(subscriber(bob, "US"), "status.update", event.data) == [
        ("status.update", str(post.id))
    ]
    assert received(subscriber(bob, "IN"), "status.update", event.data) == []
    assert received(subscriber(carol), "status.update", event.data) == []


def test_a_preflight_allows_the_token_and_the_configured_country_header(settings):
    import asyncio

    from tidings.streaming.server import application

    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "OPTIONS", "path": "/api/v1/streaming/user", "headers": []}
    asyncio.run(application(scope, receive, send))
    assert sent[0]["status"] == 204
    assert dict(sent[0]["headers"])[b"access-control-allow-headers"] == (
        b"authorization, x-test-country"
    )


def payloads(sub: Subscriber, kind: str, data: dict) -> list[tuple[str, tuple[str, ...], object]]:
    """(event, stream, payload) triples ``sub`` receives; JSON payloads decoded."""
    import json

    return [
        (m.event, m.stream, m.payload if m.event == "delete" else json.loads(m.payload))
        for m in messages_for(kind, data, [sub]).get(sub, [])
    ]


def test_a_hide_filter_keeps_a_post_off_the_streams_of_its_context_only(alice, bob, make_post):
    do_follow(alice, acting_user=bob)
    do_create_filter(
        "Scams", context=["home"], action="hide", keywords=[("crypto", True)], acting_user=bob
    )
    post = make_post(alice, "crypto giveaway #deals")
    both = subscriber(bob, streams=[("user", ""), ("hashtag", "deals")])
    got = payloads(both, "status", {"post": post.id})
    assert [(event, stream) for event, stream, _ in got] == [("update", ("hashtag", "deals"))]
    plain = make_post(alice, "plain weather")
    assert received(subscriber(bob), "status", {"post": plain.id}) == [("update", str(plain.id))]


def test_a_warn_filter_sends_the_post_with_its_match_in_filtered(alice, bob, make_post):
    do_follow(alice, acting_user=bob)
    do_create_filter("Spoilers", context=["home"], keywords=[("finale", True)], acting_user=bob)
    post = make_post(alice, "the finale tonight #tv")
    sub = subscriber(bob, streams=[("user", ""), ("hashtag", "tv")])
    got = {stream: payload for _, stream, payload in payloads(sub, "status", {"post": post.id})}
    home = got[("user",)]["filtered"]
    assert [(f["filter"]["title"], f["keyword_matches"]) for f in home] == [
        ("Spoilers", ["finale"])
    ]
    assert got[("hashtag", "tv")]["filtered"] == []  # the filter is for home only


def test_the_user_stream_leaves_out_members_of_an_exclusive_list(alice, bob, carol, make_post):
    do_follow(alice, acting_user=bob)
    do_follow(carol, acting_user=bob)
    news = do_create_list("News", exclusive=True, acting_user=bob)
    do_add_list_accounts(news, [alice], acting_user=bob)
    listed_only = make_post(alice, "read me in the list")
    home = make_post(carol, "read me at home")
    assert received(subscriber(bob), "status", {"post": listed_only.id}) == []
    assert received(subscriber(bob), "status", {"post": home.id}) == [("update", str(home.id))]


def test_an_edit_that_now_matches_a_hide_filter_is_sent_as_a_delete(alice, bob, make_post):
    do_follow(alice, acting_user=bob)
    post = make_post(alice, "a quiet evening")
    sub = subscriber(bob)
    assert received(sub, "status", {"post": post.id}) == [("update", str(post.id))]
    do_create_filter(
        "Scams", context=["home"], action="hide", keywords=[("crypto", True)], acting_user=bob
    )
    do_edit_post(post, "a quiet evening of crypto", acting_user=alice)
    assert received(sub, "status.update", {"post": post.id}) == [("delete", str(post.id))]


def test_notification_filters_apply_to_the_notification_stream(alice, bob, make_post):
    do_create_filter(
        "Scams", context=["notifications"], action="hide", keywords=[("crypto", True)],
        acting_user=bob,
    )  # fmt: skip
    do_create_filter(
        "Spoilers", context=["notifications"], keywords=[("finale", True)], acting_user=bob
    )
    make_post(alice, "@bob crypto offer")
    make_post(alice, "@bob finale talk")
    make_post(alice, "@bob lunch?")
    ids = [e.data["notifications"][0] for e in StreamEvent.objects.filter(kind="notification")]
    sent = payloads(subscriber(bob), "notification", {"notifications": ids})
    by_text = {p["status"]["content"]: p["status"]["filtered"] for _, _, p in sent}
    assert len(sent) == 2 and not any("crypto" in text for text in by_text)
    finale = next(v for k, v in by_text.items() if "finale" in k)
    assert [f["filter"]["title"] for f in finale] == ["Spoilers"]
    assert next(v for k, v in by_text.items() if "lunch" in k) == []
