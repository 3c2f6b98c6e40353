"""Follow requests through the client API: asking, listing, authorizing, rejecting, withdrawing."""

from __future__ import annotations

import pytest
from django.test import Client

from tidings.social.actions import do_follow, do_update_profile
from tidings.social.models import Follow, FollowRequest


@pytest.fixture
def locked(make_account):
    account = make_account("locksmith")
    do_update_profile(account, acting_user=account, locked=True)
    return account


def test_following_a_locked_account_answers_requested_not_following(locked, bob, api_client):
    client = api_client(bob)
    rel = client.post(f"/api/v1/accounts/{locked.id}/follow").json()
    assert (rel["following"], rel["requested"]) == (False, True)
    listed = client.get("/api/v1/accounts/relationships", {"id[]": [locked.id]}).json()
    assert (listed[0]["following"], listed[0]["requested"]) == (False, True)
    theirs = api_client(locked).get("/api/v1/accounts/relationships", {"id[]": [bob.id]}).json()
    assert theirs[0]["requested_by"] is True
    assert client.get(f"/api/v1/accounts/{locked.id}").json()["followers_count"] == 0


def test_the_locked_account_is_notified_and_counts_its_requests(
    locked, bob, api_client, run_on_commit
):
    with run_on_commit():
        api_client(bob).post(f"/api/v1/accounts/{locked.id}/follow")
    client = api_client(locked)
    notes = client.get("/api/v1/notifications").json()
    assert [(n["type"], n["account"]["id"]) for n in notes] == [("follow_request", str(bob.id))]
    only = client.get("/api/v1/notifications", {"types[]": ["follow_request"]}).json()
    assert len(only) == 1
    me = client.get("/api/v1/accounts/verify_credentials").json()
    assert me["locked"] is True
    assert me["source"]["follow_requests_count"] == 1


def test_the_request_list_pages_by_request_id_with_link_headers(locked, make_account, api_client):
    askers = [make_account(f"asker{i}") for i in range(3)]
    for asker in askers:
        do_follow(locked, acting_user=asker)
    client = api_client(locked)
    first = client.get("/api/v1/follow_requests", {"limit": 2})
    assert [a["id"] for a in first.json()] == [str(askers[2].id), str(askers[1].id)]
    link = first["Link"]
    assert 'rel="next"' in link and 'rel="prev"' in link
    next_url = link.split(";")[0].strip("<>")
    second = client.get(next_url.replace("http://testserver", ""))
    assert [a["id"] for a in second.json()] == [str(askers[0].id)]


def test_authorize_returns_the_relationship_and_makes_the_follow(
    locked, bob, api_client, make_post, run_on_commit
):
    secret = make_post(locked, "followers only", visibility="followers")
    requester = api_client(bob)
    requester.post(f"/api/v1/accounts/{locked.id}/follow")
    assert requester.get(f"/api/v1/statuses/{secret.id}").status_code == 404
    with run_on_commit():
        rel = api_client(locked).post(f"/api/v1/follow_requests/{bob.id}/authorize").json()
    assert rel["id"] == str(bob.id)
    assert (rel["followed_by"], rel["requested_by"]) == (True, False)
    assert requester.get(f"/api/v1/statuses/{secret.id}").status_code == 200
    home = requester.get("/api/v1/timelines/home").json()
    assert str(secret.id) in [s["id"] for s in home]
    assert api_client(locked).get("/api/v1/follow_requests").json() == []


def test_reject_returns_the_relationship_and_leaves_the_post_hidden(
    locked, bob, api_client, make_post
):
    secret = make_post(locked, "followers only", visibility="followers")
    requester = api_client(bob)
    requester.post(f"/api/v1/accounts/{locked.id}/follow")
    rel = api_client(locked).post(f"/api/v1/follow_requests/{bob.id}/reject").json()
    assert (rel["followed_by"], rel["requested_by"]) == (False, False)
    assert not Follow.objects.exists()
    assert requester.get(f"/api/v1/statuses/{secret.id}").status_code == 404
    rel = requester.get("/api/v1/accounts/relationships", {"id[]": [locked.id]}).json()[0]
    assert (rel["following"], rel["requested"]) == (False, False)


def test_a_requester_sees_no_followers_only_post_in_any_list_before_authorization(
    locked, bob, api_client, make_post
):
    secret = make_post(locked, "followers only", visibility="followers")
    client = api_client(bob)
    client.post(f"/api/v1/accounts/{locked.id}/follow")
    for path in (
        "/api/v1/timelines/home",
        f"/api/v1/accounts/{locked.id}/statuses",
        f"/api/v1/statuses/{secret.id}/context",
    ):
        response = client.get(path)
        assert str(secret.id) not in response.content.decode(), path
    assert client.get(f"/api/v1/statuses/{secret.id}").status_code == 404


def test_unfollow_withdraws_a_pending_request(locked, bob, api_client):
    client = api_client(bob)
    client.post(f"/api/v1/accounts/{locked.id}/follow")
    rel = client.post(f"/api/v1/accounts/{locked.id}/unfollow").json()
    assert (rel["following"], rel["requested"]) == (False, False)
    assert not FollowRequest.objects.exists()


def test_unlocking_through_update_credentials_accepts_pending_requests(locked, bob, api_client):
    api_client(bob).post(f"/api/v1/accounts/{locked.id}/follow")
    me = api_client(locked).patch(
        "/api/v1/accounts/update_credentials",
        data="locked=false",
        content_type="application/x-www-form-urlencoded",
    )
    assert me.status_code == 200
    assert me.json()["locked"] is False
    assert me.json()["followers_count"] == 1
    assert Follow.objects.filter(follower=bob, followee=locked).exists()


@pytest.mark.parametrize("answer", ["authorize", "reject"])
def test_answering_a_request_that_does_not_exist_is_a_json_404(answer, locked, bob, api_client):
    response = api_client(locked).post(f"/api/v1/follow_requests/{bob.id}/{answer}")
    assert response.status_code == 404
    assert "error" in response.json()
    garbage = api_client(locked).post(f"/api/v1/follow_requests/not-a-number/{answer}")
    assert garbage.status_code == 404


def test_follow_requests_need_a_token_with_the_right_scope(locked, api_client):
    assert Client().get("/api/v1/follow_requests").status_code == 401
    read_only = api_client(locked, scopes="read")
    assert read_only.get("/api/v1/follow_requests").status_code == 200
    assert read_only.post(f"/api/v1/follow_requests/{locked.id}/authorize").status_code == 403


def test_the_openapi_document_lists_the_follow_request_routes(db):
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/follow_requests"]
    assert "post" in paths["/api/v1/follow_requests/{account_id}/authorize"]
    assert "post" in paths["/api/v1/follow_requests/{account_id}/reject"]


def test_relationships_for_many_accounts_cost_the_same_queries_as_for_one(
    locked, make_account, api_client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    others = [make_account(f"other{i}") for i in range(20)]
    for other in others[:5]:
        do_follow(locked, acting_user=other)
    client = api_client(locked)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/accounts/relationships", {"id[]": [others[0].id]})
    many_ids = [o.id for o in others]
    with django_assert_max_num_queries(len(one.captured_queries) + len(many_ids)):
        rels = client.get("/api/v1/accounts/relationships", {"id[]": many_ids}).json()
    assert [r["requested_by"] for r in rels] == [True] * 5 + [False] * 15
