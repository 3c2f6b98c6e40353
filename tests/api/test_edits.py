"""Edits through the API: who may edit, what history and source show, and where they are withheld."""

from __future__ import annotations

import orjson
import pytest

from tidings.legal.actions.withholding import do_withhold
from tidings.social.actions import do_edit_post
from tidings.social.models import Post


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


def _put(client, post_id, **body):
    return client.put(
        f"/api/v1/statuses/{post_id}", orjson.dumps(body), content_type="application/json"
    )


@pytest.fixture
def withheld_and_edited(alice, legal, make_post):
    post = make_post(alice, "Barricade at the border")
    do_withhold(post=post, countries=["IN"], reason="order", acting_user=legal)
    return do_edit_post(post, "Barricade still at the border", acting_user=alice)


@pytest.mark.parametrize("route", ["history", "source"])
def test_history_and_source_of_a_withheld_post_answer_451_in_india_and_200_in_the_us(
    api_client, bob, withheld_and_edited, route
):
    client = api_client(bob)
    path = f"/api/v1/statuses/{withheld_and_edited.id}/{route}"
    in_india = client.get(path, HTTP_X_TEST_COUNTRY="IN")
    assert in_india.status_code == 451
    assert "Barricade" not in in_india.content.decode()
    assert "withheld in India" in in_india.json()["error"]
    assert 'rel="blocked-by"' in in_india["Link"]
    in_us = client.get(path, HTTP_X_TEST_COUNTRY="US")
    assert in_us.status_code == 200
    assert "Barricade still at the border" in in_us.content.decode()


def test_the_history_of_a_withheld_post_holds_every_version_for_viewers_elsewhere(
    api_client, bob, withheld_and_edited
):
    history = (
        api_client(bob)
        .get(f"/api/v1/statuses/{withheld_and_edited.id}/history", HTTP_X_TEST_COUNTRY="US")
        .json()
    )
    assert [h["content"] for h in history] == [
        "<p>Barricade at the border</p>",
        "<p>Barricade still at the border</p>",
    ]


def test_editing_never_lifts_a_withholding(api_client, alice, bob, withheld_and_edited):
    reply = _put(api_client(alice), withheld_and_edited.id, status="Nothing to see here")
    assert reply.status_code == 200
    seen = api_client(bob).get(
        f"/api/v1/statuses/{withheld_and_edited.id}", HTTP_X_TEST_COUNTRY="IN"
    )
    assert seen.status_code == 451
    assert "Nothing to see here" not in seen.content.decode()


def test_the_author_edits_their_withheld_post_from_india_and_sees_the_banner(
    api_client, alice, withheld_and_edited
):
    reply = _put(
        api_client(alice), withheld_and_edited.id, status="Corrected", spoiler_text="Update"
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["withheld"]["country_codes"] == ["IN"]
    assert Post.objects.get(id=withheld_and_edited.id).text == "Update\n\nCorrected"


def test_history_of_a_followers_only_post_is_not_found_for_a_stranger(
    api_client, alice, bob, make_post
):
    post = make_post(alice, "for followers", visibility="followers")
    do_edit_post(post, "still for followers", acting_user=alice)
    assert api_client(bob).get(f"/api/v1/statuses/{post.id}/history").status_code == 404
    assert api_client(bob).get(f"/api/v1/statuses/{post.id}/source").status_code == 404
    assert api_client(alice).get(f"/api/v1/statuses/{post.id}/source").json() == {
        "id": str(post.id),
        "text": "still for followers",
        "spoiler_text": "",
    }


def test_source_needs_a_token_and_history_does_not(api_client, alice, make_post):
    post = make_post(alice, "public words")
    assert api_client().get(f"/api/v1/statuses/{post.id}/source").status_code == 401
    assert api_client().get(f"/api/v1/statuses/{post.id}/history").status_code == 200


def test_editing_someone_elses_post_is_forbidden(api_client, alice, bob, make_post):
    post = make_post(alice, "mine")
    reply = _put(api_client(bob), post.id, status="yours")
    assert reply.status_code == 403
    assert reply.json() == {"error": "This action is not allowed"}
    assert Post.objects.get(id=post.id).text == "mine"


def test_editing_a_post_one_cannot_see_is_not_found(api_client, alice, bob, make_post):
    post = make_post(alice, "secret", visibility="followers")
    assert _put(api_client(bob), post.id, status="x").status_code == 404
    assert _put(api_client(bob), "not-a-number", status="x").status_code == 404


def test_editing_needs_the_write_scope(api_client, alice, make_post):
    post = make_post(alice, "mine")
    assert _put(api_client(alice, "read"), post.id, status="new").status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"status": ""}, 422, "cannot be empty"),
        ({"status": "x" * 501}, 422, "at most 500 characters"),
        ({"status": "x" * 1_000_000}, 422, "at most 500 characters"),
        ({"status": "ok", "media_ids": ["1"]}, 422, "Media attachments are not supported"),
        ({"status": ["a", "b"]}, 422, "Validation failed"),
    ],
)
def test_bad_edits_are_refused_with_a_clear_error(
    api_client, alice, make_post, body, status, message
):
    post = make_post(alice, "fine")
    reply = _put(api_client(alice), post.id, **body)
    assert reply.status_code == status
    assert message in reply.json()["error"]
    assert Post.objects.get(id=post.id).text == "fine"


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_a_nul_byte_in_an_edit_is_refused(api_client, alice, make_post, encoding):
    post = make_post(alice, "fine")
    client = api_client(alice)
    path = f"/api/v1/statuses/{post.id}"
    if encoding == "json":
        reply = client.put(path, '{"status": "a\\u0000b"}', content_type="application/json")
    else:
        reply = client.put(path, "status=a%00b", content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 400
    assert "NUL" in reply.json()["error"]
    assert Post.objects.get(id=post.id).text == "fine"


def test_a_reposter_in_india_is_not_shown_the_edit_of_a_post_withheld_there(
    api_client, alice, bob, legal, make_post
):
    from tidings.social.actions import do_repost

    post = make_post(alice, "Convoy leaves at dawn")
    do_repost(post, acting_user=bob)
    do_withhold(post=post, countries=["IN"], reason="order", acting_user=legal)
    do_edit_post(post, "Convoy leaves at noon", acting_user=alice)
    client = api_client(bob)
    in_india = client.get("/api/v1/notifications", HTTP_X_TEST_COUNTRY="IN")
    assert in_india.status_code == 200 and "Convoy" not in in_india.content.decode()
    in_us = client.get("/api/v1/notifications", HTTP_X_TEST_COUNTRY="US").json()
    assert [n["type"] for n in in_us] == ["update"]
    assert in_us[0]["status"]["content"] == "<p>Convoy leaves at noon</p>"
    assert in_us[0]["status"]["edited_at"] is not None
