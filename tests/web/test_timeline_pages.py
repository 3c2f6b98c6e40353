"""Timeline pages with every per-process cache warm: the next page shows each change, the
compose box carries the viewer's own CSRF token, the unread badge counts what the viewer may
see, and the home page's query count does not grow with its posts."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.middleware.csrf import CSRF_SESSION_KEY, _check_token_format, _does_token_match
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client

from tidings.legal.actions.withholding import do_lift_withholdings, do_withhold
from tidings.social.actions.accounts import do_update_profile
from tidings.social.actions.edits import do_edit_post
from tidings.social.actions.graph import do_block, do_follow, do_mute
from tidings.social.actions.notifications import do_mark_notifications_read
from tidings.social.actions.posts import do_delete_post
from tidings.social.models import Account, Post
from tidings.web import fragments
from tidings.web.forms import ComposeForm

from .conftest import page_text

IN = {"HTTP_X_TEST_COUNTRY": "IN"}
PAGES = ["/", "/public", "/tags/monsoon"]
_TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_COMPOSE_RE = re.compile(r'<form class="compose".*?</form>', re.DOTALL)


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def reader(make_account, alice) -> Account:
    reader = make_account("reader", display_name="Reader")
    do_follow(alice, acting_user=reader)
    return reader


@pytest.fixture
def warm(signed_in, reader) -> Callable[[str], str]:
    """``warm(path)``: the page for ``reader`` in India, fetched twice so every cache is warm."""
    client = signed_in(reader)

    def get(path: str) -> str:
        client.get(path, **IN)
        response = client.get(path, **IN)
        assert response.status_code == 200
        return page_text(response)

    return get


def _change(kind: str, post: Post, alice: Account, reader: Account, legal: Account) -> str:
    """Make a change of ``kind`` to what ``reader`` may see of ``post``; the text to look for."""
    if kind == "edit":
        do_edit_post(post, "Rain again #monsoon, heavier", acting_user=alice)
        return "heavier"
    if kind == "profile":
        do_update_profile(alice, acting_user=alice, display_name="Alice Renamed")
        return "Alice Renamed"
    if kind == "withhold post":
        do_withhold(post=post, countries=["IN"], reason="order", acting_user=legal)
    elif kind == "withhold account":
        do_withhold(account=alice, countries=["IN"], reason="order", acting_user=legal)
    elif kind == "block":
        do_block(alice, acting_user=reader)
    elif kind == "blocked by the author":
        do_block(reader, acting_user=alice)
    elif kind == "mute":
        do_mute(alice, acting_user=reader)
    elif kind == "delete":
        do_delete_post(post, acting_user=alice)
    return ""


CHANGES_SHOWN = ["edit", "profile"]
CHANGES_HIDING = [
    "withhold post",
    "withhold account",
    "block",
    "blocked by the author",
    "mute",
    "delete",
]


@pytest.mark.parametrize("kind", CHANGES_SHOWN)
def test_an_edit_or_a_profile_change_shows_on_the_next_page(
    kind, warm, make_post, alice, reader, legal
):
    post = make_post(alice, "Rain again #monsoon")
    for path in PAGES:
        assert "Rain again" in warm(path)
    shown = _change(kind, post, alice, reader, legal)
    for path in PAGES:
        assert shown in warm(path), path


@pytest.mark.parametrize("kind", CHANGES_HIDING)
def test_a_change_that_hides_a_post_hides_it_on_the_next_page(
    kind, warm, make_post, alice, reader, legal
):
    make_post(alice, "Dry spell #monsoon")  # stays visible to the public timelines' viewers
    post = make_post(alice, "Rain again #monsoon")
    for path in PAGES:
        assert "Rain again" in warm(path)
    _change(kind, post, alice, reader, legal)
    for path in PAGES:
        assert "Rain again" not in warm(path), path


def test_a_lifted_withholding_brings_the_post_back_on_the_next_page(warm, make_post, alice, legal):
    post = make_post(alice, "Rain again #monsoon")
    withholding = do_withhold(post=post, countries=["IN"], reason="order", acting_user=legal)
    for path in PAGES:
        assert "Rain again" not in warm(path)
    do_lift_withholdings([withholding], reason="order revoked", acting_user=legal)
    for path in PAGES:
        assert "Rain again" in warm(path), path


def test_the_compose_box_is_the_one_its_template_renders(rf):
    """The fragment rendered once per process must match the template for any token and path."""
    here = '/?q="<b>&amp;'
    token = "AbC123" * 10
    expected = render_to_string(
        "web/_compose.html", {"compose_form": ComposeForm(), "csrf_token": token, "here": here}
    )
    assert fragments.blank_compose(csrf_token=token, here=here) == expected
    assert fragments.blank_compose(csrf_token=token, here=here) == expected  # warm


def test_a_compose_box_with_what_was_typed_is_rendered_from_its_template(db):
    """Only the empty form is shared: a form sent back with its text keeps that text."""
    form = ComposeForm(data={"text": "half a thought", "visibility": "public"})
    context = {"compose_form": form, "csrf_token": "AbC123" * 10, "here": "/"}
    html = Template("{% load tidings_web %}{% compose_box %}").render(Context(context))
    assert html == render_to_string("web/_compose.html", context)
    assert "half a thought</textarea>" in html


def test_each_viewer_gets_its_own_csrf_token_in_the_compose_box(alice, bob):
    """The compose box is shared between viewers; the CSRF token in it never is."""
    tokens = {}
    for account in (alice, bob):
        client = Client(enforce_csrf_checks=True)
        client.force_login(account)
        client.get("/")
        page = page_text(client.get("/"))
        compose = _COMPOSE_RE.search(page)
        assert compose is not None
        token = _TOKEN_RE.search(compose.group(0)).group(1)
        _check_token_format(token)
        secret = client.session.get(CSRF_SESSION_KEY) or client.cookies["csrftoken"].value
        assert _does_token_match(token, secret)
        tokens[account.username] = (token, secret)
        posted = client.post(
            "/compose",
            {
                "text": f"from {account.username}",
                "visibility": "public",
                "csrfmiddlewaretoken": token,
            },
        )
        assert posted.status_code in (200, 302)
        assert Post.objects.filter(author=account, text=f"from {account.username}").exists()
    assert tokens["alice"][1] != tokens["bob"][1]


def test_the_unread_badge_counts_only_notifications_the_viewer_may_still_see(
    signed_in, alice, bob, carol
):
    do_follow(alice, acting_user=bob)
    do_follow(alice, acting_user=carol)
    client = signed_in(alice)
    assert 'id="unread-count">2<' in page_text(client.get("/"))
    do_block(bob, acting_user=alice)
    assert 'id="unread-count">1<' in page_text(client.get("/"))
    do_mark_notifications_read(acting_user=alice)
    assert 'id="unread-count"' not in page_text(client.get("/"))


@pytest.mark.parametrize(("posts", "queries"), [(20, 9), (3, 10)])
def test_the_home_page_costs_the_same_queries_however_many_posts_it_shows(
    posts, queries, signed_in, make_post, alice, reader, django_assert_num_queries
):
    """Pinned at 9 for a full page: the session with its account (one statement), the home
    entries, the posts with their authors, the viewer's blocks and mutes, the withheld-set
    version, follows of authors merged on read, filters and exclusive lists, the viewer's marks
    on the posts, and whether any notification is unread. A page the index cannot fill asks
    once more, for the floor a trim left (older posts would be read below it). Every post card
    is built from these; a query per post (an author, a favourite, a URL) would multiply this
    by the page's length."""
    for i in range(posts):
        make_post(alice, f"post number {i}")
    client = signed_in(reader)
    client.get("/")  # trends and the compose box are cached once per process
    with django_assert_num_queries(queries):
        page = page_text(client.get("/"))
    assert page.count('<article class="post"') == posts
