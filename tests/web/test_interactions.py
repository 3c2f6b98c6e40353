"""Reposting, favouriting, following, blocking and muting from the web UI."""

from __future__ import annotations

from tests.web.conftest import HTMX, page_text
from tidings.social.models import Favourite, Follow, Post


def test_favouriting_by_plain_post_redirects_back_and_marks_the_button(
    signed_in, alice, bob, make_post
):
    post = make_post(alice, "like me")
    client = signed_in(bob)
    response = client.post(f"/posts/{post.id}/favourite", {"next": "/public"})
    assert response.status_code == 302
    assert response["Location"] == "/public"
    assert Favourite.objects.filter(account=bob, post=post).exists()
    page = page_text(client.get(f"/@alice/{post.id}"))
    assert f'action="/posts/{post.id}/unfavourite"' in page
    assert 'aria-pressed="true"' in page


def test_favouriting_with_htmx_returns_only_the_updated_buttons(signed_in, alice, bob, make_post):
    post = make_post(alice, "like me too")
    response = signed_in(bob).post(f"/posts/{post.id}/favourite", **HTMX)
    assert response.status_code == 200
    fragment = page_text(response)
    assert "<html" not in fragment
    assert 'class="post-actions"' in fragment
    assert f'hx-post="/posts/{post.id}/unfavourite"' in fragment
    assert '<span class="action__label">Favourite</span> <span class="action__count">1</span>' in (
        fragment
    )


def test_unfavouriting_takes_the_favourite_back(signed_in, alice, bob, make_post):
    post = make_post(alice, "changed my mind")
    client = signed_in(bob)
    client.post(f"/posts/{post.id}/favourite")
    fragment = page_text(client.post(f"/posts/{post.id}/unfavourite", **HTMX))
    assert f'hx-post="/posts/{post.id}/favourite"' in fragment
    assert not Favourite.objects.filter(account=bob, post=post).exists()


def test_reposting_by_plain_post_shows_the_repost_on_the_reposters_profile(
    signed_in, alice, bob, make_post, run_on_commit
):
    post = make_post(alice, "worth sharing")
    client = signed_in(bob)
    with run_on_commit():
        response = client.post(f"/posts/{post.id}/repost")
    assert response.status_code == 302
    profile = page_text(client.get("/@bob"))
    assert '<a href="/@bob">@bob</a> reposted' in profile
    assert "worth sharing" in profile


def test_reposting_with_htmx_returns_the_buttons_with_the_repost_pressed(
    signed_in, alice, bob, make_post
):
    post = make_post(alice, "share via htmx")
    response = signed_in(bob).post(f"/posts/{post.id}/repost", **HTMX)
    fragment = page_text(response)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert f'hx-post="/posts/{post.id}/unrepost"' in fragment
    assert Post.objects.filter(author=bob, repost_of=post).count() == 1
    signed_in(bob).post(f"/posts/{post.id}/unrepost", **HTMX)
    assert not Post.objects.filter(author=bob, repost_of=post).exists()


def test_reposting_a_followers_only_post_is_refused_with_a_reason(
    signed_in, alice, bob, make_post, run_on_commit
):
    with run_on_commit():
        signed_in(bob).post("/@alice/follow")
    post = make_post(alice, "just for followers", visibility="followers")
    response = signed_in(bob).post(f"/posts/{post.id}/repost")
    assert response.status_code == 422
    assert "A followers-only post cannot be reposted." in page_text(response)
    htmx = signed_in(bob).post(f"/posts/{post.id}/repost", **HTMX)
    assert htmx.status_code == 422
    assert htmx["HX-Retarget"] == "#flash"


def test_following_brings_posts_into_home_and_unfollowing_takes_them_out(
    signed_in, alice, bob, make_post, run_on_commit
):
    make_post(alice, "alice says hello")
    client = signed_in(bob)
    assert "alice says hello" not in page_text(client.get("/"))
    with run_on_commit():
        response = client.post("/@alice/follow")
    assert response.status_code == 302
    assert "alice says hello" in page_text(client.get("/"))
    with run_on_commit():
        client.post("/@alice/unfollow")
    assert "alice says hello" not in page_text(client.get("/"))
    assert not Follow.objects.filter(follower=bob, followee=alice).exists()


def test_following_with_htmx_returns_the_unfollow_button(signed_in, alice, bob, run_on_commit):
    with run_on_commit():
        response = signed_in(bob).post("/@alice/follow", **HTMX)
    fragment = page_text(response)
    assert "<html" not in fragment
    assert 'hx-post="/@alice/unfollow"' in fragment
    assert "Unfollow" in fragment


def test_following_oneself_is_refused_with_a_reason(signed_in, alice):
    response = signed_in(alice).post("/@alice/follow")
    assert response.status_code == 422
    assert "You cannot follow yourself." in page_text(response)


def test_blocking_hides_the_blocked_accounts_posts_from_the_blocker(
    signed_in, alice, bob, make_post
):
    make_post(bob, "the loudest opinion")
    client = signed_in(alice)
    assert "the loudest opinion" in page_text(client.get("/public"))
    assert client.post("/@bob/block").status_code == 302
    assert "loudest opinion" not in page_text(client.get("/public"))
    assert 'action="/@bob/unblock"' in page_text(client.get("/@bob"))


def test_a_blocked_account_cannot_see_the_blockers_profile(signed_in, alice, bob, make_post):
    signed_in(alice).post("/@bob/block")
    response = signed_in(bob).get("/@alice")
    assert response.status_code == 404


def test_muting_hides_posts_from_the_public_timeline_until_unmuted(
    signed_in, alice, bob, make_post
):
    make_post(bob, "muted chatter")
    client = signed_in(alice)
    client.post("/@bob/mute")
    assert "muted chatter" not in page_text(client.get("/public"))
    client.post("/@bob/unmute")
    assert "muted chatter" in page_text(client.get("/public"))


def test_acting_on_a_missing_post_or_account_is_a_404_page(signed_in, alice):
    client = signed_in(alice)
    assert client.post("/posts/999999/favourite").status_code == 404
    missing = client.post("/@ghost/follow")
    assert missing.status_code == 404
    assert "There is no account @ghost." in page_text(missing)


def test_actions_only_accept_post(signed_in, alice, bob, make_post):
    post = make_post(alice)
    assert signed_in(bob).get(f"/posts/{post.id}/favourite").status_code == 405
