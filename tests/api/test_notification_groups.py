"""Grouped notifications (Mastodon 4.3): favourites, reposts and follows of one post come as
one group, counted and sampled only from what the viewer may see."""

from __future__ import annotations

import pytest
from django.test import Client

from tidings.legal.actions.withholding import do_withhold
from tidings.social.actions import do_favourite, do_follow, do_repost
from tidings.social.models import Notification

BY_INDIA = {"HTTP_X_TEST_COUNTRY": "IN"}
BY_US = {"HTTP_X_TEST_COUNTRY": "US"}


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def crowd(make_account, make_post, run_on_commit, alice):
    """Twelve accounts favourite @alice's post; three repost it; two follow her; one mentions her."""
    post = make_post(alice, "The tea stall by the protest site")
    fans = [make_account(f"fan{i}") for i in range(12)]
    with run_on_commit():
        for fan in fans:
            do_favourite(post, acting_user=fan)
        for fan in fans[:3]:
            do_repost(post, acting_user=fan)
        for fan in fans[:2]:
            do_follow(alice, acting_user=fan)
    mention = make_post(fans[5], "@alice see you there")
    return post, fans, mention


def test_favourites_reposts_and_follows_come_grouped_with_each_account_and_status_once(
    api_client, alice, crowd
):
    post, fans, mention = crowd
    body = api_client(alice).get("/api/v2/notifications", **BY_US).json()
    groups = {g["group_key"]: g for g in body["notification_groups"]}
    favourites = groups[f"favourite-{post.id}"]
    assert favourites["type"] == "favourite" and favourites["notifications_count"] == 12
    assert favourites["status_id"] == str(post.id)
    assert favourites["sample_account_ids"][0] == str(fans[11].id)  # the most recent first
    assert len(favourites["sample_account_ids"]) == 8
    latest = Notification.objects.filter(kind="favourite").order_by("-id").first()
    assert favourites["most_recent_notification_id"] == str(latest.id)
    assert favourites["page_max_id"] == str(latest.id)
    assert int(favourites["page_min_id"]) < int(favourites["page_max_id"])
    assert favourites["latest_page_notification_at"].startswith(str(latest.created_at.year))
    assert groups[f"reblog-{post.id}"]["notifications_count"] == 3
    assert groups["follow"]["notifications_count"] == 2
    assert groups["follow"]["status_id"] is None
    mentions = [g for g in body["notification_groups"] if g["type"] == "mention"]
    assert [g["group_key"] for g in mentions] == [
        f"ungrouped-{mentions[0]['most_recent_notification_id']}"
    ]
    assert mentions[0]["status_id"] == str(mention.id)
    account_ids = [a["id"] for a in body["accounts"]]
    assert len(account_ids) == len(set(account_ids))
    assert {i for g in body["notification_groups"] for i in g["sample_account_ids"]} == set(
        account_ids
    )
    assert sorted(s["id"] for s in body["statuses"]) == sorted([str(post.id), str(mention.id)])
    # Newest group first.
    maxima = [int(g["page_max_id"]) for g in body["notification_groups"]]
    assert maxima == sorted(maxima, reverse=True)


def test_a_withheld_actor_is_neither_shown_nor_counted_where_it_is_withheld(
    api_client, alice, crowd, legal
):
    post, fans, _mention = crowd
    do_withhold(account=fans[11], countries=["IN"], reason="order", acting_user=legal)
    client = api_client(alice)
    in_india = client.get("/api/v2/notifications", **BY_INDIA).json()
    group = next(g for g in in_india["notification_groups"] if g["type"] == "favourite")
    assert group["notifications_count"] == 11
    assert str(fans[11].id) not in group["sample_account_ids"]
    assert str(fans[11].id) not in [a["id"] for a in in_india["accounts"]]
    assert "fan11" not in str(in_india)
    accounts = client.get(f"/api/v2/notifications/favourite-{post.id}/accounts", **BY_INDIA)
    assert "fan11" not in accounts.content.decode() and len(accounts.json()) == 11
    one = client.get(f"/api/v2/notifications/favourite-{post.id}", **BY_INDIA).json()
    assert one["notification_groups"][0]["notifications_count"] == 11
    elsewhere = client.get("/api/v2/notifications", **BY_US).json()
    group = next(g for g in elsewhere["notification_groups"] if g["type"] == "favourite")
    assert group["notifications_count"] == 12 and "fan11" in str(elsewhere)


