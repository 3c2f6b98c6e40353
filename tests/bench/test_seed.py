"""``tidings bench seed`` at a small size: the shape of the dataset, not its speed."""

from __future__ import annotations

import io
import statistics
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.db.models import Count, F
from django.utils import timezone

from tidings.audit.models import AuditEvent
from tidings.demo.benchdata import BENCH_HASHTAGS
from tidings.social.models import Account, Follow, HomeEntry, Post, PostHashtag
from tidings.social.queries import Cursor, home_timeline
from tidings.visibility import viewer_for_account

SMALL = ("--accounts", "50", "--posts", "500", "--follows", "5", "--no-migrate")


def seed(*extra: str) -> str:
    out = io.StringIO()
    call_command("bench", "seed", *SMALL, *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db) -> str:
    return seed()


def test_seed_creates_the_requested_accounts_and_posts(seeded):
    assert Account.objects.count() == 50
    assert Post.objects.count() == 500
    assert 150 <= Follow.objects.count() <= 400  # about accounts × follows


def test_seed_reports_its_time(seeded):
    assert "500 posts" in seeded and " s " in seeded


def test_a_fifth_of_posts_carry_one_of_ten_hashtags(seeded):
    tagged = PostHashtag.objects.values("post").distinct().count()
    assert tagged == 100
    assert PostHashtag.objects.count() == 100  # one hashtag each
    names = set(PostHashtag.objects.values_list("hashtag__name", flat=True))
    assert names <= {t.lower() for t in BENCH_HASHTAGS}
    assert len(names) > 3


def test_followers_have_a_broad_body_and_a_popular_head(seeded):
    counts = sorted(Account.objects.values_list("followers_count", flat=True))
    median, mean = statistics.median(counts), statistics.mean(counts)
    assert median >= 0.6 * mean, "most accounts have followers near the mean"
    assert counts[-1] >= 3 * median, "a few accounts have many more"


def test_the_seed_reports_the_median_follower_count(seeded):
    counts = sorted(Account.objects.values_list("followers_count", flat=True))
    assert f"Median followers {statistics.median(counts):g}," in seeded


def test_nobody_follows_themselves_or_twice(seeded):
    assert not Follow.objects.filter(follower_id=F("followee_id")).exists()
    pairs = Follow.objects.values("follower", "followee").annotate(n=Count("id"))
    assert all(row["n"] == 1 for row in pairs)


def test_counters_match_the_rows(seeded):
    for account in Account.objects.annotate(
        followers=Count("follower_links", distinct=True),
        followings=Count("following_links", distinct=True),
        authored=Count("posts", distinct=True),
    ):
        assert account.followers_count == account.followers
        assert account.following_count == account.followings
        assert account.posts_count == account.authored
    replies = dict(
        Post.objects.filter(in_reply_to__isnull=False)
        .values_list("in_reply_to")
        .annotate(n=Count("id"))
    )
    assert replies, "about a tenth of the posts are replies"
    for post in Post.objects.all():
        assert post.replies_count == replies.get(post.id, 0)


def test_posts_are_spread_over_fourteen_days(seeded):
    times = list(Post.objects.values_list("created_at", flat=True))
    now = timezone.now()
    assert min(times) >= now - timedelta(days=14, minutes=5)
    assert max(times) - min(times) > timedelta(days=12)


def test_home_timelines_are_filled_by_fan_out(seeded):
    for account in Account.objects.filter(following_count__gt=0):
        followed = list(
            Follow.objects.filter(follower=account).values_list("followee_id", flat=True)
        )
        expected = Post.objects.filter(author_id__in=[*followed, account.id]).count()
        assert HomeEntry.objects.filter(owner=account).count() == min(expected, 400)
    busiest = Account.objects.order_by("-following_count").first()
    page = home_timeline(viewer_for_account(busiest, frozenset()), Cursor())
    assert len(page) == 20


def test_home_limit_keeps_each_timelines_newest_entries(db):
    seed("--home-limit", "10")
    for account in Account.objects.filter(following_count__gt=0):
        followed = list(
            Follow.objects.filter(follower=account).values_list("followee_id", flat=True)
        )
        newest = list(
            Post.objects.filter(author_id__in=[*followed, account.id])
            .order_by("-id")
            .values_list("id", flat=True)[:10]
        )
        kept = HomeEntry.objects.filter(owner=account).order_by("-post_id")
        assert list(kept.values_list("post_id", flat=True)) == newest


def test_seeding_twice_changes_nothing_and_keeps_the_audit_chain(seeded):
    again = seed()
    assert "already seeded" in again
    assert Post.objects.count() == 500
    assert AuditEvent.objects.filter(action="bench.seed").count() == 1
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


def test_seeding_leaves_every_index_and_foreign_key_as_it_was(db):
    """The load drops secondary indexes (and PostgreSQL's foreign keys) and rebuilds them."""
    tables = [m._meta.db_table for m in (Follow, Post, PostHashtag, HomeEntry, Account)]

    def schema() -> dict:
        with connection.cursor() as cursor:
            return {t: connection.introspection.get_constraints(cursor, t) for t in tables}

    before = schema()
    seed()
    assert schema() == before
    assert any(c["foreign_key"] for c in before["social_homeentry"].values())


@pytest.mark.django_db(transaction=True)
def test_a_seeded_row_breaking_a_foreign_key_is_refused(monkeypatch):
    """With the foreign keys dropped during the load, the rebuilt ones still check every row."""
    from tidings.demo import writer

    real = writer._home_rows

    def with_a_stray_owner(*args, **kwargs):
        rows = list(real(*args, **kwargs))
        _, post, author = rows[0]
        yield from rows
        yield (1, post, author)  # no account has id 1: ids are snowflakes

    monkeypatch.setattr(writer, "_home_rows", with_a_stray_owner)
    with pytest.raises(IntegrityError):
        seed()
    assert not Post.objects.exists()
