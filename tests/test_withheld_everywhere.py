"""Every read endpoint, web and API, asked by a viewer in the withheld country and by one elsewhere.

One scenario: @kisanvoice is withheld in India (account scope), and one post of
@reporter is withheld in India (post scope). @amrit reposts both and replies
to both; @kisanvoice favourites and reposts a kept post of @reporter; @viewer
follows them all and was followed and mentioned by @kisanvoice. In India,
withheld content is absent from every list and answers 451 when fetched; in
the United States all of it is there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.lib.test_images import png_bytes, upload
from tidings.api.actions import do_create_app, do_issue_token
from tidings.legal.actions.withholding import do_withhold
from tidings.legal.models import Withholding
from tidings.social.actions import (
    check_poll,
    do_add_list_accounts,
    do_bookmark,
    do_create_list,
    do_create_post_with_poll,
    do_favourite,
    do_follow,
    do_pin,
    do_repost,
    do_update_profile,
)
from tidings.social.actions.media import do_upload_media
from tidings.social.models import Account, FollowRequest, MediaAttachment, Post
from tidings.social.models_lists import AccountList
from tidings.social.models_media import media_path

WITHHELD_ACCOUNT_TEXT = "Kisan tractor rally wheatfield"
WITHHELD_POST_TEXT = "Reporter border dispatch barricade"
KEPT_TEXT = "Reporter weather update monsoon"
WITHHELD_MARKERS = (WITHHELD_ACCOUNT_TEXT, WITHHELD_POST_TEXT, "kisanvoice")


@dataclass
class Scenario:
    viewer: Account
    kisan: Account
    reporter: Account
    amrit: Account
    account_post: Post
    withheld_post: Post
    kept_post: Post
    account_repost: Post
    post_repost: Post
    reply_to_account_post: Post
    reply_to_withheld_post: Post
    repost_by_withheld_account: Post
    direct_from_withheld_account: Post
    withheld_poll_post: Post
    account_list: AccountList


@pytest.fixture(autouse=True)
def _country_header(settings, tmp_path):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False
    settings.MEDIA_ROOT = tmp_path


def _image(owner: Account) -> MediaAttachment:
    return do_upload_media(upload(png_bytes(), "photo.png"), acting_user=owner, description="")


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
    account_post = make_post(
        kisan, f"{WITHHELD_ACCOUNT_TEXT} #FarmLaws @viewer", media=[_image(kisan)]
    )
    withheld_post = make_post(reporter, f"{WITHHELD_POST_TEXT} #FarmLaws", media=[_image(reporter)])
    kept_post = make_post(reporter, f"{KEPT_TEXT} #FarmLaws")
    with run_on_commit():
        account_repost = do_repost(account_post, acting_user=amrit)
        post_repost = do_repost(withheld_post, acting_user=amrit)
        do_favourite(kept_post, acting_user=kisan)
        repost_by_withheld_account = do_repost(kept_post, acting_user=kisan)
    reply_to_account_post = make_post(amrit, "Amrit answers the rally", in_reply_to=account_post)
    reply_to_withheld_post = make_post(
        amrit, "Amrit answers the dispatch", in_reply_to=withheld_post
    )
    # Direct messages and polls (one each), under the same withholdings.
    direct_from_withheld_account = make_post(
        kisan, f"{WITHHELD_ACCOUNT_TEXT} in private @viewer", visibility="direct"
    )
    with run_on_commit():
        withheld_poll_post = do_create_post_with_poll(
            f"{WITHHELD_POST_TEXT} poll", poll=check_poll(["yes", "no"], 3600), acting_user=reporter
        )
    # What the viewer keeps (bookmarks, a list) and the authors pin, made before the orders.
    for post in (account_post, withheld_post, kept_post, post_repost):
        do_bookmark(post, acting_user=viewer)
    account_list = do_create_list("Farm beat", acting_user=viewer)
    do_add_list_accounts(account_list, [kisan, reporter, amrit], acting_user=viewer)
    do_pin(withheld_post, acting_user=reporter)
    do_pin(kept_post, acting_user=reporter)
    do_pin(account_post, acting_user=kisan)
    do_withhold(account=kisan, countries=["IN"], reason="order", acting_user=legal)
    do_withhold(post=withheld_post, countries=["IN"], reason="order", acting_user=legal)
    do_withhold(post=withheld_poll_post, countries=["IN"], reason="order", acting_user=legal)
    return Scenario(
        viewer,
        kisan,
        reporter,
        amrit,
        account_post,
        withheld_post,
        kept_post,
        account_repost,
        post_repost,
        reply_to_account_post,
        reply_to_withheld_post,
        repost_by_withheld_account,
        direct_from_withheld_account,
        withheld_poll_post,
        account_list,
    )


@pytest.fixture
def web(client: Client, scenario: Scenario) -> Client:
    client.force_login(scenario.viewer)
    return client


@pytest.fixture
def api(scenario: Scenario) -> Client:
    app = do_create_app(
        "Reader", redirect_uris="urn:ietf:wg:oauth:2.0:oob", scopes="read", acting_user=None
    )
    token = do_issue_token(
        scenario.viewer, app.app.application, ["read"], acting_user=scenario.viewer
    ).raw
    return Client(headers={"Authorization": f"Bearer {token}"})


Path = Callable[[Scenario], str]

LISTS: dict[str, tuple[str, Path]] = {
    "web home timeline": ("web", lambda s: "/"),
    "web public timeline": ("web", lambda s: "/public"),
    "web hashtag timeline": ("web", lambda s: "/tags/farmlaws"),
    "web profile of the reposter": ("web", lambda s: "/@amrit"),
    "web profile of the reporter": ("web", lambda s: "/@reporter"),
    "web thread of a reply to the withheld account": (
        "web",
        lambda s: f"/@amrit/{s.reply_to_account_post.id}",
    ),
    "web thread of a reply to the withheld post": (
        "web",
        lambda s: f"/@amrit/{s.reply_to_withheld_post.id}",
    ),
    "web search by words": ("web", lambda s: "/search?q=reporter+border"),
    "web search by account": ("web", lambda s: "/search?q=kisan"),
    "web search by hashtag": ("web", lambda s: "/search?q=%23FarmLaws"),
    "web followers of the viewer": ("web", lambda s: "/@viewer/followers"),
    "web following of the viewer": ("web", lambda s: "/@viewer/following"),
    "web notifications": ("web", lambda s: "/notifications"),
    "web direct messages": ("web", lambda s: "/direct"),
    "api home timeline": ("api", lambda s: "/api/v1/timelines/home"),
    "api public timeline": ("api", lambda s: "/api/v1/timelines/public"),
    "api hashtag timeline": ("api", lambda s: "/api/v1/timelines/tag/farmlaws"),
    "api statuses of the reposter": ("api", lambda s: f"/api/v1/accounts/{s.amrit.id}/statuses"),
    "api statuses of the reporter": (
        "api",
        lambda s: f"/api/v1/accounts/{s.reporter.id}/statuses",
    ),
    "api context of a reply to the withheld account": (
        "api",
        lambda s: f"/api/v1/statuses/{s.reply_to_account_post.id}/context",
    ),
    "api context of a reply to the withheld post": (
        "api",
        lambda s: f"/api/v1/statuses/{s.reply_to_withheld_post.id}/context",
    ),
    "api search statuses": ("api", lambda s: "/api/v2/search?q=reporter+border&type=statuses"),
    "api search accounts": ("api", lambda s: "/api/v2/search?q=kisan&type=accounts"),
    "api search accounts (v1)": ("api", lambda s: "/api/v1/accounts/search?q=kisan"),
    "api followers of the viewer": ("api", lambda s: f"/api/v1/accounts/{s.viewer.id}/followers"),
    "api following of the viewer": ("api", lambda s: f"/api/v1/accounts/{s.viewer.id}/following"),
    "api notifications": ("api", lambda s: "/api/v1/notifications"),
    "api grouped notifications": ("api", lambda s: "/api/v2/notifications"),
    "api conversations": ("api", lambda s: "/api/v1/conversations"),
    "api who favourited a kept post": (
        "api",
        lambda s: f"/api/v1/statuses/{s.kept_post.id}/favourited_by",
    ),
    "api who reposted a kept post": (
        "api",
        lambda s: f"/api/v1/statuses/{s.kept_post.id}/reblogged_by",
    ),
    # What the viewer keeps, and what authors pin
    "web bookmarks": ("web", lambda s: "/bookmarks"),
    "web list timeline": ("web", lambda s: f"/lists/{s.account_list.id}"),
    "api bookmarks": ("api", lambda s: "/api/v1/bookmarks"),
    "api list timeline": ("api", lambda s: f"/api/v1/timelines/list/{s.account_list.id}"),
    "api list members": ("api", lambda s: f"/api/v1/lists/{s.account_list.id}/accounts"),
    "api pinned statuses of the reporter": (
        "api",
        lambda s: f"/api/v1/accounts/{s.reporter.id}/statuses?pinned=true",
    ),
}

DIRECT: dict[str, tuple[str, Path]] = {
    "web withheld account's profile": ("web", lambda s: "/@kisanvoice"),
    "web withheld account's followers": ("web", lambda s: "/@kisanvoice/followers"),
    "web withheld account's post": ("web", lambda s: f"/@kisanvoice/{s.account_post.id}"),
    "web withheld post": ("web", lambda s: f"/@reporter/{s.withheld_post.id}"),
    "web repost of the withheld account's post": (
        "web",
        lambda s: f"/@amrit/{s.account_repost.id}",
    ),
    "web repost of the withheld post": ("web", lambda s: f"/@amrit/{s.post_repost.id}"),
    "web repost made by the withheld account": (
        "web",
        lambda s: f"/@kisanvoice/{s.repost_by_withheld_account.id}",
    ),
    "web direct message from the withheld account": (
        "web",
        lambda s: f"/@kisanvoice/{s.direct_from_withheld_account.id}",
    ),
    "api direct message from the withheld account": (
        "api",
        lambda s: f"/api/v1/statuses/{s.direct_from_withheld_account.id}",
    ),
    "api poll of the withheld status": (
        "api",
        lambda s: f"/api/v1/polls/{s.withheld_poll_post.poll.id}",
    ),
    "api withheld account": ("api", lambda s: f"/api/v1/accounts/{s.kisan.id}"),
    "api lookup of the withheld account": (
        "api",
        lambda s: "/api/v1/accounts/lookup?acct=kisanvoice",
    ),
    "api withheld account's statuses": ("api", lambda s: f"/api/v1/accounts/{s.kisan.id}/statuses"),
    "api withheld account's pinned statuses": (
        "api",
        lambda s: f"/api/v1/accounts/{s.kisan.id}/statuses?pinned=true",
    ),
    "api lists holding the withheld account": (
        "api",
        lambda s: f"/api/v1/accounts/{s.kisan.id}/lists",
    ),
    "api withheld account's followers": (
        "api",
        lambda s: f"/api/v1/accounts/{s.kisan.id}/followers",
    ),
    "api withheld account's status": ("api", lambda s: f"/api/v1/statuses/{s.account_post.id}"),
    "api withheld status": ("api", lambda s: f"/api/v1/statuses/{s.withheld_post.id}"),
    "api context of the withheld status": (
        "api",
        lambda s: f"/api/v1/statuses/{s.withheld_post.id}/context",
    ),
    "api repost of the withheld account's status": (
        "api",
        lambda s: f"/api/v1/statuses/{s.account_repost.id}",
    ),
    "api repost of the withheld status": ("api", lambda s: f"/api/v1/statuses/{s.post_repost.id}"),
    "api repost made by the withheld account": (
        "api",
        lambda s: f"/api/v1/statuses/{s.repost_by_withheld_account.id}",
    ),
    # edits: every version of withheld content is withheld with it
    "api history of the withheld status": (
        "api",
        lambda s: f"/api/v1/statuses/{s.withheld_post.id}/history",
    ),
    "api source of the withheld status": (
        "api",
        lambda s: f"/api/v1/statuses/{s.withheld_post.id}/source",
    ),
    "api history of the withheld account's status": (
        "api",
        lambda s: f"/api/v1/statuses/{s.account_post.id}/history",
    ),
    "api source of the withheld account's status": (
        "api",
        lambda s: f"/api/v1/statuses/{s.account_post.id}/source",
    ),
    "web history of the withheld post": (
        "web",
        lambda s: f"/@reporter/{s.withheld_post.id}/history",
    ),
    "web history of the withheld account's post": (
        "web",
        lambda s: f"/@kisanvoice/{s.account_post.id}/history",
    ),
    "web image of the withheld post": ("web", lambda s: _image_path(s.withheld_post)),
    "web preview of the withheld account's image": (
        "web",
        lambda s: _image_path(s.account_post, small=True),
    ),
    "api image of the withheld post": ("api", lambda s: _image_path(s.withheld_post)),
    "api image of the withheld account's post": ("api", lambda s: _image_path(s.account_post)),
}


def _image_path(post: Post, *, small: bool = False) -> str:
    return media_path(post.media_attachments.get(), small=small)


def _withheld_images(scenario: Scenario) -> list[str]:
    """The images of withheld posts, by their file paths (absent in India like their posts)."""
    return [
        f"/{m.id}/"
        for m in MediaAttachment.objects.filter(
            post__in=[scenario.withheld_post, scenario.account_post]
        )
    ]


def _get(web: Client, api: Client, door: str, path: str, country: str):
    client = web if door == "web" else api
    return client.get(path, HTTP_X_TEST_COUNTRY=country, follow=door == "web")


@pytest.mark.parametrize("endpoint", LISTS)
def test_lists_hide_withheld_content_in_india_only(web, api, scenario, endpoint):
    door, path_of = LISTS[endpoint]
    path = path_of(scenario)
    in_india = _get(web, api, door, path, "IN")
    assert in_india.status_code == 200, in_india.content[:300]
    text = in_india.content.decode()
    for marker in (*WITHHELD_MARKERS, *_withheld_images(scenario)):
        assert marker not in text, f"{marker!r} leaked on {path} in India"
    in_us = _get(web, api, door, path, "US").content.decode()
    assert any(marker in in_us for marker in WITHHELD_MARKERS), f"{path} shows nothing in the US"


@pytest.mark.parametrize("endpoint", DIRECT)
def test_direct_fetch_answers_451_in_india_and_200_elsewhere(web, api, scenario, endpoint):
    door, path_of = DIRECT[endpoint]
    path = path_of(scenario)
    in_india = _get(web, api, door, path, "IN")
    assert in_india.status_code == 451
    assert "withheld in India in response to a legal demand" in in_india.content.decode()
    assert 'rel="blocked-by"' in in_india["Link"]
    assert _get(web, api, door, path, "US").status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/v2/notifications/follow", "/api/v2/notifications/follow/accounts"]
)
def test_a_group_of_notifications_from_a_withheld_account_is_not_found_in_india(
    api, scenario, path
):
    in_india = api.get(path, HTTP_X_TEST_COUNTRY="IN")
    assert in_india.status_code == 404
    assert "kisanvoice" not in in_india.content.decode()
    in_us = api.get(path, HTTP_X_TEST_COUNTRY="US")
    assert in_us.status_code == 200 and "kisanvoice" in in_us.content.decode()


def test_kept_post_of_a_partly_withheld_author_stays_visible_in_india(web, scenario):
    text = web.get("/@reporter", HTTP_X_TEST_COUNTRY="IN").content.decode()
    assert KEPT_TEXT in text
    assert (
        web.get(f"/@reporter/{scenario.kept_post.id}", HTTP_X_TEST_COUNTRY="IN").status_code == 200
    )


def test_replies_to_withheld_content_stay_visible_without_what_they_answer(web, scenario):
    response = web.get(f"/@amrit/{scenario.reply_to_withheld_post.id}", HTTP_X_TEST_COUNTRY="IN")
    text = response.content.decode()
    assert "Amrit answers the dispatch" in text
    assert WITHHELD_POST_TEXT not in text


def test_withheld_posts_do_not_count_towards_trends_in_india(api, scenario):
    def uses(country: str) -> int:
        tags = api.get("/api/v1/trends/tags", HTTP_X_TEST_COUNTRY=country).json()
        farmlaws = [t for t in tags if t["name"].lower() == "farmlaws"]
        return sum(int(day["uses"]) for day in farmlaws[0]["history"]) if farmlaws else 0

    assert uses("US") == 3
    assert uses("IN") == 1


def test_api_objects_carry_the_withheld_extension_outside_india(api, scenario, settings):
    status = api.get(
        f"/api/v1/statuses/{scenario.withheld_post.id}", HTTP_X_TEST_COUNTRY="US"
    ).json()
    site = f"http://{settings.DOMAIN}/transparency/withholdings"
    by_post = Withholding.objects.get(post=scenario.withheld_post)
    assert status["withheld"] == {
        "country_codes": ["IN"],
        "scope": "status",
        "notice_url": f"{site}/{by_post.id}",
    }
    account = api.get(f"/api/v1/accounts/{scenario.kisan.id}", HTTP_X_TEST_COUNTRY="US").json()
    by_account = Withholding.objects.get(account=scenario.kisan)
    assert account["withheld"] == {
        "country_codes": ["IN"],
        "scope": "account",
        "notice_url": f"{site}/{by_account.id}",
    }
    kept = api.get(f"/api/v1/statuses/{scenario.kept_post.id}", HTTP_X_TEST_COUNTRY="US").json()
    assert not kept.get("withheld")


def test_viewers_elsewhere_see_where_content_is_withheld(web, scenario):
    text = web.get("/@kisanvoice", HTTP_X_TEST_COUNTRY="US").content.decode()
    assert "Withheld in India in response to a legal demand." in text


def test_the_author_sees_their_withheld_content_with_a_banner(client, scenario):
    client.force_login(scenario.kisan)
    text = client.get("/@kisanvoice", HTTP_X_TEST_COUNTRY="IN").content.decode()
    assert WITHHELD_ACCOUNT_TEXT in text
    assert "Your account is withheld in some countries." in text


# -- named regressions --------------------------------------------------------


def _client_with_token(account: Account, scopes: str = "read write follow") -> Client:
    app = do_create_app(
        "Writer", redirect_uris="urn:ietf:wg:oauth:2.0:oob", scopes=scopes, acting_user=None
    )
    token = do_issue_token(account, app.app.application, scopes.split(), acting_user=account).raw
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_a_repost_made_by_a_withheld_account_is_withheld_with_it(api, web, scenario):
    repost = scenario.repost_by_withheld_account
    in_india = api.get(f"/api/v1/statuses/{repost.id}", HTTP_X_TEST_COUNTRY="IN")
    assert in_india.status_code == 451
    assert "Kisan Voice" not in in_india.content.decode()
    assert "@kisanvoice has been withheld in India" in in_india.json()["error"]
    page = web.get(f"/@kisanvoice/{repost.id}", HTTP_X_TEST_COUNTRY="IN")
    assert page.status_code == 451 and "Kisan Voice" not in page.content.decode()
    in_us = api.get(f"/api/v1/statuses/{repost.id}", HTTP_X_TEST_COUNTRY="US").json()
    assert in_us["account"]["display_name"] == "Kisan Voice"


def test_a_withheld_owner_in_the_country_sees_their_own_legal_notice_and_reposts_of_their_posts(
    scenario, make_account, run_on_commit
):
    lex = make_account("lexi", role="legal")
    with run_on_commit():
        do_withhold(
            post=scenario.account_post, countries=["IN"], reason="second order", acting_user=lex
        )
    owner = _client_with_token(scenario.kisan, "read")
    kinds = [n["type"] for n in owner.get("/api/v1/notifications", HTTP_X_TEST_COUNTRY="IN").json()]
    assert "moderation_warning" in kinds
    assert "reblog" in kinds  # @amrit reposted the owner's withheld post
    web = Client()
    web.force_login(scenario.kisan)
    page = web.get("/notifications", HTTP_X_TEST_COUNTRY="IN").content.decode()
    assert "has been withheld in India" in page
    assert "amrit" in page


@pytest.mark.parametrize(
    ("undo", "before"), [("unfollow", None), ("unmute", "mute"), ("unblock", "block")]
)
def test_a_viewer_in_the_country_can_undo_a_relationship_with_a_withheld_account(
    scenario, undo, before
):
    client = _client_with_token(scenario.viewer)
    kisan = scenario.kisan.id
    if before:  # made while the viewer was abroad
        assert (
            client.post(f"/api/v1/accounts/{kisan}/{before}", HTTP_X_TEST_COUNTRY="US").status_code
            == 200
        )
    response = client.post(f"/api/v1/accounts/{kisan}/{undo}", HTTP_X_TEST_COUNTRY="IN")
    assert response.status_code == 200, response.content
    relation = response.json()
    assert relation["id"] == str(kisan)
    undone = {"unfollow": "following", "unmute": "muting", "unblock": "blocking"}[undo]
    assert relation[undone] is False
    assert "Kisan" not in response.content.decode()


def test_unfollowing_a_withheld_account_from_the_web_works_in_the_country(web, scenario):
    response = web.post("/@kisanvoice/unfollow", HTTP_X_TEST_COUNTRY="IN")
    assert response.status_code == 302
    assert not scenario.viewer.following_links.filter(followee=scenario.kisan).exists()


def test_content_withheld_everywhere_says_everywhere_not_the_viewers_country(
    api, web, scenario, make_account
):
    lexa = make_account("lexa2", role="legal_admin")
    do_withhold(post=scenario.kept_post, countries=["XX"], reason="court", acting_user=lexa)
    response = api.get(f"/api/v1/statuses/{scenario.kept_post.id}", HTTP_X_TEST_COUNTRY="US")
    assert response.status_code == 451
    assert "withheld everywhere" in response.json()["error"]
    assert "United States" not in response.json()["error"]
    page = web.get(f"/@reporter/{scenario.kept_post.id}", HTTP_X_TEST_COUNTRY="US")
    assert page.status_code == 451
    assert "withheld everywhere" in page.content.decode()
    assert "United States" not in page.content.decode()
    web.force_login(scenario.reporter)
    own = web.get(f"/@reporter/{scenario.kept_post.id}", HTTP_X_TEST_COUNTRY="US")
    assert "Withheld everywhere in response to a legal demand." in own.content.decode()


def test_a_follow_request_from_a_withheld_account_can_be_rejected_in_the_country(
    scenario, make_account
):
    owner = make_account("gatekeeper")
    do_update_profile(owner, acting_user=owner, locked=True)
    do_follow(owner, acting_user=scenario.kisan)
    client = _client_with_token(owner)
    response = client.post(
        f"/api/v1/follow_requests/{scenario.kisan.id}/reject", HTTP_X_TEST_COUNTRY="IN"
    )
    assert response.status_code == 200, response.content
    assert response.json()["requested_by"] is False
    assert not FollowRequest.objects.filter(target=owner).exists()


# -- reports and the moderation queue -----------------------------------------

STAFF_MARKERS = (WITHHELD_ACCOUNT_TEXT, WITHHELD_POST_TEXT, "Kisan Voice")


@pytest.fixture
def reports(scenario: Scenario, make_account) -> tuple[Client, Client, list[int]]:
    """Reports naming the withheld account's post and the withheld and kept posts; the
    moderator's web client and admin API client."""
    from tidings.social.actions import do_file_report

    about_kisan = do_file_report(
        scenario.kisan, posts=[scenario.account_post], acting_user=scenario.amrit
    )
    about_reporter = do_file_report(
        scenario.reporter,
        posts=[scenario.withheld_post, scenario.kept_post],
        acting_user=scenario.amrit,
    )
    moderator = make_account("moda", role="moderator")
    web = Client()
    web.force_login(moderator)
    return (
        web,
        _client_with_token(moderator, "read admin:read"),
        [about_kisan.id, about_reporter.id],
    )


