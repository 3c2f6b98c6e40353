"""Keyword filters (context "notifications") on grouped notifications: the same rule as
``/api/v1/notifications``, applied before grouping, so a hidden notification is neither
shown, nor counted, nor sampled, nor given a place on a page."""

from __future__ import annotations

import random

import pytest

from tidings.social.actions import do_favourite, do_follow, do_repost
from tidings.social.actions.filters import do_create_filter
from tidings.social.models import Notification


@pytest.fixture
def world(make_account, make_post, run_on_commit, alice):
    """@alice's three posts (a scam, a spoiler, a plain one), their favourites and reposts, two
    follows and two mentions; the accounts are named after what they did."""
    scam = make_post(alice, "Free crypto for everyone")
    spoiler = make_post(alice, "The finale tonight was something")
    plain = make_post(alice, "Tea stall by the protest site")
    scam_fans = [make_account(f"scamfan{i}") for i in range(3)]
    spoiler_fans = [make_account(f"spoilerfan{i}") for i in range(2)]
    tea_fans = [make_account(f"teafan{i}") for i in range(4)]
    with run_on_commit():
        for fan in scam_fans:
            do_favourite(scam, acting_user=fan)
            do_repost(scam, acting_user=fan)
        for fan in spoiler_fans:
            do_favourite(spoiler, acting_user=fan)
        for fan in tea_fans:
            do_favourite(plain, acting_user=fan)
        do_follow(alice, acting_user=tea_fans[0])
    crypto_mention = make_post(tea_fans[1], "@alice crypto deal for you")
    lunch_mention = make_post(tea_fans[2], "@alice lunch?")
    return {
        "scam": scam,
        "spoiler": spoiler,
        "plain": plain,
        "scam_fans": scam_fans,
        "crypto_mention": crypto_mention,
        "lunch_mention": lunch_mention,
    }


def _filters(alice) -> None:
    do_create_filter(
        "Scams",
        context=["notifications"],
        action="hide",
        keywords=[("crypto", True)],
        acting_user=alice,
    )
    do_create_filter(
        "Spoilers",
        context=["notifications"],
        action="warn",
        keywords=[("finale", True)],
        acting_user=alice,
    )


def _groups(body) -> dict[str, dict]:
    return {g["group_key"]: g for g in body["notification_groups"]}


def test_a_group_whose_every_member_is_hidden_disappears_with_its_status_and_its_accounts(
    api_client, alice, world
):
    client = api_client(alice)
    before = client.get("/api/v2/notifications").json()
    scam = world["scam"]
    assert {f"favourite-{scam.id}", f"reblog-{scam.id}"} <= set(_groups(before))
    _filters(alice)
    body = client.get("/api/v2/notifications").json()
    groups = _groups(body)
    assert f"favourite-{scam.id}" not in groups and f"reblog-{scam.id}" not in groups
    assert str(scam.id) not in [s["id"] for s in body["statuses"]]
    # The mention that says "crypto" went too; the lunch one stayed.
    mentions = {g["status_id"] for g in body["notification_groups"] if g["type"] == "mention"}
    assert mentions == {str(world["lunch_mention"].id)}
    # Accounts that only acted on the hidden post are not sampled anywhere.
    accounts = {a["acct"] for a in body["accounts"]}
    assert not any(acct.startswith("scamfan") for acct in accounts)
    # The other groups keep their full counts.
    assert groups[f"favourite-{world['plain'].id}"]["notifications_count"] == 4
    assert groups[f"favourite-{world['spoiler'].id}"]["notifications_count"] == 2
    assert groups["follow"]["notifications_count"] == 1
    # Asked for by its key, the hidden group is not there either (its accounts neither).
    assert client.get(f"/api/v2/notifications/favourite-{scam.id}").status_code == 404
    assert client.get(f"/api/v2/notifications/reblog-{scam.id}/accounts").status_code == 404


def test_the_count_of_groups_and_of_unread_groups_drops_by_the_hidden_ones(
    api_client, alice, world
):
    client = api_client(alice)
    shown = len(client.get("/api/v2/notifications").json()["notification_groups"])
    unread = client.get("/api/v2/notifications/unread_count").json()["count"]
    assert shown == unread == 7  # favourites x3, reposts, follow, two mentions
    _filters(alice)
    # Gone: the scam's favourites and reposts, and the crypto mention.
    assert len(client.get("/api/v2/notifications").json()["notification_groups"]) == 4
    assert client.get("/api/v2/notifications/unread_count").json() == {"count": 4}
    assert client.get("/api/v2/notifications/unread_count?limit=3").json() == {"count": 3}
    # Nothing was deleted: the filter is the viewer's view, not a dismissal.
    assert Notification.objects.filter(recipient=alice, post=world["scam"]).count() == 6


