"""Editing posts in the web UI, the versions page, and what the desk and the public notice show."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.web.conftest import page_text
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.withholding import do_withhold
from tidings.legal.models import DemandItem, Withholding
from tidings.social.actions import do_edit_post
from tidings.social.models import Post, PostEdit


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


def edit_url(post: Post) -> str:
    return reverse("web:edit_post", args=[post.id])


def history_url(post: Post) -> str:
    return reverse("web:post_history", args=[post.author.username, post.id])


def test_the_author_sees_an_edit_action_and_others_do_not(signed_in, alice, bob, make_post):
    post = make_post(alice, "a post to fix")
    post_page = reverse("web:post", args=["alice", post.id])
    assert f'href="{edit_url(post)}"' in page_text(signed_in(alice).get(post_page))
    assert f'href="{edit_url(post)}"' not in page_text(signed_in(bob).get(post_page))


def test_the_author_edits_a_post_and_it_shows_edited_with_a_link_to_its_versions(
    signed_in, alice, make_post
):
    post = make_post(alice, "Meeting at 5 #townhall")
    client = signed_in(alice)
    form = page_text(client.get(edit_url(post)))
    assert "csrfmiddlewaretoken" in form and "Meeting at 5 #townhall</textarea>" in form

    response = client.post(edit_url(post), {"text": "Meeting at 6 #townhall"}, follow=True)
    assert response.status_code == 200
    text = page_text(response)
    assert "Meeting at 6" in text and "Meeting at 5" not in text
    assert "Your post was edited." in text
    assert 'class="post__edited"' in text and f'href="{history_url(post)}"' in text


def test_the_history_page_lists_every_version_oldest_first(client, alice, make_post):
    post = make_post(alice, "version one")
    do_edit_post(post, "version two", acting_user=alice)
    text = page_text(client.get(history_url(post)))
    assert "2 versions, oldest first" in text
    assert text.index("version one") < text.rindex("version two")
    assert "current" in text


def test_the_history_page_redirects_to_the_authors_handle(client, alice, make_post):
    post = make_post(alice, "moved")
    response = client.get(reverse("web:post_history", args=["someone", post.id]))
    assert response.status_code == 301 and response["Location"] == history_url(post)


def test_the_history_of_a_followers_only_post_is_not_found_for_a_stranger(
    signed_in, alice, bob, make_post
):
    post = make_post(alice, "followers only words", visibility="followers")
    do_edit_post(post, "followers only, edited", acting_user=alice)
    response = signed_in(bob).get(history_url(post))
    assert response.status_code == 404
    assert "followers only" not in page_text(response)


def test_the_history_of_a_withheld_post_is_451_in_india_and_shown_in_the_us(
    client, alice, legal, make_post
):
    post = make_post(alice, "Dispatch from the barricade")
    do_withhold(post=post, countries=["IN"], reason="order", acting_user=legal)
    do_edit_post(post, "Dispatch from the barricade, updated", acting_user=alice)
    in_india = client.get(history_url(post), HTTP_X_TEST_COUNTRY="IN")
    assert in_india.status_code == 451
    assert "barricade" not in page_text(in_india)
    in_us = page_text(client.get(history_url(post), HTTP_X_TEST_COUNTRY="US"))
    assert "Dispatch from the barricade, updated" in in_us
    assert "Withheld in India" in in_us


def test_someone_elses_post_cannot_be_edited(signed_in, alice, bob, make_post):
    post = make_post(alice, "mine")
    client = signed_in(bob)
    assert client.get(edit_url(post)).status_code == 403
    assert client.post(edit_url(post), {"text": "yours"}).status_code == 403
    assert Post.objects.get(id=post.id).text == "mine"


def test_signing_in_is_needed_to_edit(client, alice, make_post):
    post = make_post(alice, "mine")
    response = client.post(edit_url(post), {"text": "anyone's"})
    assert response.status_code == 302 and reverse("web:login") in response["Location"]
    assert Post.objects.get(id=post.id).text == "mine"


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        ("", 422, "A post cannot be empty."),
        ("x" * 501, 422, "at most 500 characters"),
        ("x" * 1_000_000, 422, "at most 500 characters"),
        ("a\x00b", 400, "NUL"),
    ],
)
def test_bad_texts_are_refused_with_a_clear_message(
    signed_in, alice, make_post, text, status, message
):
    post = make_post(alice, "fine")
    response = signed_in(alice).post(edit_url(post), {"text": text})
    assert response.status_code == status
    assert escape(message) in page_text(response) or message in page_text(response)
    assert Post.objects.get(id=post.id).text == "fine"
    assert not PostEdit.objects.exists()


# -- the desk --------------------------------------------------------------------------


@pytest.fixture
def edited_after_the_decision(import_order, legal, alice, make_post):
    post = make_post(alice, "Rally at the toll plaza tonight")
    do_edit_post(post, "Rally at the toll plaza at 9", acting_user=alice)
    demand = import_order(f"https://localhost:8000/@alice/{post.id}").demand
    do_decide_items(demand, "all_matched", action="withhold", reason="order", acting_user=legal)
    do_edit_post(post, "Rally cancelled", acting_user=alice)
    return demand, post


def test_the_desk_shows_which_version_was_withheld_and_that_it_was_edited_after(
    signed_in, legal, edited_after_the_decision
):
    demand, post = edited_after_the_decision
    text = page_text(signed_in(legal).get(reverse("web:desk_demand", args=[demand.id])))
    assert "Withheld version: 2 of 3" in text
    assert "Rally at the toll plaza at 9" in text
    assert "Edited by its author after the decision" in text
    withholding = Withholding.objects.get(post=post)
    assert DemandItem.objects.get(demand=demand).review_state == "withheld"
    assert (
        withholding.snapshot["text_sha256"]
        == PostEdit.objects.order_by("created_at")[1].text_sha256
    )


def test_the_desk_says_nothing_of_versions_for_a_post_never_edited(
    signed_in, legal, import_order, alice, make_post
):
    post = make_post(alice, "Never touched")
    demand = import_order(f"https://localhost:8000/@alice/{post.id}").demand
    do_decide_items(demand, "all_matched", action="withhold", reason="order", acting_user=legal)
    text = page_text(signed_in(legal).get(reverse("web:desk_demand", args=[demand.id])))
    assert "Withheld version" not in text


def test_the_public_notice_shows_no_version_of_the_post(client, edited_after_the_decision):
    demand, _ = edited_after_the_decision
    response = client.get(reverse("transparency:demand_notice", args=[demand.id]))
    assert response.status_code == 200
    text = page_text(response)
    for words in ("toll plaza", "Rally cancelled", "Withheld version", "Edited by its author"):
        assert words not in text


def test_a_reposter_reads_that_the_post_they_reposted_was_edited(signed_in, alice, bob, make_post):
    from tidings.social.actions import do_repost

    post = make_post(alice, "Turnout is 40%")
    do_repost(post, acting_user=bob)
    do_edit_post(post, "Turnout is 55%", acting_user=alice)
    text = page_text(signed_in(bob).get(reverse("web:notifications")))
    assert "edited a post you reposted" in text and "Turnout is 55%" in text


def test_an_appeal_shows_the_desk_which_version_was_withheld(
    signed_in, legal, alice, edited_after_the_decision
):
    from tidings.legal.actions.appeals import do_file_appeal

    _, post = edited_after_the_decision
    appeal = do_file_appeal(
        Withholding.objects.get(post=post), text="I cancelled it", acting_user=alice
    )
    text = page_text(signed_in(legal).get(reverse("web:desk_appeal", args=[appeal.id])))
    assert "Version withheld" in text and "Withheld version: 2 of 3" in text
    assert "Edited by its author after the decision" in text
