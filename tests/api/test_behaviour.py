"""The API as clients see it through the Django test client: errors, paging, bodies, performance."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tidings.social.actions import do_follow


def test_the_home_page_costs_the_same_queries_for_5_or_40_posts(
    alice, bob, carol, make_post, api_client, django_assert_max_num_queries, run_on_commit
):
    with run_on_commit():
        do_follow(bob, acting_user=alice)
        do_follow(carol, acting_user=alice)
    for i in range(20):
        make_post(bob, f"#tag{i % 3} post {i} for @alice and @carol")
        make_post(carol, f"another {i}")
    client = api_client(alice)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/timelines/home?limit=5").json()) == 5
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get("/api/v1/timelines/home?limit=40").json()
    assert len(page) == 40
    # token, blocks and mutes, withheld version (and index, once per version), 2 page
    # queries, merged authors, filters, marks (with which posts have images or polls), mentions
    assert len(small.captured_queries) <= 10


def test_a_40_post_home_page_has_no_n_plus_1(
    alice, bob, make_post, api_client, django_assert_max_num_queries, run_on_commit
):
    with run_on_commit():
        do_follow(bob, acting_user=alice)
    for i in range(40):
        make_post(bob, f"post {i} #news @alice")
    client = api_client(alice)
    with django_assert_max_num_queries(10):  # no image or poll rows to load
        response = client.get("/api/v1/timelines/home", {"limit": 40})
    assert response.status_code == 200
    assert len(response.json()) == 40


def test_the_link_header_points_to_older_and_newer_pages(alice, make_post, api_client):
    posts = [make_post(alice, f"post {i}") for i in range(5)]
    client = api_client(alice)
    response = client.get("/api/v1/timelines/home?limit=2")
    ids = [s["id"] for s in response.json()]
    assert ids == [str(posts[4].id), str(posts[3].id)]
    link = response["Link"]
    assert f"max_id={posts[3].id}" in link and 'rel="next"' in link
    assert f"min_id={posts[4].id}" in link and 'rel="prev"' in link
    older = client.get(f"/api/v1/timelines/home?limit=2&max_id={posts[3].id}").json()
    assert [s["id"] for s in older] == [str(posts[2].id), str(posts[1].id)]
    newer = client.get(f"/api/v1/timelines/home?limit=2&min_id={posts[1].id}").json()
    assert [s["id"] for s in newer] == [str(posts[3].id), str(posts[2].id)]
    since = client.get(f"/api/v1/timelines/home?since_id={posts[2].id}").json()
    assert [s["id"] for s in since] == [str(posts[4].id), str(posts[3].id)]


def test_paths_work_with_and_without_a_trailing_slash(alice, make_post, api_client):
    post = make_post(alice, "slash")
    client = api_client(alice)
    assert client.get(f"/api/v1/statuses/{post.id}").status_code == 200
    assert client.get(f"/api/v1/statuses/{post.id}/").status_code == 200
    assert client.get("/api/v1/timelines/home/").status_code == 200


def test_statuses_can_be_posted_as_json_or_as_a_form(alice, api_client):
    client = api_client(alice)
    as_json = client.post(
        "/api/v1/statuses",
        {"status": "json body", "visibility": "unlisted", "sensitive": False},
        content_type="application/json",
    )
    assert as_json.status_code == 200 and as_json.json()["visibility"] == "unlisted"
    as_form = client.post("/api/v1/statuses", {"status": "form body", "sensitive": "0"})
    assert as_form.status_code == 200 and as_form.json()["content"] == "<p>form body</p>"


def test_relationships_accept_id_lists_as_mastodon_py_sends_them(alice, bob, carol, api_client):
    client = api_client(alice)
    client.post(f"/api/v1/accounts/{bob.id}/follow")
    response = client.get(f"/api/v1/accounts/relationships?id[]={bob.id}&id[]={carol.id}")
    assert [(r["id"], r["following"]) for r in response.json()] == [
        (str(bob.id), True),
        (str(carol.id), False),
    ]


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/statuses/12345"),
        ("get", "/api/v1/statuses/not-a-number"),
        ("get", "/api/v1/statuses/99999999999999999999999999"),
        ("get", "/api/v1/accounts/12345"),
        ("get", "/api/v1/accounts/lookup?acct=nobody"),
        ("get", "/api/v1/notifications/12345"),
        ("post", "/api/v1/statuses/12345/favourite"),
        ("get", "/api/v1/no/such/endpoint"),
    ],
)
def test_unknown_things_are_404_with_an_error(alice, api_client, method, path):
    response = getattr(api_client(alice), method)(path)
    assert response.status_code == 404
    assert "error" in response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"status": ""},
        {"status": "x" * 501},
        {"status": "hello", "poll[options][]": ["only one"], "poll[expires_in]": "600"},
        {"status": "hello", "visibility": "sideways"},
        {"status": "hello", "media_ids[]": ["1"]},
    ],
)
def test_bad_statuses_are_422_with_an_error(alice, api_client, body):
    response = api_client(alice).post("/api/v1/statuses", body)
    assert response.status_code == 422
    assert response.json()["error"]


def test_malformed_json_is_422(alice, api_client):
    response = api_client(alice).post(
        "/api/v1/statuses", "{not json", content_type="application/json"
    )
    assert response.status_code == 422


@pytest.mark.django_db
def test_no_token_or_a_bad_token_is_401():
    assert Client().get("/api/v1/timelines/home").status_code == 401
    bad = Client(headers={"Authorization": "Bearer nonsense"})
    response = bad.get("/api/v1/timelines/public")
    assert response.status_code == 401 and response.json()["error"]


def test_a_token_without_the_scope_is_403(alice, api_client):
    response = api_client(alice, scopes="read").post("/api/v1/statuses", {"status": "hi"})
    assert response.status_code == 403 and response.json()["error"]


def test_granular_scopes_are_enough(alice, api_client):
    client = api_client(alice, scopes="read:statuses write:statuses")
    assert client.post("/api/v1/statuses", {"status": "granular"}).status_code == 200
    assert client.get("/api/v1/timelines/home").status_code == 200
    assert client.get("/api/v1/notifications").status_code == 403


def test_deleting_someone_elses_status_is_403(alice, bob, make_post, api_client):
    post = make_post(bob, "mine")
    response = api_client(alice).delete(f"/api/v1/statuses/{post.id}")
    assert response.status_code == 403 and response.json()["error"]


def test_following_yourself_is_422(alice, api_client):
    response = api_client(alice).post(f"/api/v1/accounts/{alice.id}/follow")
    assert response.status_code == 422 and response.json()["error"]


def test_ids_are_strings(alice, make_post, api_client):
    post = make_post(alice, "ids")
    status = api_client(alice).get(f"/api/v1/statuses/{post.id}").json()
    assert status["id"] == str(post.id)
    assert status["account"]["id"] == str(alice.id)


def test_public_reads_need_no_token(alice, make_post):
    post = make_post(alice, "for everyone #open")
    client = Client()
    assert client.get("/api/v1/timelines/public").json()[0]["id"] == str(post.id)
    assert client.get("/api/v1/timelines/tag/open").json()[0]["id"] == str(post.id)
    assert client.get(f"/api/v1/statuses/{post.id}").status_code == 200


@pytest.mark.django_db
def test_nodeinfo_is_discoverable():
    client = Client()
    href = client.get("/.well-known/nodeinfo").json()["links"][0]["href"]
    assert href.endswith("/nodeinfo/2.0")
    info = client.get("/nodeinfo/2.0").json()
    assert info["software"]["name"] == "tidings" and info["version"] == "2.0"
