"""The benchmark dataset (DESIGN.md, "Scale"): many accounts, a skewed follow graph, plain posts.

Follower counts have a power-law tail over a broad body (the median account has
about 0.8× the mean, as in the Takahē comparison: ~80 of 100), authorship follows
a power law (independently of followers); an exact share of the posts carries
one of a few hashtags; posts are spread over the last ``days`` days and about a
tenth are replies.
"""

from __future__ import annotations

import random
import statistics
from datetime import datetime, timedelta

from tidings.demo.dataset import Dataset, NewPost
from tidings.demo.distributions import follow_graph, out_degrees, post_times, zipf_weights
from tidings.demo.names import FIRST_NAMES_IN, FIRST_NAMES_WEST, LAST_NAMES_IN, LAST_NAMES_WEST
from tidings.social.models import Account, AccountKind

BENCH_HASHTAGS = (
    "FarmersProtest",
    "FarmLaws",
    "Budget2021",
    "Cricket",
    "Monsoon",
    "Vaccine",
    "ChaiTime",
    "WFH",
    "Bollywood",
    "DelhiFog",
)
WORDS = [
    "the",
    "a",
    "of",
    "to",
    "in",
    "and",
    "for",
    "on",
    "with",
    "at",
    "from",
    "about",
    "after",
    "before",
    "today",
    "tonight",
    "again",
    "still",
    "farmers",
    "talks",
    "market",
    "price",
    "crop",
    "wheat",
    "rice",
    "field",
    "tractor",
    "village",
    "city",
    "road",
    "rain",
    "fog",
    "cold",
    "morning",
    "evening",
    "match",
    "team",
    "wicket",
    "budget",
    "tax",
    "school",
    "hospital",
    "train",
    "bus",
    "power",
    "water",
    "tea",
    "friends",
    "family",
    "news",
    "report",
    "update",
    "thread",
    "photo",
    "video",
    "people",
    "government",
    "union",
    "court",
    "law",
    "policy",
    "week",
    "day",
    "year",
    "new",
    "old",
    "good",
    "bad",
    "long",
    "short",
    "big",
    "small",
]
REPLY_SHARE = 0.1
#: Share of follows that pick by popularity (a Zipf law over a random ranking); the
#: rest pick uniformly. With 10,000 accounts following 100 each on average this gives
#: a median of about 80 followers and a head of a few accounts with thousands.
POPULAR_FOLLOW_SHARE = 0.35
POPULAR_KINDS = (AccountKind.NEWS, AccountKind.CELEBRITY, AccountKind.POLITICIAN)


def _handle(rng: random.Random, index: int, taken: set[str]) -> tuple[str, str]:
    first = rng.choice(FIRST_NAMES_IN + FIRST_NAMES_WEST)
    last = rng.choice(LAST_NAMES_IN + LAST_NAMES_WEST)
    handle = f"{first}{last}{index}".lower()[:30]
    while handle in taken:
        handle = f"{first[:10]}{index}_{rng.randint(0, 99999)}".lower()
    taken.add(handle)
    return handle, f"{first} {last}"


def build_bench_dataset(
    rng: random.Random,
    data: Dataset,
    *,
    accounts: int,
    posts: int,
    follows: float,
    now: datetime,
    taken: set[str],
    days: float = 14,
    hashtag_share: float = 0.2,
) -> None:
    """Fill ``data``: ``accounts`` accounts following about ``follows`` others each, ``posts`` posts.

    Exactly ``round(posts * hashtag_share)`` posts carry one of :data:`BENCH_HASHTAGS`.
    """
    taken = {h.lower() for h in taken}
    popularity_rank = list(range(accounts))
    rng.shuffle(popularity_rank)
    members = []
    for index in range(accounts):
        handle, name = _handle(rng, index, taken)
        famous = popularity_rank[index] < max(1, accounts // 200)
        members.append(
            data.add_account(
                handle,
                display_name=name,
                created_at=now - timedelta(days=days + 1 + rng.uniform(0, 1000), seconds=index),
                kind=rng.choice(POPULAR_KINDS) if famous else AccountKind.PERSON,
                country="IN" if rng.random() < 0.8 else rng.choice(("US", "GB", "CA", "DE")),
                verified=famous,
            )
        )
    if accounts < 2:
        follows = 0
    weights = zipf_weights(accounts, exponent=1.0)
    total = sum(weights)
    popularity = [
        (1 - POPULAR_FOLLOW_SHARE) / accounts
        + POPULAR_FOLLOW_SHARE * weights[popularity_rank[i]] / total
        for i in range(accounts)
    ]
    degrees = out_degrees(rng, accounts, follows, cap=max(1, accounts - 1))
    for follower, followees in enumerate(follow_graph(rng, degrees, popularity)):
        for followee in followees:
            at = now - timedelta(days=days + rng.uniform(0, 300))
            data.follow(members[follower].id, members[followee].id, at)

    author_rank = list(range(accounts))
    rng.shuffle(author_rank)
    author_weights = zipf_weights(accounts, exponent=0.8, offset=3.0)
    authorship = [author_weights[author_rank[i]] for i in range(accounts)]
    tagged = set(rng.sample(range(posts), round(posts * hashtag_share)))
    tag_weights = zipf_weights(len(BENCH_HASHTAGS), exponent=0.7)
    authors = rng.choices(members, weights=authorship, k=posts)
    handle_of = {m.id: m.username for m in members}
    recent: list[NewPost] = []
    for index, at in enumerate(post_times(rng, posts, end=now - timedelta(minutes=1), days=days)):
        author = authors[index]
        words = " ".join(rng.choices(WORDS, k=rng.randint(4, 18))).capitalize() + "."
        parent = rng.choice(recent) if recent and rng.random() < REPLY_SHARE else None
        if parent is not None and (parent.author_id == author.id or parent.created_at >= at):
            parent = None
        if parent is not None:
            words = f"@{handle_of[parent.author_id]} {words}"
        if index in tagged:
            words += " #" + rng.choices(BENCH_HASHTAGS, weights=tag_weights)[0]
        post = data.post(author.id, words, at, reply_to=parent)
        recent.append(post)
        if len(recent) > 500:
            del recent[:250]


def dataset_shape() -> dict[str, float]:
    """Follower and following counts over every account: median and maximum (0 when empty)."""
    rows = list(Account.objects.values_list("followers_count", "following_count"))
    if not rows:
        return dict.fromkeys(
            ("median_followers", "median_following", "max_followers", "max_following"), 0
        )
    followers, following = zip(*rows, strict=True)
    return {
        "median_followers": statistics.median(followers),
        "median_following": statistics.median(following),
        "max_followers": max(followers),
        "max_following": max(following),
    }