STAFF_PAGES: dict[str, tuple[str, Callable[[Scenario, list[int]], str], bool]] = {
    "web moderation queue": ("web", lambda s, r: "/moderation/reports", False),
    "web report about the withheld account": ("web", lambda s, r: f"/moderation/reports/{r[0]}", True),
    "web report naming the withheld post": ("web", lambda s, r: f"/moderation/reports/{r[1]}", True),
    "api admin reports": ("api", lambda s, r: "/api/v1/admin/reports", True),
    "api admin report about the withheld account": ("api", lambda s, r: f"/api/v1/admin/reports/{r[0]}", True),
    "api admin report naming the withheld post": ("api", lambda s, r: f"/api/v1/admin/reports/{r[1]}", True),
    "api admin accounts": ("api", lambda s, r: "/api/v1/admin/accounts", True),
    "api admin withheld account": ("api", lambda s, r: f"/api/v1/admin/accounts/{s.kisan.id}", True),
}  # fmt: skip


@pytest.mark.parametrize("endpoint", STAFF_PAGES)
def test_moderators_in_india_do_not_read_withheld_content_either(scenario, reports, endpoint):
    door, path_of, shows_content = STAFF_PAGES[endpoint]
    web, api, report_ids = reports
    path = path_of(scenario, report_ids)
    in_india = _get(web, api, door, path, "IN")
    assert in_india.status_code == 200, in_india.content[:300]
    for marker in STAFF_MARKERS:
        assert marker not in in_india.content.decode(), f"{marker!r} leaked on {path} in India"
    in_us = _get(web, api, door, path, "US").content.decode()
    if shows_content:
        assert any(marker in in_us for marker in STAFF_MARKERS), f"{path} shows nothing in the US"


