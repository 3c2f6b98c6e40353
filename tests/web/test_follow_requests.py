"""Locked accounts in the web UI: "Request to follow", "Requested", and the follow requests page."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.web.conftest import HTMX, page_text
from tidings.audit.models import AuditEvent
from tidings.social.actions import do_follow, do_update_profile
from tidings.social.models import Account, Follow, FollowRequest


@pytest.fixture
def locked(make_account) -> Account:
    account = make_account("locksmith", display_name="Locked Lou")
    do_update_profile(account, acting_user=account, locked=True)
    return account


def client_for(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def test_a_locked_profile_offers_request_to_follow_then_shows_requested(locked, bob):
    client = client_for(bob)
    page = page_text(client.get("/@locksmith"))
    assert "Request to follow" in page
    assert "Locked</span>" in page
    fragment = page_text(client.post("/@locksmith/follow", **HTMX))
    assert "Requested" in fragment
    assert 'hx-post="/@locksmith/unfollow"' in fragment
    assert FollowRequest.objects.filter(requester=bob, target=locked).exists()
    assert not Follow.objects.exists()


def test_pressing_requested_cancels_the_request(locked, bob):
    client = client_for(bob)
    client.post("/@locksmith/follow")
    fragment = page_text(client.post("/@locksmith/unfollow", **HTMX))
    assert "Request to follow" in fragment
    assert not FollowRequest.objects.exists()


def test_an_unlocked_profile_still_says_follow(alice, bob):
    page = page_text(client_for(bob).get("/@alice"))
    assert "Request to follow" not in page
    assert ">Follow<" in page


def test_a_requesters_view_of_a_locked_profile_hides_followers_only_posts(locked, bob, make_post):
    make_post(locked, "only for the ones I let in", visibility="followers")
    client = client_for(bob)
    client.post("/@locksmith/follow")
    assert "only for the ones I let in" not in page_text(client.get("/@locksmith"))
    assert "only for the ones I let in" not in page_text(client.get("/"))


def test_the_follow_requests_page_lists_requesters_with_authorize_and_reject(locked, bob, carol):
    do_follow(locked, acting_user=bob)
    do_follow(locked, acting_user=carol)
    page = page_text(client_for(locked).get("/follow_requests"))
    assert "@bob" in page and "@carol" in page
    assert 'action="/follow_requests/@bob/authorize"' in page
    assert 'action="/follow_requests/@carol/reject"' in page


def test_notifications_link_a_follow_request_to_the_requests_page(locked, bob, run_on_commit):
    with run_on_commit():
        do_follow(locked, acting_user=bob)
    page = page_text(client_for(locked).get("/notifications"))
    assert "asked to follow you" in page
    assert 'href="/follow_requests"' in page


def test_authorizing_from_the_page_makes_the_follow_and_shows_the_post(
    locked, bob, make_post, run_on_commit
):
    make_post(locked, "now you may read this", visibility="followers")
    do_follow(locked, acting_user=bob)
    with run_on_commit():
        response = client_for(locked).post("/follow_requests/@bob/authorize", **HTMX)
    assert response.status_code == 200
    assert "@bob now follows you." in page_text(response)
    assert Follow.objects.filter(follower=bob, followee=locked).exists()
    assert "now you may read this" in page_text(client_for(bob).get("/@locksmith"))
    assert "now you may read this" in page_text(client_for(bob).get("/"))


def test_rejecting_from_the_page_by_plain_form_redirects_back(locked, bob):
    do_follow(locked, acting_user=bob)
    response = client_for(locked).post("/follow_requests/@bob/reject")
    assert response.status_code == 302
    assert response["Location"] == "/follow_requests"
    assert not FollowRequest.objects.exists()
    assert not Follow.objects.exists()


def test_answering_a_request_nobody_made_is_a_404_page(locked, bob):
    before = AuditEvent.objects.count()
    response = client_for(locked).post("/follow_requests/@bob/authorize")
    assert response.status_code == 404
    assert "has not asked to follow you" in page_text(response)
    assert AuditEvent.objects.count() == before


def test_answering_needs_a_post(locked, bob):
    do_follow(locked, acting_user=bob)
    assert client_for(locked).get("/follow_requests/@bob/authorize").status_code == 405
    assert FollowRequest.objects.exists()


def test_the_settings_page_locks_the_account(bob):
    client = client_for(bob)
    response = client.post(
        "/settings/profile", {"display_name": "Bob", "bio": "", "country": "", "locked": "on"}
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.locked is True
