"""Every entity carries the fields Mastodon's documentation lists for it, with the right types."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tidings.social.actions import do_follow

ACCOUNT = {
    "id": str, "username": str, "acct": str, "display_name": str, "locked": bool, "bot": bool,
    "discoverable": bool, "group": bool, "created_at": str, "note": str, "url": str, "uri": str,
    "avatar": str, "avatar_static": str, "header": str, "header_static": str,
    "followers_count": int, "following_count": int, "statuses_count": int,
    "last_status_at": (str, type(None)), "emojis": list, "fields": list,
}  # fmt: skip
STATUS = {
    "id": str, "uri": str, "url": str, "created_at": str, "account": dict, "content": str,
    "visibility": str, "sensitive": bool, "spoiler_text": str, "media_attachments": list,
    "application": (dict, type(None)), "mentions": list, "tags": list, "emojis": list,
    "reblogs_count": int, "favourites_count": int, "replies_count": int,
    "in_reply_to_id": (str, type(None)), "in_reply_to_account_id": (str, type(None)),
    "reblog": (dict, type(None)), "poll": type(None), "card": type(None),
    "language": (str, type(None)), "text": (str, type(None)), "edited_at": type(None),
    "favourited": bool, "reblogged": bool, "muted": bool, "bookmarked": bool, "pinned": bool,
    "filtered": list,
}  # fmt: skip
RELATIONSHIP = {
    "id": str, "following": bool, "showing_reblogs": bool, "notifying": bool,
    "followed_by": bool, "blocking": bool, "blocked_by": bool, "muting": bool,
    "muting_notifications": bool, "requested": bool, "requested_by": bool,
    "domain_blocking": bool, "endorsed": bool, "note": str,
}  # fmt: skip
NOTIFICATION = {"id": str, "type": str, "created_at": str, "account": dict}
TAG = {"name": str, "url": str, "history": list}
MENTION = {"id": str, "username": str, "url": str, "acct": str}
INSTANCE_V1 = {
    "uri": str, "title": str, "short_description": str, "description": str, "email": str,
    "version": str, "urls": dict, "stats": dict, "thumbnail": (str, type(None)),
    "languages": list, "registrations": bool, "approval_required": bool,
    "invites_enabled": bool, "configuration": dict, "contact_account": (dict, type(None)),
    "rules": list,
}  # fmt: skip
INSTANCE_V2 = {
    "domain": str, "title": str, "version": str, "source_url": str, "description": str,
    "usage": dict, "thumbnail": dict, "languages": list, "configuration": dict,
    "registrations": dict, "contact": dict, "rules": list, "api_versions": dict,
}  # fmt: skip
APPLICATION = {
    "name": str, "website": (str, type(None)), "scopes": list, "redirect_uris": list,
    "client_id": str, "client_secret": str,
}  # fmt: skip
LIST = {"id": str, "title": str, "replies_policy": str, "exclusive": bool}
FILTER = {
    "id": str, "title": str, "context": list, "expires_at": (str, type(None)),
    "filter_action": str, "keywords": list, "statuses": list,
}  # fmt: skip
FILTER_KEYWORD = {"id": str, "keyword": str, "whole_word": bool}
FILTER_RESULT = {
    "filter": dict, "keyword_matches": (list, type(None)), "status_matches": (list, type(None)),
}  # fmt: skip
FILTER_V1 = {
    "id": str, "phrase": str, "context": list, "whole_word": bool,
    "expires_at": (str, type(None)), "irreversible": bool,
}  # fmt: skip
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def assert_shape(entity: dict, fields: dict) -> None:
    missing = sorted(set(fields) - set(entity))
    assert not missing, f"missing fields: {missing}"
    for name, kind in fields.items():
        assert isinstance(entity[name], kind), f"{name} is {type(entity[name]).__name__}"
    if "created_at" in fields:
        assert TIMESTAMP.match(entity["created_at"]), entity["created_at"]


@pytest.fixture
def world(alice, bob, make_post, api_client, run_on_commit):
    with run_on_commit():
        do_follow(alice, acting_user=bob)
    post = make_post(alice, "Hello @bob #Tidings https://example.org")
    reply = make_post(bob, "hi back", in_reply_to=post)
    client = api_client(bob)
    with run_on_commit():
        client.post(f"/api/v1/statuses/{post.id}/reblog")
        client.post(f"/api/v1/statuses/{post.id}/favourite")
    return {"post": post, "reply": reply, "alice": api_client(alice), "bob": client}


def test_account_and_credential_account(world, alice):
    account = world["bob"].get(f"/api/v1/accounts/{alice.id}").json()
    assert_shape(account, ACCOUNT)
    assert "withheld" not in account
    own = world["alice"].get("/api/v1/accounts/verify_credentials").json()
    assert_shape(own, ACCOUNT)
    assert {"privacy", "sensitive", "note", "fields"} <= set(own["source"])


def test_status_with_mentions_tags_and_a_reblog(world):
    status = world["bob"].get(f"/api/v1/statuses/{world['post'].id}").json()
    assert_shape(status, STATUS)
    assert "withheld" not in status
    assert status["favourited"] is True and status["reblogged"] is True
    [mention] = status["mentions"]
    assert_shape(mention, MENTION)
    [tag] = status["tags"]
    assert_shape(tag, TAG)
    assert tag["name"] == "Tidings"
    home = world["bob"].get("/api/v1/timelines/home").json()
    reblog = next(s for s in home if s["reblog"])
    assert_shape(reblog, STATUS)
    assert_shape(reblog["reblog"], STATUS)


def test_context(world):
    context = world["alice"].get(f"/api/v1/statuses/{world['post'].id}/context").json()
    assert set(context) == {"ancestors", "descendants"}
    for status in context["descendants"]:
        assert_shape(status, STATUS)


def test_relationship(world, bob):
    [relationship] = world["alice"].get(f"/api/v1/accounts/relationships?id[]={bob.id}").json()
    assert_shape(relationship, RELATIONSHIP)
    assert relationship["followed_by"] is True


def test_notifications_of_every_type(world):
    notifications = world["alice"].get("/api/v1/notifications").json()
    assert {n["type"] for n in notifications} == {"follow", "mention", "reblog", "favourite"}
    for notification in notifications:
        assert_shape(notification, NOTIFICATION)
        if notification["type"] != "follow":
            assert_shape(notification["status"], STATUS)


def test_search_results(world):
    results = world["alice"].get("/api/v2/search?q=tidings").json()
    assert set(results) == {"accounts", "statuses", "hashtags"}
    for status in results["statuses"]:
        assert_shape(status, STATUS)
    for tag in results["hashtags"]:
        assert_shape(tag, TAG)
    accounts = world["alice"].get("/api/v2/search?q=bob&type=accounts").json()["accounts"]
    assert_shape(accounts[0], ACCOUNT)


def test_trending_tags_have_history(world):
    [tag] = Client().get("/api/v1/trends/tags").json()
    assert_shape(tag, TAG)
    assert set(tag["history"][0]) == {"day", "uses", "accounts"}


@pytest.mark.django_db
def test_instance_v1_and_v2():
    client = Client()
    v1 = client.get("/api/v1/instance").json()
    assert_shape(v1, INSTANCE_V1)
    v2 = client.get("/api/v2/instance").json()
    assert_shape(v2, INSTANCE_V2)
    assert re.match(r"^4\.3\.0 \(compatible; Tidings \d+\.\d+\.\d+\)$", v2["version"])
    assert v2["api_versions"]["mastodon"] >= 2
    assert v2["configuration"]["statuses"]["max_characters"] == 500


@pytest.mark.django_db
def test_application():
    app = (
        Client()
        .post(
            "/api/v1/apps",
            {
                "client_name": "Shape",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": "read",
            },
        )
        .json()
    )
    assert_shape(app, APPLICATION)


@pytest.mark.django_db
def test_the_openapi_document_covers_every_endpoint():
    document = Client().get("/api/openapi.json").json()
    expected = [
        "/api/v1/apps", "/oauth/token", "/oauth/revoke", "/.well-known/oauth-authorization-server",
        "/api/v1/accounts", "/api/v1/accounts/verify_credentials",
        "/api/v1/accounts/update_credentials", "/api/v1/accounts/lookup",
        "/api/v1/accounts/relationships", "/api/v1/accounts/{account_id}",
        "/api/v1/accounts/{account_id}/statuses", "/api/v1/accounts/{account_id}/followers",
        "/api/v1/accounts/{account_id}/following", "/api/v1/accounts/{account_id}/follow",
        "/api/v1/accounts/{account_id}/unfollow", "/api/v1/accounts/{account_id}/block",
        "/api/v1/accounts/{account_id}/unblock", "/api/v1/accounts/{account_id}/mute",
        "/api/v1/accounts/{account_id}/unmute", "/api/v1/statuses",
        "/api/v1/statuses/{status_id}", "/api/v1/statuses/{status_id}/context",
        "/api/v1/statuses/{status_id}/reblog", "/api/v1/statuses/{status_id}/unreblog",
        "/api/v1/statuses/{status_id}/favourite", "/api/v1/statuses/{status_id}/unfavourite",
        "/api/v1/statuses/{status_id}/reblogged_by", "/api/v1/statuses/{status_id}/favourited_by",
        "/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/timelines/tag/{hashtag}",
        "/api/v1/notifications", "/api/v1/notifications/{notification_id}",
        "/api/v1/notifications/clear", "/api/v2/search", "/api/v1/trends/tags",
        "/api/v1/instance", "/api/v2/instance", "/api/v1/custom_emojis", "/nodeinfo/2.0",
        "/.well-known/nodeinfo",
        "/api/v1/bookmarks", "/api/v1/statuses/{status_id}/bookmark",
        "/api/v1/statuses/{status_id}/unbookmark", "/api/v1/statuses/{status_id}/pin",
        "/api/v1/statuses/{status_id}/unpin", "/api/v1/lists", "/api/v1/lists/{list_id}",
        "/api/v1/lists/{list_id}/accounts", "/api/v1/accounts/{account_id}/lists",
        "/api/v1/timelines/list/{list_id}", "/api/v1/filters", "/api/v2/filters",
        "/api/v2/filters/{filter_id}", "/api/v2/filters/{filter_id}/keywords",
        "/api/v2/filters/{filter_id}/statuses", "/api/v2/filters/keywords/{keyword_id}",
        "/api/v2/filters/statuses/{status_id}",
    ]  # fmt: skip
    missing = [p for p in expected if p not in document["paths"]]
    assert not missing
    body = document["paths"]["/api/v1/statuses"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(body)


def test_list_filter_keyword_and_filter_result(world):
    bob = world["bob"]
    made = bob.post("/api/v1/lists", {"title": "Friends"}).json()
    assert_shape(made, LIST)
    assert_shape(bob.get("/api/v1/lists").json()[0], LIST)
    body = {
        "title": "Hello words",
        "context": ["home"],
        "filter_action": "warn",
        "keywords_attributes": [{"keyword": "hello"}],
    }
    made = bob.post("/api/v2/filters", body, content_type="application/json").json()
    assert_shape(made, FILTER)
    assert_shape(made["keywords"][0], FILTER_KEYWORD)
    assert_shape(bob.get("/api/v1/filters").json()[0], FILTER_V1)
    home = bob.get("/api/v1/timelines/home").json()
    result = next(s["filtered"][0] for s in home if s["filtered"])
    assert_shape(result, FILTER_RESULT)
    assert set(result["filter"]) == {"id", "title", "context", "expires_at", "filter_action"}