REPORTING: dict[str, tuple[str, Callable[[Scenario], str], dict]] = {
    "web report form for the withheld account": ("web", lambda s: "/@kisanvoice/report", {}),
    "web report form for the withheld post": ("web", lambda s: f"/@reporter/{s.withheld_post.id}/report", {}),
    "web report form for the withheld account's post": ("web", lambda s: f"/@kisanvoice/{s.account_post.id}/report", {}),
    "api report of the withheld account": ("api", lambda s: "/api/v1/reports", {"account": "kisan"}),
    "api report of the withheld post": ("api", lambda s: "/api/v1/reports", {"account": "reporter", "post": "withheld_post"}),
}  # fmt: skip


@pytest.mark.parametrize("endpoint", REPORTING)
def test_reporting_withheld_content_in_india_is_refused_like_reading_it(web, scenario, endpoint):
    from tidings.social.models_moderation import Report

    door, path_of, fields = REPORTING[endpoint]
    path = path_of(scenario)
    writer = _client_with_token(scenario.viewer, "read write")
    for country, status in (("IN", 451), ("US", 200)):
        if door == "web":
            answer = web.get(path, HTTP_X_TEST_COUNTRY=country)
            assert answer.status_code == status
            answer = web.post(path, {"category": "legal"}, HTTP_X_TEST_COUNTRY=country)
            assert answer.status_code == (451 if country == "IN" else 302)
        else:
            data = {"account_id": getattr(scenario, fields["account"]).id, "category": "legal"}
            if "post" in fields:
                data["status_ids[]"] = [getattr(scenario, fields["post"]).id]
            answer = writer.post(path, data, HTTP_X_TEST_COUNTRY=country)
            assert answer.status_code == status, answer.content
        if country == "IN":
            assert 'rel="blocked-by"' in answer["Link"]
            assert WITHHELD_ACCOUNT_TEXT not in answer.content.decode()
            assert not Report.objects.exists()
    assert Report.objects.count() == 1


