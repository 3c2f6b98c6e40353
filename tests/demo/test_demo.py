"""``tidings demo``: a small square seeded through the real command."""

from __future__ import annotations

import io
import random
import re
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from tidings.audit.models import AuditEvent
from tidings.demo.dataset import Dataset
from tidings.demo.logins import DEMO_LOGINS
from tidings.demo.square import build_public_square
from tidings.demo.steps import DEMO_STEPS, DemoContext, DemoStep, run_demo_steps, step_summary
from tidings.social.models import (
    Account,
    AccountKind,
    Favourite,
    Follow,
    Hashtag,
    HomeEntry,
    Mention,
    Notification,
    Post,
    PostHashtag,
    Role,
    Visibility,
)
from tidings.social.queries import Cursor, home_timeline
from tidings.visibility import viewer_for_account

SMALL = ("--accounts", "40", "--posts", "400", "--no-migrate")
LOGIN_ROW = re.compile(r"^\s+@(\w+)\s+(\w+)\s+(\S+)\s*$", re.MULTILINE)


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *(args or SMALL), stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_output(db) -> str:
    return run_demo()


def table_counts() -> dict[str, int]:
    models = (Account, Follow, Post, Favourite, Hashtag, PostHashtag, Mention, HomeEntry)
    counts = {m.__name__: m.objects.count() for m in (*models, Notification, AuditEvent)}
    return counts


def test_demo_creates_one_login_per_role(demo_output):
    for login in DEMO_LOGINS:
        assert Account.objects.get(username=login.username).role == login.role
    assert {login.role for login in DEMO_LOGINS} == set(Role.values)


def test_demo_prints_each_login_with_a_password_that_signs_in(demo_output):
    printed = {
        handle: (role, password) for handle, role, password in LOGIN_ROW.findall(demo_output)
    }
    assert set(printed) == {login.username for login in DEMO_LOGINS}
    for handle, (role, password) in printed.items():
        account = authenticate(username=handle, password=password)
        assert account is not None and account.role == role


def test_demo_logins_are_created_by_audited_actions(demo_output):
    created = AuditEvent.objects.filter(action="account.create").values_list("data", flat=True)
    assert {d["username"] for d in created} == {login.username for login in DEMO_LOGINS}


def test_demo_seeds_the_protest_hashtags(demo_output):
    for name in ("farmersprotest", "farmlaws"):
        tag = Hashtag.objects.get(name=name)
        assert PostHashtag.objects.filter(hashtag=tag, listed=True).exists()
    assert Hashtag.objects.get(name="farmersprotest").display_name == "FarmersProtest"


def test_hashtag_links_are_listed_only_for_public_posts(demo_output):
    links = PostHashtag.objects.select_related("post")
    assert links.exists()
    assert all(link.listed == (link.post.visibility == Visibility.PUBLIC) for link in links)


def test_demo_accounts_are_of_every_kind_and_mostly_in_india(demo_output):
    kinds = set(Account.objects.values_list("kind", flat=True))
    assert kinds == set(AccountKind.values)
    countries = list(Account.objects.values_list("country", flat=True))
    assert countries.count("IN") > len(countries) / 2
    assert {"US", "GB", "CA", "DE"} & set(countries)
    assert Account.objects.filter(verified=True).exists()


def test_running_the_demo_twice_changes_nothing(demo_output):
    before = table_counts()
    again = run_demo()
    assert "already seeded" in again
    assert table_counts() == before


def test_audit_chain_stays_intact_with_one_summary_event(demo_output):
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()
    summary = AuditEvent.objects.get(action="demo.seed", subject_id="public_square")
    assert (
        summary.data["posts"] + summary.data["replies"] + summary.data["reposts"]
        == Post.objects.count()
    )


def test_account_counters_match_the_rows(demo_output):
    for account in Account.objects.annotate(
        followers=Count("follower_links", distinct=True),
        followings=Count("following_links", distinct=True),
        authored=Count("posts", distinct=True),
    ):
        assert account.followers_count == account.followers, account
        assert account.following_count == account.followings, account
        assert account.posts_count == account.authored, account


def test_post_counters_match_the_rows(demo_output):
    replies = dict(
        Post.objects.filter(in_reply_to__isnull=False)
        .values_list("in_reply_to")
        .annotate(n=Count("id"))
    )
    reposts = dict(
        Post.objects.filter(repost_of__isnull=False)
        .values_list("repost_of")
        .annotate(n=Count("id"))
    )
    favourites = dict(Favourite.objects.values_list("post").annotate(n=Count("id")))
    for post in Post.objects.all():
        assert post.replies_count == replies.get(post.id, 0)
        assert post.reposts_count == reposts.get(post.id, 0)
        assert post.favourites_count == favourites.get(post.id, 0)


def test_posts_span_two_weeks_and_ids_sort_by_time(demo_output):
    now = timezone.now()
    posts = list(Post.objects.order_by("id").values_list("created_at", flat=True))
    assert posts == sorted(posts)
    assert min(posts) > now - timedelta(days=15)
    assert max(posts) < now
    assert max(posts) - min(posts) > timedelta(days=10)