def test_a_warn_filter_keeps_the_group_and_says_why_on_its_status(api_client, alice, world):
    _filters(alice)
    client = api_client(alice)
    spoiler = world["spoiler"]
    for body in (
        client.get("/api/v2/notifications").json(),
        client.get(f"/api/v2/notifications/favourite-{spoiler.id}").json(),
    ):
        assert _groups(body)[f"favourite-{spoiler.id}"]["notifications_count"] == 2
        statuses = {s["id"]: s for s in body["statuses"]}
        filtered = statuses[str(spoiler.id)]["filtered"]
        assert [f["filter"]["title"] for f in filtered] == ["Spoilers"]
        assert filtered[0]["keyword_matches"] == ["finale"]
        assert filtered[0]["filter"]["filter_action"] == "warn"
        assert all(s["filtered"] == [] for i, s in statuses.items() if i != str(spoiler.id))


def test_hidden_notifications_take_no_place_on_a_page_and_paging_goes_past_them(
    api_client, alice, world, make_account, run_on_commit
):
    # The newest notifications of all are about the hidden post.
    with run_on_commit():
        for i in range(5):
            do_favourite(world["scam"], acting_user=make_account(f"latecomer{i}"))
    _filters(alice)
    client = api_client(alice)
    first = client.get("/api/v2/notifications?limit=2")
    # Two visible groups, though the five newest notifications are hidden.
    assert [g["type"] for g in first.json()["notification_groups"]] == ["mention", "follow"]
    seen: list[str] = []
    url = "/api/v2/notifications?limit=2"
    while url:
        answer = client.get(url)
        keys = [g["group_key"] for g in answer.json()["notification_groups"]]
        if not keys:
            break
        seen += keys
        nxt = [p for p in answer.get("Link", "").split(",") if 'rel="next"' in p]
        url = nxt[0].split(";")[0].strip(" <>").replace("http://testserver", "") if nxt else ""
    lunch = Notification.objects.get(recipient=alice, post=world["lunch_mention"])
    assert seen == [
        f"ungrouped-{lunch.id}",
        "follow",
        f"favourite-{world['plain'].id}",
        f"favourite-{world['spoiler'].id}",
    ]


# -- v1 and v2 agree ------------------------------------------------------------------

WORDS = ["crypto", "finale", "tea", "march", "rain", "Crypto!", "teapot"]


def _random_world(seed: int, alice, make_account, make_post, run_on_commit) -> None:
    """A few accounts act at random on @alice's posts (favourites, reposts, mentions, follows),
    and @alice holds random hide and warn filters on random words."""
    rng = random.Random(seed)
    others = [make_account(f"w{seed}x{i}") for i in range(5)]
    posts = [make_post(alice, " ".join(rng.sample(WORDS, rng.randint(1, 3)))) for _ in range(4)]
    with run_on_commit():
        for account in others:
            for post in rng.sample(posts, rng.randint(0, len(posts))):
                do_favourite(post, acting_user=account)
            for post in rng.sample(posts, rng.randint(0, 2)):
                do_repost(post, acting_user=account)
            if rng.random() < 0.5:
                do_follow(alice, acting_user=account)
    for account in rng.sample(others, 3):
        make_post(account, "@alice " + " ".join(rng.sample(WORDS, 2)))
    for n in range(rng.randint(1, 3)):
        do_create_filter(
            f"Filter {n}",
            context=rng.choice([["notifications"], ["notifications", "home"], ["home"]]),
            action=rng.choice(["hide", "warn"]),
            keywords=[(w, rng.random() < 0.5) for w in rng.sample(WORDS, rng.randint(1, 2))],
            acting_user=alice,
        )


def _v1_key(n: dict) -> str:
    if n["type"] == "follow":
        return "follow"
    if n["type"] in ("favourite", "reblog"):
        return f"{n['type']}-{n['status']['id']}"
    return f"ungrouped-{n['id']}"


@pytest.mark.parametrize("seed", range(4))
def test_v1_and_v2_show_the_same_notifications_under_the_same_filters(
    seed, api_client, alice, make_account, make_post, run_on_commit
):
    _random_world(seed, alice, make_account, make_post, run_on_commit)
    client = api_client(alice)
    v1 = client.get("/api/v1/notifications?limit=80").json()
    assert len(v1) < 80  # one page holds them all
    # Every notification its own group: the very same notifications.
    single = client.get("/api/v2/notifications?grouped_types[]=none&limit=80").json()
    assert sorted(g["most_recent_notification_id"] for g in single["notification_groups"]) == (
        sorted(n["id"] for n in v1)
    )
    # Grouped: the same groups, each counting exactly the v1 notifications in it.
    grouped = client.get("/api/v2/notifications?limit=80").json()
    counts: dict[str, int] = {}
    for n in v1:
        counts[_v1_key(n)] = counts.get(_v1_key(n), 0) + 1
    assert {g["group_key"]: g["notifications_count"] for g in grouped["notification_groups"]} == (
        counts
    )
    # The same warnings on the same statuses.
    v1_warned = {n["status"]["id"]: n["status"]["filtered"] for n in v1 if n.get("status")}
    for body in (single, grouped):
        assert {s["id"]: s["filtered"] for s in body["statuses"]} == v1_warned
    # And the unread count counts those groups.
    unread = client.get("/api/v2/notifications/unread_count").json()["count"]
    assert unread == len(counts)