# -- live streams (the streaming server: tidings/streaming) -----------------------

STREAMS = {
    "stream user (home)": ("user", ""),
    "stream public": ("public", ""),
    "stream hashtag": ("hashtag", "farmlaws"),
    "stream notifications": ("user:notification", ""),
}


@pytest.mark.parametrize("endpoint", STREAMS)
def test_streams_carry_no_withheld_content_in_india_only(scenario, endpoint):
    """Every post and notification of the scenario replayed as stream events to the viewer."""
    from tidings.social.models import Notification
    from tidings.streaming.auth import request_from_scope
    from tidings.streaming.dispatch import Subscriber, messages_for

    def replay(country: str) -> str:
        request = request_from_scope({"path": "/api/v1/streaming", "headers": [], "client": None})
        sub = Subscriber(scenario.viewer.id, frozenset({country}), request, frozenset({"read"}))
        sub.streams.add(STREAMS[endpoint])
        texts = []
        for post in Post.objects.order_by("id"):
            for message in messages_for("status", {"post": post.id}, [sub]).get(sub, []):
                texts.append(message.payload)
        ids = list(
            Notification.objects.filter(recipient=scenario.viewer).values_list("id", flat=True)
        )
        for message in messages_for("notification", {"notifications": ids}, [sub]).get(sub, []):
            texts.append(message.payload)
        return "\n".join(texts)

    in_india = replay("IN")
    for marker in WITHHELD_MARKERS:
        assert marker not in in_india, f"{marker!r} leaked on the {endpoint} stream in India"
    in_us = replay("US")
    assert any(marker in in_us for marker in WITHHELD_MARKERS), (
        f"{endpoint} shows nothing in the US"
    )