def test_square_has_replies_reposts_favourites_and_mentions(demo_output):
    assert Post.objects.filter(in_reply_to__isnull=False).count() > 20
    assert Post.objects.filter(repost_of__isnull=False).count() > 10
    assert Favourite.objects.count() > 50
    assert Mention.objects.exists()


def test_square_has_a_link_post_and_a_reply_thread_of_depth_three(demo_output):
    assert Post.objects.filter(text__contains="https://example.org/").exists()
    deepest = 0
    for post in Post.objects.filter(in_reply_to__isnull=False):
        depth, parent = 0, post
        while parent.in_reply_to_id is not None:
            depth, parent = depth + 1, parent.in_reply_to
        deepest = max(deepest, depth)
    assert deepest >= 3


def test_home_timelines_hold_followed_posts_and_own(demo_output):
    user = Account.objects.get(username="demo_user")
    page = home_timeline(viewer_for_account(user, frozenset()), Cursor())
    assert len(page) == 20
    followed = set(Follow.objects.filter(follower=user).values_list("followee_id", flat=True))
    assert {p.author_id for p in page} <= followed | {user.id}
    for post in Post.objects.filter(author_id__in=followed).order_by("?")[:20]:
        assert HomeEntry.objects.filter(owner=user, post=post, author_id=post.author_id).exists()


def test_demo_user_has_a_handful_of_notifications(demo_output):
    user = Account.objects.get(username="demo_user")
    kinds = set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))
    assert {"follow", "reply", "favourite", "mention"} <= kinds
    assert Notification.objects.filter(recipient=user).count() < 30


def build(seed: int) -> list[tuple[str, ...]]:
    logins = {
        role: Account(id=1000 + i, username=f"login{i}")
        for i, role in enumerate(("admin", "user", "moderator", "legal", "legal_admin"))
    }
    data = Dataset()
    now = timezone.now()
    build_public_square(
        random.Random(seed), data, accounts=30, posts=200, now=now, logins=logins, taken=set()
    )
    return [(a.username, a.display_name, a.kind) for a in data.accounts] + [
        (p.text, str(p.created_at - now)) for p in sorted(data.posts, key=lambda p: p.created_at)
    ]


@pytest.mark.django_db  # ids are minted under a worker lease PostgreSQL renews in the database
def test_the_same_seed_builds_the_same_square():
    assert build(5) == build(5)
    assert build(5) != build(6)


def test_a_step_added_later_runs_once_on_an_already_seeded_database(demo_output):
    calls: list[int] = []

    def later_step(context: DemoContext) -> dict[str, object]:
        calls.append(step_summary("public_square")["landmarks"]["thread_root"])
        return {"extra": True}

    steps = [*DEMO_STEPS, DemoStep("later_scenario", later_step)]
    assert run_demo_steps(DemoContext(accounts=40, posts=400), steps) == ["later_scenario"]
    assert run_demo_steps(DemoContext(accounts=40, posts=400), steps) == []
    assert len(calls) == 1 and Post.objects.filter(id=calls[0]).exists()
    assert AuditEvent.objects.filter(action="demo.seed").count() == len(DEMO_STEPS) + 1


def test_demo_replays_the_february_orders_on_the_legal_desk(demo_output):
    from tidings.legal.models import Demand, DemandItem, Withholding

    emergency = Demand.objects.get(kind="emergency_order")
    review = Demand.objects.get(kind="order")
    assert emergency.authority.name == "Ministry of Electronics and Information Technology"
    assert emergency.received_at < review.received_at
    statuses = set(
        DemandItem.objects.filter(demand=emergency).values_list("match_status", flat=True)
    )
    assert statuses == {"matched", "unknown", "invalid", "duplicate"}
    withholdings = Withholding.objects.filter(demand_item__demand=emergency)
    assert withholdings.exists()
    for withholding in withholdings:
        assert withholding.countries == ["IN"]
        assert withholding.lifted_at - withholding.starts_at == timedelta(hours=6)
        assert withholding.lift_reason == "restored by us"
    assert emergency.status == "closed"
    assert review.status == "noncompliance_notice"
    kinds = set(
        DemandItem.objects.filter(demand=review, account__isnull=False).values_list(
            "account__kind", flat=True
        )
    )
    assert {"news", "journalist", "politician"} <= kinds
    assert set(DemandItem.objects.filter(demand=review).values_list("review_state", flat=True)) == {
        "pending",
        "declined",
        "withheld",
    }


def test_the_full_size_demo_orders_have_257_and_1178_lines(db):
    from tidings.legal.models import DemandItem

    run_demo("--accounts", "300", "--posts", "300", "--no-migrate")
    lines = DemandItem.objects.values_list("demand__kind", flat=True)
    assert sorted(lines.distinct()) == ["emergency_order", "order"]
    assert lines.filter(demand__kind="emergency_order").count() == 257
    review = DemandItem.objects.filter(demand__kind="order")
    assert review.count() == 1178
    assert review.filter(match_status="matched").count() == 1175
