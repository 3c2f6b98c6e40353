"""The read path stays exact while it does less: what is loaded lazily, once or not at all."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from tests.lib.test_images import png_bytes
from tidings.legal.actions.withholding import do_lift_withholding, do_withhold
from tidings.social.actions import do_follow


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


def _image(client: Client) -> str:
    stream = io.BytesIO(png_bytes())
    stream.name = "square.png"
    answer = client.post("/api/v2/media", {"file": stream, "description": "a square"})
    assert answer.status_code == 200, answer.content
    return answer.json()["id"]


def _status(client: Client, **data) -> dict:
    answer = client.post("/api/v1/statuses", data, content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer.json()


# -- near-empty requests ------------------------------------------------------------


def test_healthz_with_a_session_cookie_or_a_token_asks_the_database_nothing(
    alice, client, api_client, django_assert_num_queries
):
    client.force_login(alice)
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200
    with_token = api_client(alice)
    with django_assert_num_queries(0):
        assert with_token.get("/healthz").status_code == 200


def test_the_instance_document_counts_once_a_minute_not_on_every_request(
    alice, make_account, django_assert_max_num_queries
):
    client = Client()
    first = client.get("/api/v1/instance").json()["stats"]["user_count"]
    make_account("newcomer")
    client.get("/api/v2/instance")
    with django_assert_max_num_queries(1):  # the withheld version with the admin rows
        again = client.get("/api/v2/instance").json()
    assert again["usage"]["users"]["active_month"] == first  # counts may lag a minute
    from django.core.cache import cache

    from tidings.api.instance import _STATS_KEY, forget_documents

    cache.delete(_STATS_KEY)  # as if the minute had passed
    forget_documents()
    assert client.get("/api/v1/instance").json()["stats"]["user_count"] == first + 1


def test_an_admin_contact_withheld_everywhere_leaves_the_instance_document_at_once(
    make_account, legal_admin
):
    admin = make_account("boss", role="admin")
    client = Client()
    assert client.get("/api/v1/instance").json()["contact_account"]["id"] == str(admin.id)
    do_withhold(account=admin, countries=["XX"], reason="court order", acting_user=legal_admin)
    document = client.get("/api/v1/instance").json()
    assert document["contact_account"] is None
    assert client.get("/api/v2/instance").json()["contact"]["account"] is None


# -- timeline pages -----------------------------------------------------------------


def test_a_page_shows_each_posts_own_images_and_poll_and_none_on_the_others(
    alice, bob, api_client, run_on_commit, run_tasks
):
    with run_on_commit():
        do_follow(bob, acting_user=alice)
    writer = api_client(bob)
    plain = _status(writer, status="just words")
    pictured = _status(writer, status="look", media_ids=[_image(writer)])
    polled = _status(writer, status="vote", poll={"options": ["yes", "no"], "expires_in": 600})
    repost = writer.post(f"/api/v1/statuses/{pictured['id']}/reblog").json()
    run_tasks()  # fan-out
    page = {s["id"]: s for s in api_client(alice).get("/api/v1/timelines/home").json()}
    assert page[plain["id"]]["media_attachments"] == [] and page[plain["id"]]["poll"] is None
    assert [m["description"] for m in page[pictured["id"]]["media_attachments"]] == ["a square"]
    assert page[pictured["id"]]["poll"] is None
    assert page[polled["id"]]["media_attachments"] == []
    assert [o["title"] for o in page[polled["id"]]["poll"]["options"]] == ["yes", "no"]
    reposted = page[repost["id"]]["reblog"]
    assert [m["description"] for m in reposted["media_attachments"]] == ["a square"]


def test_a_page_without_images_or_polls_does_not_ask_for_them(
    alice, bob, make_post, api_client, run_on_commit
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with run_on_commit():
        do_follow(bob, acting_user=alice)
    for i in range(5):
        make_post(bob, f"words only {i}")
    client = api_client(alice)
    with CaptureQueriesContext(connection) as queries:
        assert len(client.get("/api/v1/timelines/home").json()) == 5
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"social_mediaattachment"."description"' not in sql  # no image rows loaded
    assert '"social_poll"."expires_at"' not in sql  # no poll rows loaded


def test_blocking_and_muting_are_seen_by_the_very_next_home_page(
    alice, bob, carol, make_post, api_client, run_on_commit
):
    with run_on_commit():
        do_follow(bob, acting_user=alice)
        do_follow(carol, acting_user=alice)
    make_post(bob, "from bob")
    make_post(carol, "from carol")
    client = api_client(alice)

    def authors() -> set[str]:
        return {s["account"]["username"] for s in client.get("/api/v1/timelines/home").json()}

    assert authors() == {"bob", "carol"}
    assert client.post(f"/api/v1/accounts/{bob.id}/mute").json()["muting"] is True
    assert authors() == {"carol"}
    assert client.post(f"/api/v1/accounts/{carol.id}/block").json()["blocking"] is True
    assert authors() == set()
    assert client.post(f"/api/v1/accounts/{bob.id}/unmute").json()["muting"] is False
    assert authors() == {"bob"}
    api_client(bob).post(f"/api/v1/accounts/{alice.id}/block")
    assert authors() == set()  # blocked by bob: his posts go too


def test_a_withholding_and_its_lift_are_seen_by_the_very_next_page(
    alice, bob, make_post, api_client, legal_admin, run_on_commit
):
    with run_on_commit():
        do_follow(bob, acting_user=alice)
    post = make_post(bob, "reported")
    client = api_client(alice)
    in_india = {"X-Test-Country": "IN"}
    assert [s["id"] for s in client.get("/api/v1/timelines/home", headers=in_india).json()] == [
        str(post.id)
    ]
    withholding = do_withhold(post=post, countries=["IN"], reason="order", acting_user=legal_admin)
    assert client.get("/api/v1/timelines/home", headers=in_india).json() == []
    assert client.get(f"/api/v1/statuses/{post.id}", headers=in_india).status_code == 451
    assert len(client.get("/api/v1/timelines/home").json()) == 1  # elsewhere it stays
    do_lift_withholding(withholding, reason="order quashed", acting_user=legal_admin)
    assert len(client.get("/api/v1/timelines/home", headers=in_india).json()) == 1


def test_a_revoked_token_is_refused_on_the_very_next_request(alice, token_for):
    from oauth2_provider.models import AccessToken

    raw = token_for(alice)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/timelines/home").status_code == 200
    AccessToken.objects.filter(user=alice).first().revoke()
    assert client.get("/api/v1/timelines/home").status_code == 401
