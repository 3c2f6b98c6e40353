"""Direct messages and polls in the web UI: the composer's choice, the Direct messages page,
the mark on cards, and voting from a card without JavaScript."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from tests.web.conftest import page_text
from tidings.social.actions import check_poll, do_create_post_with_poll
from tidings.social.models import Post
from tidings.social.models_direct import Poll


def test_the_composer_offers_mentioned_people_only_and_the_post_reaches_only_them(
    signed_in, alice, bob, carol, run_on_commit, run_tasks
):
    client = signed_in(alice)
    assert '<option value="direct">Mentioned people only</option>' in page_text(client.get("/"))
    with run_on_commit():
        client.post("/compose", {"text": "@bob meet at noon", "visibility": "direct"})
    run_tasks()
    post = Post.objects.get(author=alice)
    assert post.visibility == "direct"
    client.force_login(bob)
    home = page_text(client.get("/"))
    assert "meet at noon" in home
    assert "Direct · mentioned people only" in home
    assert "Direct posts cannot be reposted" in home
    client.force_login(carol)
    assert client.get(f"/@alice/{post.id}").status_code == 404
    assert "meet at noon" not in page_text(client.get("/@alice"))


def test_the_direct_messages_page_lists_conversations_marks_them_read_and_hides_them(
    signed_in, alice, bob, make_post
):
    make_post(alice, "@bob are you coming?", visibility="direct")
    client = signed_in(bob)
    page = page_text(client.get("/direct"))
    assert "are you coming?" in page
    assert 'With <a href="/@alice">@alice</a>' in page
    assert "Mark as read" in page
    assert '<a href="/direct" aria-current="page">Direct messages</a>' in page
    [conversation_id] = [
        line.split("/direct/")[1].split("/")[0] for line in page.splitlines() if "/read" in line
    ]
    client.post(f"/direct/{conversation_id}/read", {"next": "/direct"})
    assert "Mark as read" not in page_text(client.get("/direct"))
    client.post(f"/direct/{conversation_id}/hide", {"next": "/direct"})
    assert "No direct messages yet." in page_text(client.get("/direct"))


def test_the_direct_messages_page_asks_to_sign_in(client):
    response = client.get("/direct")
    assert response.status_code == 302 and "/login" in response["Location"]


def _poll(author, **options) -> Post:
    return do_create_post_with_poll(
        "Which day?", poll=check_poll(["Monday", "Friday"], 3600, **options), acting_user=author
    )


def test_a_card_shows_a_vote_form_that_works_without_javascript(signed_in, alice, bob):
    post = _poll(alice)
    client = signed_in(bob)
    page = page_text(client.get(f"/@alice/{post.id}"))
    assert f'<form class="poll" method="post" action="/polls/{post.poll.id}/votes">' in page
    assert 'type="radio" name="choices" value="1"> Friday' in page
    answer = client.post(
        f"/polls/{post.poll.id}/votes", {"choices": "1", "next": f"/@alice/{post.id}"}
    )
    assert answer.status_code == 302
    after = page_text(client.get(f"/@alice/{post.id}"))
    assert "Vote</button>" not in after
    assert "100%</span> Friday <span class=badge>your vote</span>" in after
    assert "1 person · Ends in" in after


def test_a_vote_without_the_csrf_token_is_refused(alice, bob):
    post = _poll(alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    answer = client.post(f"/polls/{post.poll.id}/votes", {"choices": "0"})
    assert answer.status_code == 403
    assert Poll.objects.get(id=post.poll.id).votes_count == 0


def test_a_second_vote_or_a_vote_after_the_end_gets_a_clear_message(signed_in, alice, bob):
    post = _poll(alice)
    client = signed_in(bob)
    client.post(f"/polls/{post.poll.id}/votes", {"choices": "0"})
    again = client.post(f"/polls/{post.poll.id}/votes", {"choices": "0"})
    assert again.status_code == 422 and "already voted" in page_text(again)
    ended = _poll(alice)
    Poll.objects.filter(id=ended.poll.id).update(expires_at=timezone.now() - timedelta(minutes=1))
    late = client.post(f"/polls/{ended.poll.id}/votes", {"choices": "0"})
    assert late.status_code == 422 and "already ended" in page_text(late)
    assert "Closed" in page_text(client.get(f"/@alice/{ended.id}"))


def test_polls_show_on_timelines_with_hidden_totals_until_they_end(signed_in, alice, bob):
    post = _poll(alice, hide_totals=True)
    client = signed_in(bob)
    client.post(f"/polls/{post.poll.id}/votes", {"choices": "0"})
    page = page_text(client.get("/@alice"))
    assert 'class="poll__share"></span> Monday' in page
    Poll.objects.filter(id=post.poll.id).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert 'class="poll__share">100%</span> Monday' in page_text(client.get("/@alice"))


def test_when_a_poll_ends_its_voters_and_author_read_so_in_their_notifications(
    signed_in, alice, bob, run_periodic_tasks
):
    post = _poll(alice)
    client = signed_in(bob)
    client.post(f"/polls/{post.poll.id}/votes", {"choices": "0"})
    Poll.objects.filter(id=post.poll.id).update(expires_at=timezone.now() - timedelta(minutes=1))
    run_periodic_tasks()
    assert "a poll you voted in has ended" in page_text(client.get("/notifications"))
    client.force_login(alice)
    assert "your poll has ended" in page_text(client.get("/notifications"))
