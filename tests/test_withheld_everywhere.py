"""Every read endpoint, asked by a viewer in the withheld country and by one elsewhere.

One scenario: @kisanvoice is withheld in India (account scope), and one post of
@reporter is withheld in India (post scope). @amrit reposts both and replies to
one; @viewer follows them all and was followed and mentioned by @kisanvoice.
In India, withheld content is absent from every list and answers 451 when
fetched; in the United States everything is there.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from tidings.legal.actions.withholding import do_withhold
from tidings.social.actions import do_follow, do_repost
from tidings.social.models import Account, Post

WITHHELD_ACCOUNT_TEXT = "Kisan tractor rally wheatfield"
WITHHELD_POST_TEXT = "Reporter border dispatch barricade"
KEPT_TEXT = "Reporter weather update monsoon"


@dataclass
class Scenario:
    viewer: Account
    account_post: Post
    withheld_post: Post
    kept_post: Post
    account_repost: Post
    post_repost: Post


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def scenario(make_account, make_post, run_on_commit) -> Scenario:
    legal = make_account("lex", role="legal")
    kisan = make_account("kisanvoice", display_name="Kisan Voice")
    reporter = make_account("reporter")
    amrit = make_account("amrit")
    viewer = make_account("viewer")
    with run_on_commit():
        for account in (kisan, reporter, amrit):
            do_follow(account, acting_user=viewer)
        do_follow(viewer, acting_user=kisan)
    account_post = make_post(kisan, f"{WITHHELD_ACCOUNT_TEXT} #FarmLaws @viewer")
    withheld_post = make_post(reporter, f"{WITHHELD_POST_TEXT} #FarmLaws")
    kept_post = make_post(reporter, f"{KEPT_TEXT} #FarmLaws")
    with run_on_commit():
        account_repost = do_repost(account_post, acting_user=amrit)
        post_repost = do_repost(withheld_post, acting_user=amrit)
    do_withhold(account=kisan, countries=["IN"], reason="order", acting_user=legal)
    do_withhold(post=withheld_post, countries=["IN"], reason="order", acting_user=legal)
    return Scenario(viewer, account_post, withheld_post, kept_post, account_repost, post_repost)


def as_viewer(client: Client, scenario: Scenario) -> Client:
    client.force_login(scenario.viewer)
    return client


LIST_ENDPOINTS = {
    "home timeline": lambda s: "/",
    "public timeline": lambda s: "/public",
    "hashtag timeline": lambda s: "/tags/farmlaws",
    "profile of the reposter": lambda s: "/@amrit",
    "profile of the reporter": lambda s: "/@reporter",
    "search by words": lambda s: "/search?q=reporter+border",
    "search by account": lambda s: "/search?q=kisan",
    "search by hashtag": lambda s: "/search?q=%23FarmLaws",
    "followers of the viewer": lambda s: "/@viewer/followers",
    "following of the viewer": lambda s: "/@viewer/following",
    "notifications": lambda s: "/notifications",
}

DIRECT_ENDPOINTS = {
    "withheld account's profile": lambda s: "/@kisanvoice",
    "withheld account's post": lambda s: f"/@kisanvoice/{s.account_post.id}",
    "withheld post": lambda s: f"/@reporter/{s.withheld_post.id}",
    "repost of the withheld account's post": lambda s: f"/@amrit/{s.account_repost.id}",
    "repost of the withheld post": lambda s: f"/@amrit/{s.post_repost.id}",
    "withheld account's followers": lambda s: "/@kisanvoice/followers",
}

WITHHELD_MARKERS = (WITHHELD_ACCOUNT_TEXT, WITHHELD_POST_TEXT, "@kisanvoice")


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_web_list_hides_withheld_content_in_india_only(client, scenario, endpoint):
    path = LIST_ENDPOINTS[endpoint](scenario)
    client = as_viewer(client, scenario)
    in_india = client.get(path, HTTP_X_TEST_COUNTRY="IN", follow=True)
    assert in_india.status_code == 200
    text = in_india.content.decode()
    for marker in WITHHELD_MARKERS:
        assert marker not in text, f"{marker!r} leaked on {path} in India"
    in_us = client.get(path, HTTP_X_TEST_COUNTRY="US", follow=True).content.decode()
    assert any(marker in in_us for marker in WITHHELD_MARKERS), f"{path} shows nothing in the US"


@pytest.mark.parametrize("endpoint", DIRECT_ENDPOINTS)
def test_web_direct_fetch_answers_451_in_india_and_200_elsewhere(client, scenario, endpoint):
    path = DIRECT_ENDPOINTS[endpoint](scenario)
    client = as_viewer(client, scenario)
    in_india = client.get(path, HTTP_X_TEST_COUNTRY="IN", follow=True)
    assert in_india.status_code == 451
    assert "in response to a legal demand" in in_india.content.decode()
    assert 'rel="blocked-by"' in in_india["Link"]
    assert client.get(path, HTTP_X_TEST_COUNTRY="US", follow=True).status_code == 200


def test_kept_post_of_a_partly_withheld_author_stays_visible_in_india(client, scenario):
    client = as_viewer(client, scenario)
    text = client.get("/@reporter", HTTP_X_TEST_COUNTRY="IN").content.decode()
    assert KEPT_TEXT in text
    assert (
        client.get(f"/@reporter/{scenario.kept_post.id}", HTTP_X_TEST_COUNTRY="IN").status_code
        == 200
    )


def test_viewers_elsewhere_see_where_content_is_withheld(client, scenario):
    client = as_viewer(client, scenario)
    text = client.get("/@kisanvoice", HTTP_X_TEST_COUNTRY="US").content.decode()
    assert "Withheld in India in response to a legal demand." in text


def test_the_author_sees_their_withheld_content_with_a_banner(client, scenario):
    client.force_login(Account.objects.get(username="kisanvoice"))
    text = client.get("/@kisanvoice", HTTP_X_TEST_COUNTRY="IN").content.decode()
    assert WITHHELD_ACCOUNT_TEXT in text
    assert "Your account is withheld in some countries." in text