def test_one_group_its_accounts_and_dismissing_it(api_client, alice, crowd):
    post, fans, _mention = crowd
    client = api_client(alice)
    one = client.get(f"/api/v2/notifications/reblog-{post.id}").json()
    assert [g["group_key"] for g in one["notification_groups"]] == [f"reblog-{post.id}"]
    assert [s["id"] for s in one["statuses"]] == [str(post.id)]
    accounts = client.get(f"/api/v2/notifications/favourite-{post.id}/accounts?limit=5")
    assert [a["acct"] for a in accounts.json()] == [f"fan{i}" for i in range(11, 6, -1)]
    assert 'rel="next"' in accounts["Link"]
    assert client.post(f"/api/v2/notifications/favourite-{post.id}/dismiss").status_code == 200
    assert not Notification.objects.filter(recipient=alice, kind="favourite").exists()
    assert Notification.objects.filter(recipient=alice, kind="repost").count() == 3
    assert client.get(f"/api/v2/notifications/favourite-{post.id}").status_code == 404


def test_unread_count_counts_groups_and_stops_at_its_limit(api_client, alice, crowd):
    client = api_client(alice)
    assert client.get("/api/v2/notifications/unread_count").json() == {"count": 4}
    assert client.get("/api/v2/notifications/unread_count?limit=2").json() == {"count": 2}
    assert client.get("/api/v2/notifications/unread_count?types[]=follow").json() == {"count": 1}
    client.post(
        "/api/v1/markers",
        {"notifications[last_read_id]": str(Notification.objects.order_by("-id").first().id)},
    )
    assert client.get("/api/v2/notifications/unread_count").json() == {"count": 0}


def test_pages_hold_limit_groups_and_the_next_page_starts_below(api_client, alice, crowd):
    client = api_client(alice)
    first = client.get("/api/v2/notifications?limit=2")
    keys = [g["group_key"] for g in first.json()["notification_groups"]]
    assert len(keys) == 2
    next_url = first["Link"].split(";")[0].strip("<>")
    second = client.get(next_url.replace("http://testserver", "")).json()
    more = [g["group_key"] for g in second["notification_groups"]]
    assert more and not set(more) & set(keys)


def test_grouped_types_and_types_choose_what_is_grouped_and_listed(api_client, alice, crowd):
    client = api_client(alice)
    follows = client.get("/api/v2/notifications?types[]=follow").json()["notification_groups"]
    assert [g["type"] for g in follows] == ["follow"]
    ungrouped = client.get("/api/v2/notifications?grouped_types[]=follow&types[]=reblog").json()
    assert [g["notifications_count"] for g in ungrouped["notification_groups"]] == [1, 1, 1]


@pytest.mark.parametrize(
    "key",
    [
        "nonsense",
        "favourite-",
        "favourite-0",
        "favourite-99999999999999999999",
        "follow-1",
        "x" * 100_000,
    ],
)
def test_a_key_that_names_no_group_is_404(api_client, alice, crowd, key):
    client = api_client(alice)
    assert client.get(f"/api/v2/notifications/{key}").status_code == 404
    assert client.get(f"/api/v2/notifications/{key}/accounts").status_code == 404
    assert client.post(f"/api/v2/notifications/{key}/dismiss").status_code == 200
    assert Notification.objects.filter(recipient=alice).count() == 18


def test_a_nul_byte_in_a_key_or_a_parameter_is_refused(api_client, alice, crowd):
    client = api_client(alice)
    assert client.get("/api/v2/notifications/follow%00").status_code == 400
    assert client.get("/api/v2/notifications?account_id=1%00").status_code == 400
    assert client.get("/api/v2/notifications?account_id=" + "9" * 1_000_000).status_code in (
        400,
        422,
    )
    assert client.get("/api/v2/notifications?limit=" + "9" * 1_000_000).status_code == 200


def test_someone_elses_group_is_not_found_and_reading_needs_a_token(api_client, bob, crowd):
    post, _fans, _mention = crowd
    assert api_client(bob).get(f"/api/v2/notifications/favourite-{post.id}").status_code == 404
    assert Client().get("/api/v2/notifications").status_code == 401


def test_the_web_page_says_who_and_how_many_others(client, alice, crowd):
    client.force_login(alice)
    page = client.get("/notifications", **BY_US).content.decode()
    assert "(@fan11)</a> and 11 others" in page and "favourited your post" in page
    assert "(@fan2)</a> and 2 others" in page and "reposted your post" in page
    assert "(@fan1)</a> and 1 other\n" in page
    assert "mentioned you" in page
