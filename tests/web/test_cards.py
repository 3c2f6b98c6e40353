"""Post cards built in Python (``tidings.web.cards``): escaping, controls and accessibility."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.utils import dateformat, timezone

from tests.web.conftest import page_text
from tidings.social.actions.posts import do_favourite, do_repost
from tidings.social.models import Visibility
from tidings.web import cards


def _card(page: str, post_id: int) -> str:
    match = re.search(rf'<article[^>]*id="post-{post_id}".*?</article>', page, re.S)
    assert match, f"no card for post {post_id}"
    return match.group(0)


def test_a_script_in_a_post_or_a_name_is_shown_as_text(client, make_account, make_post):
    author = make_account("mallory", display_name="<b>Mal</b>")
    post = make_post(author, "<script>alert(1)</script> & friends")
    card = _card(page_text(client.get("/public")), post.id)
    assert "<script>" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in card
    assert "&lt;b&gt;Mal&lt;/b&gt;" in card
    assert "<b>" not in card


def test_a_signed_in_reader_gets_repost_favourite_and_bookmark_buttons_driven_by_htmx(
    signed_in, alice, bob, make_post
):
    post = make_post(alice, "hello readers")
    card = _card(page_text(signed_in(bob).get("/public")), post.id)
    assert f'hx-post="/posts/{post.id}/repost"' in card
    assert f'hx-post="/posts/{post.id}/favourite"' in card
    assert f'hx-post="/posts/{post.id}/bookmark"' in card
    assert card.count('hx-target="closest .post-actions"') == 3
    assert card.count('aria-pressed="false"') == 3
    assert card.count('name="csrfmiddlewaretoken"') == 3
    assert 'aria-label="Reply (0 replies)"' in card
    assert "/delete" not in card


def test_the_author_also_gets_a_delete_button_that_asks_first(signed_in, alice, make_post):
    post = make_post(alice, "mine")
    card = _card(page_text(signed_in(alice).get("/")), post.id)
    assert f'hx-post="/posts/{post.id}/delete"' in card
    assert 'hx-confirm="Delete this post? This cannot be undone."' in card
    assert 'hx-target="closest article"' in card


def test_anonymous_visitors_see_counts_without_forms(client, alice, make_post):
    post = make_post(alice, "look but do not touch")
    card = _card(page_text(client.get("/public")), post.id)
    assert "<form" not in card
    assert '<span class="action__label">Reposts</span>' in card
    assert '<span class="action__label">Favourites</span>' in card


def test_a_repost_names_the_reposter_and_shows_the_buttons_pressed(
    signed_in, alice, bob, make_post, run_on_commit
):
    original = make_post(alice, "worth sharing")
    with run_on_commit():
        repost = do_repost(original, acting_user=bob)
        do_favourite(original, acting_user=bob)
    card = _card(page_text(signed_in(bob).get("/")), repost.id)
    assert '<a href="/@bob">@bob</a> reposted' in card
    assert 'href="/@alice"' in card
    assert f'hx-post="/posts/{original.id}/unrepost"' in card
    assert f'hx-post="/posts/{original.id}/unfavourite"' in card
    assert card.count('aria-pressed="true"') == 2


def test_a_followers_only_post_cannot_be_reposted(signed_in, alice, make_post):
    post = make_post(alice, "friends only", visibility=Visibility.FOLLOWERS)
    card = _card(page_text(signed_in(alice).get("/")), post.id)
    assert 'title="Followers-only posts cannot be reposted"' in card
    assert f"/posts/{post.id}/repost" not in card
    assert "Followers only</span>" in card


def test_the_page_address_in_the_forms_is_escaped(signed_in, alice, make_post):
    make_post(alice, "query strings")
    page = page_text(signed_in(alice).get('/public?x="><i>&y=1'))
    assert 'name="next" value="/public?x=%22%3E%3Ci%3E&amp;y=1"' in page


def test_card_times_match_djangos_date_filter():
    for moment in (
        datetime(2024, 2, 3, 4, 5, 6, 789, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
    ):
        local = timezone.localtime(moment)
        iso, title = cards._time_attributes(moment, timezone.get_current_timezone())
        assert iso == dateformat.format(local, "c")
        assert title == dateformat.format(local, "j F Y, H:i e")
