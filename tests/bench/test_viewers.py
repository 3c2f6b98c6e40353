"""``tidings bench viewers``: the read benchmark's two viewers, signed in and ready to load pages."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tidings.social.models import Account


@pytest.fixture
def viewers(db) -> dict:
    call_command(
        "bench",
        "seed",
        "--accounts",
        "41",
        "--posts",
        "400",
        "--follows",
        "6",
        "--no-migrate",
        stdout=io.StringIO(),
    )
    out = io.StringIO()
    call_command("bench", "viewers", stdout=out)
    return json.loads(out.getvalue())


def test_the_median_viewer_follows_the_median_number_of_accounts(viewers):
    counts = sorted(Account.objects.values_list("following_count", flat=True))
    median = viewers["viewers"]["median"]
    assert median["following"] == counts[len(counts) // 2]
    assert Account.objects.get(username=median["handle"]).following_count == median["following"]


def test_the_other_viewer_follows_the_most_accounts(viewers):
    most = viewers["viewers"]["most"]
    assert most["following"] == max(Account.objects.values_list("following_count", flat=True))
    assert most["following"] > viewers["viewers"]["median"]["following"]


def test_each_viewers_token_signs_in_as_that_viewer(client, viewers):
    for viewer in viewers["viewers"].values():
        response = client.get(
            "/api/v1/accounts/verify_credentials",
            HTTP_AUTHORIZATION=f"Bearer {viewer['token']}",
        )
        assert response.status_code == 200
        assert response.json()["username"] == viewer["handle"]


def test_each_viewers_session_cookie_signs_in_as_that_viewer(client, viewers):
    for viewer in viewers["viewers"].values():
        name, value = viewer["cookie"].split("=", 1)
        client.cookies[name] = value
        response = client.get("/settings/profile")
        assert response.status_code == 200, "a signed-out visitor would be sent to sign in"
        assert viewer["handle"].encode() in response.content


def test_the_dataset_shape_is_reported(viewers):
    dataset = viewers["dataset"]
    assert dataset["accounts"] == 41
    assert dataset["posts"] == 400
    followers = sorted(Account.objects.values_list("followers_count", flat=True))
    assert dataset["median_followers"] == followers[20]
    assert dataset["max_followers"] == followers[-1]
    assert viewers["tag_posts"] > 0


def test_without_accounts_it_says_to_seed_first(db):
    with pytest.raises(Exception, match="bench seed"):
        call_command("bench", "viewers", stdout=io.StringIO())
