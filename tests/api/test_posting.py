"""POST /api/v1/statuses: what one post costs the database, and that the answer stays exact."""

from __future__ import annotations

import pytest

from tests.social.test_fanout import give_followers
from tidings.legal.actions.withholding import do_withhold
from tidings.social.actions import do_delete_post
from tidings.social.models import Account, Post


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.TIDINGS_RATE_LIMITS = False  # counted in a file cache, not the database


def _post(client, text: str, **headers) -> dict:
    answer = client.post(
        "/api/v1/statuses", {"status": text}, content_type="application/json", **headers
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_a_post_costs_a_fixed_number_of_queries(alice, api_client, django_assert_num_queries):
    """14 queries, whatever the follower count (this pins them, so one added is noticed):

    1 the token (and its account); the posting transaction: 2 BEGIN and COMMIT (savepoint
    and release under the test's transaction), 3 the post, 4 the author's counters
    (UPDATE ... RETURNING, shown in the answer), 5 the author's own home entry, 6 the
    stream event, 7 the fan-out task row, 8-11 the audit event (lock a free stream's head,
    the next ``seq``, insert the event, move the head); then the answer: 12 the viewer's
    marks on the post (images, poll, favourite, repost, bookmark, pin in one query), 13 the
    withheld-set version. The
    post is not read back: the answer is built from the objects just written.
    """
    give_followers(alice, 100)
    client = api_client(alice)
    _post(client, "warm-up")  # the first request also loads per-process state
    with django_assert_num_queries(14):
        _post(client, "one more post")


def test_a_post_with_an_idempotency_key_costs_four_queries_more(
    alice, api_client, django_assert_num_queries
):
    """The key's row in one upsert, a savepoint and its release around the nested posting
    action, and the key's link to the post: 14 + 4."""
    client = api_client(alice)
    _post(client, "warm-up")
    with django_assert_num_queries(18):
        _post(client, "with a key", HTTP_IDEMPOTENCY_KEY="once")


def test_the_answer_shows_the_authors_counters_as_written(alice, api_client):
    client = api_client(alice)
    _post(client, "first")
    answer = _post(client, "second")
    assert answer["account"]["statuses_count"] == 2
    assert answer["account"]["last_status_at"] is not None
    shown = client.get(f"/api/v1/accounts/{alice.id}").json()
    assert shown["statuses_count"] == 2
    assert shown["last_status_at"] == answer["account"]["last_status_at"]


def test_the_answer_is_the_post_as_a_later_fetch_shows_it(alice, bob, api_client):
    client = api_client(alice)
    answer = _post(client, "hello @bob and #Tidings")
    fetched = client.get(f"/api/v1/statuses/{answer['id']}").json()
    assert answer == fetched
    assert [m["username"] for m in answer["mentions"]] == ["bob"]
    assert [t["name"] for t in answer["tags"]] == ["Tidings"]


def test_a_new_post_is_in_its_authors_home_on_the_next_request(alice, api_client):
    client = api_client(alice)
    answer = _post(client, "mine")
    home = client.get("/api/v1/timelines/home").json()
    assert [s["id"] for s in home] == [answer["id"]]


def test_an_author_withheld_in_a_country_sees_the_withholding_on_a_new_post(
    alice, legal_admin, api_client, settings
):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    do_withhold(account=alice, countries=["IN"], reason="court order", acting_user=legal_admin)
    answer = _post(api_client(alice), "still posting", HTTP_X_TEST_COUNTRY="IN")
    assert answer["withheld"]["country_codes"] == ["IN"]
    assert answer["withheld"]["scope"] == "account"


def test_a_repeated_idempotency_key_answers_the_first_post_and_posts_nothing_more(
    alice, api_client
):
    client = api_client(alice)
    first = _post(client, "only once", HTTP_IDEMPOTENCY_KEY="k1")
    again = _post(client, "only once", HTTP_IDEMPOTENCY_KEY="k1")
    assert again["id"] == first["id"]
    assert Post.objects.filter(author=alice).count() == 1
    assert Account.objects.get(id=alice.id).posts_count == 1
    other = _post(client, "only once", HTTP_IDEMPOTENCY_KEY="k2")
    assert other["id"] != first["id"]


def test_a_key_whose_post_was_deleted_posts_again(alice, api_client):
    client = api_client(alice)
    first = _post(client, "gone soon", HTTP_IDEMPOTENCY_KEY="k1")
    do_delete_post(Post.objects.get(id=first["id"]), acting_user=alice)
    again = _post(client, "gone soon", HTTP_IDEMPOTENCY_KEY="k1")
    assert again["id"] != first["id"]
    assert Post.objects.filter(author=alice).count() == 1


def test_the_same_key_from_another_account_is_another_key(alice, bob, api_client):
    mine = _post(api_client(alice), "alice's", HTTP_IDEMPOTENCY_KEY="shared")
    theirs = _post(api_client(bob), "bob's", HTTP_IDEMPOTENCY_KEY="shared")
    assert mine["id"] != theirs["id"]
    assert theirs["account"]["username"] == "bob"
