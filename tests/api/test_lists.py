"""Bookmarks, pinned posts and lists through the client API."""

from __future__ import annotations

import pytest

from tidings.audit.models import AuditEvent
from tidings.legal.actions.withholding import do_withhold
from tidings.social.actions import do_follow, do_mute
from tidings.social.models import Visibility
from tidings.social.models_lists import LISTS_PER_ACCOUNT, PINS_PER_ACCOUNT, AccountList

MEGABYTE = "x" * 1_000_000


def _next(response) -> str:
    link = response["Link"]
    return link.split(",")[0].split(";")[0].strip("<>").replace("http://testserver", "")


# -- bookmarks ----------------------------------------------------------------------


def test_a_bookmarked_status_says_so_and_is_listed_newest_bookmark_first(
    alice, bob, make_post, api_client
):
    first, second = make_post(bob, "first"), make_post(bob, "second")
    client = api_client(alice)
    answer = client.post(f"/api/v1/statuses/{first.id}/bookmark")
    assert answer.status_code == 200 and answer.json()["bookmarked"] is True
    client.post(f"/api/v1/statuses/{second.id}/bookmark")
    client.post(f"/api/v1/statuses/{first.id}/bookmark")  # again: still one bookmark
    listed = client.get("/api/v1/bookmarks").json()
    assert [s["id"] for s in listed] == [str(second.id), str(first.id)]
    assert all(s["bookmarked"] for s in listed)
    assert client.get(f"/api/v1/statuses/{first.id}").json()["bookmarked"] is True
    assert api_client(bob).get(f"/api/v1/statuses/{first.id}").json()["bookmarked"] is False
    undone = client.post(f"/api/v1/statuses/{first.id}/unbookmark").json()
    assert undone["bookmarked"] is False
    assert [s["id"] for s in client.get("/api/v1/bookmarks").json()] == [str(second.id)]
    actions = list(
        AuditEvent.objects.filter(actor_id=alice.id, action__startswith="post.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["post.bookmark", "post.bookmark", "post.unbookmark"]


def test_bookmarks_page_without_gaps_even_when_bookmarked_posts_became_hidden(
    alice, bob, carol, make_post, api_client, legal_admin
):
    posts = [make_post(bob if i % 2 else carol, f"post {i}") for i in range(7)]
    client = api_client(alice)
    for post in posts:
        client.post(f"/api/v1/statuses/{post.id}/bookmark")
    do_withhold(account=carol, countries=["XX"], reason="order", acting_user=legal_admin)
    seen, url = [], "/api/v1/bookmarks?limit=2"
    for _ in range(5):
        page = client.get(url)
        seen += [s["id"] for s in page.json()]
        if not page.json():
            break
        url = _next(page)
    assert seen == [str(p.id) for p in reversed(posts) if p.author_id == bob.id]


def test_bookmarking_a_post_you_cannot_see_is_404_and_a_withheld_one_451(
    alice, bob, make_post, api_client, legal, settings
):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False
    private = make_post(bob, "for followers", visibility=Visibility.FOLLOWERS)
    withheld = make_post(bob, "withheld in india")
    do_withhold(post=withheld, countries=["IN"], reason="order", acting_user=legal)
    client = api_client(alice)
    assert client.post(f"/api/v1/statuses/{private.id}/bookmark").status_code == 404
    assert (
        client.post(f"/api/v1/statuses/{withheld.id}/bookmark", HTTP_X_TEST_COUNTRY="IN")
    ).status_code == 451
    assert client.post("/api/v1/statuses/nonsense/bookmark").status_code == 404
    assert client.get("/api/v1/bookmarks").json() == []


def test_bookmarks_need_a_user_token(api_client):
    assert api_client().get("/api/v1/bookmarks").status_code == 401


# -- pinned posts ---------------------------------------------------------------------


def test_pinned_statuses_are_listed_on_the_profile_and_marked_for_the_owner(
    alice, bob, make_post, api_client
):
    old, new = make_post(alice, "old news"), make_post(alice, "new news")
    client = api_client(alice)
    assert client.post(f"/api/v1/statuses/{old.id}/pin").json()["pinned"] is True
    client.post(f"/api/v1/statuses/{new.id}/pin")
    mine = client.get(f"/api/v1/accounts/{alice.id}/statuses", {"pinned": "true"}).json()
    assert [s["id"] for s in mine] == [str(new.id), str(old.id)]
    assert all(s["pinned"] for s in mine)
    theirs = api_client(bob).get(f"/api/v1/accounts/{alice.id}/statuses?pinned=true").json()
    assert [s["id"] for s in theirs] == [str(new.id), str(old.id)]
    assert not any(s["pinned"] for s in theirs)  # "pinned" is for the owner only
    assert client.post(f"/api/v1/statuses/{old.id}/unpin").json()["pinned"] is False
    assert len(client.get(f"/api/v1/accounts/{alice.id}/statuses?pinned=1").json()) == 1


def test_only_ones_own_public_or_unlisted_posts_can_be_pinned_and_at_most_five(
    alice, bob, make_post, api_client
):
    client = api_client(alice)
    others = make_post(bob, "bob's")
    answer = client.post(f"/api/v1/statuses/{others.id}/pin")
    assert answer.status_code == 422 and "own" in answer.json()["error"]
    private = make_post(alice, "followers", visibility=Visibility.FOLLOWERS)
    assert client.post(f"/api/v1/statuses/{private.id}/pin").status_code == 422
    posts = [make_post(alice, f"p{i}", visibility=Visibility.UNLISTED) for i in range(6)]
    for post in posts[:PINS_PER_ACCOUNT]:
        assert client.post(f"/api/v1/statuses/{post.id}/pin").status_code == 200
    over = client.post(f"/api/v1/statuses/{posts[-1].id}/pin")
    assert over.status_code == 422 and "at most 5" in over.json()["error"]
    config = client.get("/api/v2/instance").json()["configuration"]
    assert config["accounts"]["max_pinned_statuses"] == PINS_PER_ACCOUNT


# -- lists ------------------------------------------------------------------------


@pytest.fixture
def reader(alice, bob, carol, run_on_commit):
    with run_on_commit():
        do_follow(bob, acting_user=alice)
        do_follow(carol, acting_user=alice)
    return alice


def test_a_list_is_created_changed_listed_and_deleted(reader, api_client):
    client = api_client(reader)
    made = client.post(
        "/api/v1/lists", {"title": "Farm news", "replies_policy": "none", "exclusive": "true"}
    ).json()
    assert made["title"] == "Farm news"
    assert (made["replies_policy"], made["exclusive"]) == ("none", True)
    changed = client.put(
        f"/api/v1/lists/{made['id']}",
        {"title": "Farmers", "replies_policy": "followed"},
        content_type="application/json",
    ).json()
    assert (changed["title"], changed["replies_policy"], changed["exclusive"]) == (
        "Farmers",
        "followed",
        True,
    )
    assert [x["id"] for x in client.get("/api/v1/lists").json()] == [made["id"]]
    assert client.get(f"/api/v1/lists/{made['id']}").json()["title"] == "Farmers"
    assert client.delete(f"/api/v1/lists/{made['id']}").status_code == 200
    assert client.get(f"/api/v1/lists/{made['id']}").status_code == 404
    actions = set(
        AuditEvent.objects.filter(action__startswith="list.").values_list("action", flat=True)
    )
    assert actions == {"list.create", "list.update", "list.delete"}


def test_someone_elses_list_is_not_found(reader, bob, api_client):
    made = api_client(reader).post("/api/v1/lists", {"title": "Mine"}).json()
    other = api_client(bob)
    for call in (
        lambda: other.get(f"/api/v1/lists/{made['id']}"),
        lambda: other.put(f"/api/v1/lists/{made['id']}", {"title": "x"}, "application/json"),
        lambda: other.delete(f"/api/v1/lists/{made['id']}"),
        lambda: other.get(f"/api/v1/lists/{made['id']}/accounts"),
        lambda: other.post(f"/api/v1/lists/{made['id']}/accounts", {"account_ids[]": [bob.id]}),
        lambda: other.get(f"/api/v1/timelines/list/{made['id']}"),
    ):
        answer = call()
        assert answer.status_code == 404, answer.content
        assert "Mine" not in answer.content.decode()
    assert AccountList.objects.get(id=made["id"]).title == "Mine"


@pytest.mark.parametrize(
    ("title", "reason", "status"),
    [
        ("", "blank", 422),
        ("   ", "blank", 422),
        ("a\x00b", "NUL", 400),
        (MEGABYTE, "too long", 422),
    ],
)
def test_a_list_title_that_is_blank_has_nul_or_is_a_megabyte_is_refused(
    reader, api_client, title, reason, status
):
    answer = api_client(reader).post(
        "/api/v1/lists", {"title": title}, content_type="application/json"
    )
    assert answer.status_code == status
    assert reason in answer.json()["error"]
    assert not AccountList.objects.exists()


def test_an_unknown_replies_policy_is_refused(reader, api_client):
    answer = api_client(reader).post("/api/v1/lists", {"title": "t", "replies_policy": "all"})
    assert answer.status_code == 422 and "Replies policy" in answer.json()["error"]


def test_an_account_has_at_most_fifty_lists(reader, api_client):
    client = api_client(reader)
    for i in range(LISTS_PER_ACCOUNT):
        client.post("/api/v1/lists", {"title": f"list {i}"})
    over = client.post("/api/v1/lists", {"title": "one more"})
    assert over.status_code == 422 and "at most 50" in over.json()["error"]


def test_only_followed_accounts_can_be_added_and_the_timeline_shows_their_posts(
    reader, bob, carol, make_account, make_post, api_client
):
    stranger = make_account("stranger")
    client = api_client(reader)
    made = client.post("/api/v1/lists", {"title": "Bob"}).json()
    refused = client.post(f"/api/v1/lists/{made['id']}/accounts", {"account_ids[]": [stranger.id]})
    assert refused.status_code == 422 and "follow" in refused.json()["error"]
    added = client.post(f"/api/v1/lists/{made['id']}/accounts", {"account_ids[]": [bob.id]})
    assert added.status_code == 200
    members = client.get(f"/api/v1/lists/{made['id']}/accounts").json()
    assert [m["id"] for m in members] == [str(bob.id)]
    assert [x["id"] for x in client.get(f"/api/v1/accounts/{bob.id}/lists").json()] == [made["id"]]
    assert client.get(f"/api/v1/accounts/{carol.id}/lists").json() == []
    by_bob, by_carol = make_post(bob, "bob writes"), make_post(carol, "carol writes")
    timeline = client.get(f"/api/v1/timelines/list/{made['id']}").json()
    assert [s["id"] for s in timeline] == [str(by_bob.id)]
    assert str(by_carol.id) not in {s["id"] for s in timeline}
    removed = client.delete(
        f"/api/v1/lists/{made['id']}/accounts",
        {"account_ids": [str(bob.id)]},
        content_type="application/json",
    )
    assert removed.status_code == 200
    assert client.get(f"/api/v1/timelines/list/{made['id']}").json() == []


def test_the_list_timeline_hides_muted_accounts_and_follows_the_replies_policy(
    reader, bob, carol, make_post, api_client
):
    client = api_client(reader)
    made = client.post("/api/v1/lists", {"title": "Both", "replies_policy": "list"}).json()
    client.post(f"/api/v1/lists/{made['id']}/accounts", {"account_ids[]": [bob.id, carol.id]})
    outsider_post = make_post(reader, "reader writes")
    to_carol = make_post(bob, "@carol yes", in_reply_to=make_post(carol, "question"))
    to_stranger_author = make_post(carol, "carol reply", in_reply_to=make_post(bob, "hi"))
    ids = {s["id"] for s in client.get(f"/api/v1/timelines/list/{made['id']}").json()}
    assert {str(to_carol.id), str(to_stranger_author.id)} <= ids
    assert str(outsider_post.id) not in ids
    client.put(f"/api/v1/lists/{made['id']}", {"replies_policy": "none"}, "application/json")
    ids = {s["id"] for s in client.get(f"/api/v1/timelines/list/{made['id']}").json()}
    assert str(to_carol.id) not in ids and len(ids) == 2
    do_mute(carol, acting_user=reader)
    texts = [s["content"] for s in client.get(f"/api/v1/timelines/list/{made['id']}").json()]
    assert texts == ["<p>hi</p>"]


def test_the_list_timeline_pages_with_link_headers_without_gaps(reader, bob, make_post, api_client):
    client = api_client(reader)
    made = client.post("/api/v1/lists", {"title": "Bob"}).json()
    client.post(f"/api/v1/lists/{made['id']}/accounts", {"account_ids[]": [bob.id]})
    posts = [make_post(bob, f"n{i}") for i in range(5)]
    first = client.get(f"/api/v1/timelines/list/{made['id']}?limit=2")
    second = client.get(_next(first))
    third = client.get(_next(second))
    seen = [s["id"] for page in (first, second, third) for s in page.json()]
    assert seen == [str(p.id) for p in reversed(posts)]


def test_an_exclusive_list_keeps_its_members_posts_out_of_home_only(
    reader, bob, carol, make_post, api_client
):
    client = api_client(reader)
    made = client.post("/api/v1/lists", {"title": "Bob only", "exclusive": "true"}).json()
    client.post(f"/api/v1/lists/{made['id']}/accounts", {"account_ids[]": [bob.id]})
    by_bob, by_carol = make_post(bob, "bob's news"), make_post(carol, "carol's news")
    home = [s["id"] for s in client.get("/api/v1/timelines/home").json()]
    assert home == [str(by_carol.id)]
    listed = [s["id"] for s in client.get(f"/api/v1/timelines/list/{made['id']}").json()]
    assert listed == [str(by_bob.id)]
    client.put(f"/api/v1/lists/{made['id']}", {"exclusive": False}, "application/json")
    home = [s["id"] for s in client.get("/api/v1/timelines/home").json()]
    assert home == [str(by_carol.id), str(by_bob.id)]
