"""Bookmarks, lists, pinned posts and filters in the web UI."""

from __future__ import annotations

from tests.web.conftest import HTMX, page_text
from tidings.social.actions import do_follow
from tidings.social.actions.filters import do_create_filter
from tidings.social.models_lists import AccountList, Bookmark, Filter, Pin


def test_a_post_is_bookmarked_from_its_card_and_listed_on_the_bookmarks_page(
    signed_in, alice, bob, make_post
):
    post = make_post(alice, "save me for later")
    client = signed_in(bob)
    assert f'action="/posts/{post.id}/bookmark"' in page_text(client.get("/public"))
    fragment = page_text(client.post(f"/posts/{post.id}/bookmark", **HTMX))
    assert f'hx-post="/posts/{post.id}/unbookmark"' in fragment
    assert Bookmark.objects.filter(account=bob, post=post).exists()
    page = page_text(client.get("/bookmarks"))
    assert "save me for later" in page and "Bookmarks" in page
    client.post(f"/posts/{post.id}/unbookmark")
    assert "save me for later" not in page_text(client.get("/bookmarks"))


def test_the_bookmarks_page_needs_a_signed_in_account(client):
    assert client.get("/bookmarks").status_code == 302


def test_pinned_posts_come_first_on_the_profile_with_a_pinned_label(
    signed_in, alice, bob, make_post
):
    old = make_post(alice, "my introduction")
    make_post(alice, "newer chatter")
    client = signed_in(alice)
    assert client.post(f"/posts/{old.id}/pin").status_code == 302
    assert Pin.objects.filter(account=alice, post=old).exists()
    page = page_text(signed_in(bob).get("/@alice"))
    assert "Pinned" in page
    assert page.index("my introduction") < page.index("newer chatter")
    own = page_text(signed_in(alice).get("/@alice"))
    assert f'action="/posts/{old.id}/unpin"' in own


def test_pinning_someone_elses_post_is_refused_with_a_reason(signed_in, alice, bob, make_post):
    post = make_post(alice, "not yours")
    response = signed_in(bob).post(f"/posts/{post.id}/pin")
    assert response.status_code == 422
    assert "own posts" in page_text(response)


def test_a_list_is_made_filled_with_a_followed_account_and_read(
    signed_in, alice, bob, carol, make_post, run_on_commit
):
    with run_on_commit():
        do_follow(bob, acting_user=alice)
    client = signed_in(alice)
    response = client.post("/lists", {"title": "Friends", "replies_policy": "list"})
    made = AccountList.objects.get(owner=alice)
    assert response["Location"] == f"/lists/{made.id}"
    client.post(f"/lists/{made.id}/members", {"handle": "@bob"})
    refused = client.post(f"/lists/{made.id}/members", {"handle": "carol"}, follow=True)
    assert "only add accounts you follow" in page_text(refused)
    make_post(bob, "bob in the list")
    make_post(carol, "carol outside")
    page = page_text(client.get(f"/lists/{made.id}"))
    assert "bob in the list" in page and "carol outside" not in page
    assert "Friends" in page_text(client.get("/lists"))
    assert signed_in(bob).get(f"/lists/{made.id}").status_code == 404


def test_a_blank_list_title_shows_the_form_again_with_the_reason(signed_in, alice):
    response = signed_in(alice).post("/lists", {"title": "  "})
    assert response.status_code == 422
    assert "Title can&#x27;t be blank" in page_text(response)


def test_warn_filters_collapse_posts_behind_a_show_button_and_hide_filters_remove_them(
    signed_in, alice, bob, make_post, run_on_commit
):
    with run_on_commit():
        do_follow(bob, acting_user=alice)
    make_post(bob, "the finale tonight")
    make_post(bob, "crypto giveaway")
    make_post(bob, "plain weather")
    do_create_filter("Spoilers", context=["home"], keywords=[("finale", True)], acting_user=alice)
    do_create_filter(
        "Scams", context=["home"], action="hide", keywords=[("crypto", True)], acting_user=alice
    )
    page = page_text(signed_in(alice).get("/"))
    assert "crypto giveaway" not in page
    assert "plain weather" in page
    collapsed = page[page.index('<details class="filtered">') :]
    assert "Filtered: Spoilers" in collapsed
    assert collapsed.index("Show") < collapsed.index("the finale tonight")
    assert "<script" not in collapsed
    public = page_text(signed_in(alice).get("/public"))  # filters were for home only
    assert "crypto giveaway" in public and "Filtered:" not in public


def test_filters_are_made_and_deleted_on_the_filters_page(signed_in, alice):
    client = signed_in(alice)
    client.post(
        "/settings/filters",
        {"title": "Noise", "keywords": "drama\ngossip", "context": ["home", "public"]},
    )
    made = Filter.objects.get(account=alice)
    assert sorted(made.keywords.values_list("keyword", flat=True)) == ["drama", "gossip"]
    assert "gossip" in page_text(client.get("/settings/filters"))
    refused = client.post("/settings/filters", {"title": "x", "keywords": "a", "context": []})
    assert refused.status_code == 422 and "Context can&#x27;t be blank" in page_text(refused)
    client.post(f"/settings/filters/{made.id}/delete")
    assert not Filter.objects.exists()


def test_notification_filters_hide_or_collapse_notifications_on_the_web(
    signed_in, alice, bob, make_post, run_on_commit
):
    with run_on_commit():
        make_post(bob, "@alice crypto offer")
        make_post(bob, "@alice finale talk")
    do_create_filter(
        "Spoilers", context=["notifications"], keywords=[("finale", True)], acting_user=alice
    )
    do_create_filter(
        "Scams", context=["notifications"], action="hide", keywords=[("crypto", True)],
        acting_user=alice,
    )  # fmt: skip
    page = page_text(signed_in(alice).get("/notifications"))
    assert "crypto offer" not in page
    assert "Filtered: Spoilers" in page and "finale talk" in page
