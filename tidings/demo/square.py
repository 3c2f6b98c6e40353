"""The demo's public square: a cast of fictional accounts, their follow graph and two weeks of posts.

Deterministic for a given ``random.Random`` and ``now``: same seed, same square.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from tidings.demo.content import link_text, original_text, reply_text
from tidings.demo.dataset import Dataset, NewAccount, NewPost
from tidings.demo.distributions import follow_graph, out_degrees, post_times
from tidings.demo.names import (
    CELEBRITY_ROLES,
    CONSTITUENCIES,
    FIRST_NAMES_IN,
    FIRST_NAMES_WEST,
    LAST_NAMES_IN,
    LAST_NAMES_WEST,
    NEWS_OUTLETS,
    ORGANISATIONS,
    PARTIES,
    UNIONS,
)
from tidings.social.models import Account, AccountKind, NotificationKind, Visibility

DAYS = 14

#: kind -> (share of the cast, fame, activity, chance of being verified)
CAST: dict[str, tuple[float, float, float, float]] = {
    AccountKind.NEWS: (0.05, 40.0, 25.0, 0.9),
    AccountKind.JOURNALIST: (0.08, 12.0, 8.0, 0.5),
    AccountKind.POLITICIAN: (0.06, 20.0, 5.0, 0.8),
    AccountKind.UNION: (0.04, 10.0, 8.0, 0.2),
    AccountKind.ACTIVIST: (0.08, 6.0, 8.0, 0.1),
    AccountKind.CELEBRITY: (0.05, 50.0, 3.0, 0.9),
    AccountKind.ORGANISATION: (0.02, 4.0, 3.0, 0.3),
    AccountKind.PERSON: (0.62, 1.0, 1.0, 0.0),
}
COUNTRIES = (("IN", 0.82), ("US", 0.05), ("GB", 0.05), ("CA", 0.05), ("DE", 0.03))


@dataclass
class Member:
    """One account of the cast, with how known and how talkative it is."""

    account: NewAccount
    fame: float
    activity: float

    @property
    def id(self) -> int:
        return self.account.id

    @property
    def handle(self) -> str:
        return self.account.username

    @property
    def kind(self) -> str:
        return self.account.kind


class _Handles:
    """Unique handles: never one taken in the database or earlier in this run."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = {h.lower() for h in taken}

    def claim(self, stem: str, rng: random.Random) -> str:
        stem = "".join(c for c in stem if c.isalnum() or c == "_")[:24] or "user"
        handle = stem
        while handle.lower() in self.taken:
            handle = f"{stem}{rng.randint(2, 9999)}"
        self.taken.add(handle.lower())
        return handle


def _kind_counts(total: int) -> list[str]:
    """The kind of each cast member: shares of ``total``, at least one of each kind when room."""
    kinds: list[str] = []
    for kind, (share, *_rest) in CAST.items():
        if kind != AccountKind.PERSON:
            kinds += [kind] * max(1 if total >= 2 * len(CAST) else 0, round(total * share))
    return kinds[:total] + [AccountKind.PERSON] * max(0, total - len(kinds))


def _person_name(rng: random.Random, country: str) -> tuple[str, str]:
    western = country != "IN" and rng.random() < 0.5
    first = rng.choice(FIRST_NAMES_WEST if western else FIRST_NAMES_IN)
    last = rng.choice(LAST_NAMES_WEST if western else LAST_NAMES_IN)
    return first, last


def _country(rng: random.Random) -> str:
    return rng.choices([c for c, _ in COUNTRIES], weights=[w for _, w in COUNTRIES])[0]


BIOS: dict[str, tuple[str, ...]] = {
    AccountKind.NEWS: ("News as it happens. Tips: desk@example.org",),
    AccountKind.UNION: ("Farmers' union. Statements and calls to members.",),
    AccountKind.ORGANISATION: ("Non-profit. Views are our own.",),
    AccountKind.JOURNALIST: (
        "Reporter. Farms, courts, the rest.",
        "Correspondent. DMs open.",
        "Editor. RTs ≠ endorsements.",
    ),
    AccountKind.ACTIVIST: (
        "Organiser. Land, labour, livelihoods.",
        "Student activist.",
        "Human rights worker.",
    ),
    AccountKind.PERSON: ("", "", "Chai. Cricket. Code.", "Teacher.", "Farmer's son.", "Nurse."),
}
#: Outlets based abroad; every other organisation is in India.
OUTLET_COUNTRIES = {"crosswindworld": "GB", "mapleridgechron": "CA", "rhinebriefing": "DE"}


def _identity(
    rng: random.Random, kind: str, pools: dict[str, list[tuple[str, str]]]
) -> tuple[str, str, str, str]:
    """(display name, handle stem, bio, country) of a new account of ``kind``."""
    country = "IN" if kind == AccountKind.POLITICIAN else _country(rng)
    first, last = _person_name(rng, country)
    bio = rng.choice(BIOS.get(kind, ("",)))
    if kind in pools:  # an organisation: the next invented name, or one made up from a surname
        fallback = {
            AccountKind.NEWS: (f"{last} Daily", f"{last}daily"),
            AccountKind.UNION: (f"{last} Kisan Union", f"{last}kisan"),
        }.get(kind, (f"{last} Foundation", f"{last}foundation"))
        name, stem = pools[kind].pop(0) if pools[kind] else fallback
        country = OUTLET_COUNTRIES.get(stem, "IN")
        return name, stem.lower(), bio, country
    stem = f"{first}_{last}" if rng.random() < 0.6 else f"{first}{last[0]}"
    display = f"{first} {last}"
    if kind == AccountKind.POLITICIAN:
        seat, party = rng.choice(CONSTITUENCIES), rng.choice(PARTIES)
        bio = f"Member of Parliament, {seat}. {party}."
    elif kind == AccountKind.CELEBRITY:
        bio = f"{rng.choice(CELEBRITY_ROLES)}. Official account."
    elif kind == AccountKind.PERSON and rng.random() < 0.15:
        display = first
    return display, stem.lower(), bio, country


def build_cast(
    rng: random.Random, data: Dataset, total: int, *, now: datetime, taken: set[str]
) -> list[Member]:
    """Add ``total`` fictional accounts of varied kinds to ``data``."""
    handles = _Handles(taken)
    pools = {
        AccountKind.NEWS: list(NEWS_OUTLETS),
        AccountKind.UNION: list(UNIONS),
        AccountKind.ORGANISATION: list(ORGANISATIONS),
    }
    cast: list[Member] = []
    for index, kind in enumerate(_kind_counts(total)):
        display, stem, bio, country = _identity(rng, kind, pools)
        _, fame, activity, verified_share = CAST[kind]
        account = data.add_account(
            handles.claim(stem, rng),
            display_name=display,
            created_at=now - timedelta(days=rng.uniform(DAYS + 1, 2000), seconds=index),
            kind=kind,
            country=country,
            bio=bio,
            verified=rng.random() < verified_share,
        )
        cast.append(
            Member(account, fame * rng.paretovariate(1.6), activity * rng.paretovariate(2.0))
        )
    return cast


def build_follows(rng: random.Random, data: Dataset, cast: list[Member], *, now: datetime) -> None:
    """A power-law follow graph over the cast: the famous are followed by many."""
    n = len(cast)
    degrees = out_degrees(rng, n, min(35.0, max(1.0, n / 4)), cap=max(1, n - 1))
    graph = follow_graph(rng, degrees, [m.fame for m in cast])
    for follower, followees in enumerate(graph):
        for followee in followees:
            at = now - timedelta(days=rng.uniform(DAYS, 400))
            data.follow(cast[follower].id, cast[followee].id, at)


def _day_number(start: datetime, at: datetime) -> int:
    return 70 + (at - start).days  # the sit-in had been going on for weeks before


def build_posts(
    rng: random.Random, data: Dataset, cast: list[Member], total: int, *, now: datetime
) -> dict[str, NewPost]:
    """About ``total`` posts over the last two weeks: 65 % originals, 20 % replies, 15 % reposts.

    Returns landmark posts by name (``link``, ``thread_root``) for later steps.
    """
    start = now - timedelta(days=DAYS)
    activity = [m.activity for m in cast]
    fame = [m.fame for m in cast]
    fame_by_id = {m.id: m.fame for m in cast}
    handle_by_id = {m.id: m.handle for m in cast}
    recent: list[NewPost] = []
    landmarks: dict[str, NewPost] = {}
    for at in post_times(rng, total, end=now - timedelta(minutes=5), days=DAYS):
        roll = rng.random()
        if roll < 0.15 and recent:
            reposter = rng.choices(cast, weights=activity)[0]
            pool = recent[-300:]
            original = rng.choices(pool, weights=[fame_by_id[p.author_id] for p in pool])[0]
            if data.repost(reposter.id, original, at) is not None:
                continue
        if roll < 0.35 and recent:
            author = rng.choices(cast, weights=activity)[0]
            parent = rng.choice(recent[-150:])
            if parent.created_at < at and parent.author_id != author.id:
                reply = data.post(
                    author.id,
                    reply_text(rng, handle_by_id[parent.author_id]),
                    at,
                    reply_to=parent,
                    visibility=parent.visibility,
                )
                recent.append(reply)
                continue
        author = rng.choices(cast, weights=activity)[0]
        mention = None
        if rng.random() < 0.06:
            mention = rng.choices(cast, weights=fame)[0].handle
            if mention == author.handle:
                mention = None
        if author.kind == AccountKind.NEWS and rng.random() < 0.08:
            text = link_text(rng, day=_day_number(start, at))
        else:
            _, text = original_text(rng, author.kind, day=_day_number(start, at), mention=mention)
        visibility = rng.choices(
            [Visibility.PUBLIC, Visibility.UNLISTED, Visibility.FOLLOWERS], weights=[92, 5, 3]
        )[0]
        post = data.post(author.id, text, at, visibility=visibility)
        if post.visibility != Visibility.FOLLOWERS:
            recent.append(post)
        if "https://" in text:
            landmarks.setdefault("link", post)
    return landmarks


def build_favourites(
    rng: random.Random, data: Dataset, cast: list[Member], *, per_post: float = 3.0
) -> None:
    """Favourites, about ``per_post`` per post on average, skewed towards famous authors."""
    fame = {m.id: m.fame for m in cast}
    followers: dict[int, list[int]] = {}
    for follower, followee in data.follows:
        followers.setdefault(followee, []).append(follower)
    everyone = [m.id for m in cast]
    originals = [p for p in data.posts if p.repost_of_id is None]
    mean_fame = sum(fame.get(p.author_id, 1.0) for p in originals) / max(1, len(originals))
    for post in originals:
        expected = per_post * fame.get(post.author_id, 1.0) / mean_fame
        count = min(len(everyone) - 1, int(rng.expovariate(1 / expected)) if expected else 0)
        fans = followers.get(post.author_id) or everyone
        for _ in range(count):
            fan = rng.choice(fans) if rng.random() < 0.8 else rng.choice(everyone)
            if fan != post.author_id:
                at = post.created_at + timedelta(minutes=rng.uniform(1, 600))
                data.favourite(fan, post, at)


def build_login_activity(
    rng: random.Random,
    data: Dataset,
    cast: list[Member],
    logins: dict[str, Account],
    *,
    now: datetime,
) -> dict[str, NewPost]:
    """The demo logins take part: they follow, post, and get a handful of notifications.

    Also plants a reply thread of depth 3 ending with the demo user, and returns it.
    """
    for account in logins.values():
        data.include_existing(account)
    by_fame = sorted(cast, key=lambda m: -m.fame)
    user = logins["user"]
    picks = by_fame[:25] + [m for m in cast if m.kind == AccountKind.UNION][:5]
    picks += rng.sample(cast, min(10, len(cast)))
    for member in picks:
        data.follow(user.id, member.id, now - timedelta(days=DAYS + rng.uniform(1, 30)))
    for role, account in logins.items():
        if role != "user":
            for member in [m for m in by_fame if m.kind == AccountKind.NEWS][:8]:
                data.follow(account.id, member.id, now - timedelta(days=DAYS + 1))

    fans = rng.sample(cast, min(8, len(cast)))
    for fan in fans[:5]:
        at = now - timedelta(hours=rng.uniform(2, 72))
        if data.follow(fan.id, user.id, at):
            data.notify(NotificationKind.FOLLOW, recipient_id=user.id, actor_id=fan.id, at=at)

    mine = [
        data.post(user.id, text, now - timedelta(hours=hours))
        for text, hours in (
            ("First day on Tidings. Following the #FarmersProtest coverage from here.", 200),
            ("Does anyone have a good explainer on the #FarmLaws? Asking for my dad.", 120),
            ("Fog so thick this morning I could not see the gate. #DelhiFog", 30),
        )
    ]
    responder = fans[-1] if fans else cast[0]
    at = mine[1].created_at + timedelta(minutes=40)
    answer = data.post(
        responder.id,
        f"@{user.username} Start with the MSP explainer, it is short.",
        at,
        reply_to=mine[1],
    )
    data.notify(
        NotificationKind.REPLY, recipient_id=user.id, actor_id=responder.id, at=at, post=answer
    )
    for fan in fans[:3]:
        at = mine[0].created_at + timedelta(hours=rng.uniform(1, 20))
        if data.favourite(fan.id, mine[0], at):
            data.notify(
                NotificationKind.FAVOURITE,
                recipient_id=user.id,
                actor_id=fan.id,
                at=at,
                post=mine[0],
            )
    at = now - timedelta(hours=6)
    shout = data.post(
        fans[0].id if fans else cast[0].id,
        f"Good questions from @{user.username} today about the #FarmLaws. Worth a read.",
        at,
    )
    data.notify(
        NotificationKind.MENTION, recipient_id=user.id, actor_id=shout.author_id, at=at, post=shout
    )
    return _plant_thread(rng, data, cast, user, now=now)


def _plant_thread(
    rng: random.Random, data: Dataset, cast: list[Member], user: Account, *, now: datetime
) -> dict[str, NewPost]:
    """Outlet posts, a journalist replies, a union answers, the demo user replies: depth 3."""
    outlet = next((m for m in cast if m.kind == AccountKind.NEWS), cast[0])
    reporter = next((m for m in cast if m.kind == AccountKind.JOURNALIST), cast[-1])
    union = next((m for m in cast if m.kind == AccountKind.UNION), cast[len(cast) // 2])
    at = now - timedelta(days=2, hours=3)
    root = data.post(
        outlet.id,
        "Eleventh round of talks between the government and farmers' unions ends without a "
        "deal. Full report: https://example.org/reports/talks-round-11 #FarmersProtest #FarmLaws",
        at,
    )
    first = data.post(
        reporter.id,
        f"@{outlet.handle} I was outside the venue: the unions walked out after four hours.",
        at + timedelta(minutes=25),
        reply_to=root,
    )
    second = data.post(
        union.id,
        f"@{reporter.handle} We walked out because nothing new was on the table. "
        "Repeal is the only way forward. #FarmersProtest",
        at + timedelta(minutes=70),
        reply_to=first,
    )
    third = data.post(
        user.id,
        f"@{union.handle} What happens next? Is another round scheduled?",
        at + timedelta(hours=3),
        reply_to=second,
    )
    return {"thread_root": root, "thread_leaf": third}


def build_public_square(
    rng: random.Random,
    data: Dataset,
    *,
    accounts: int,
    posts: int,
    now: datetime,
    logins: dict[str, Account],
    taken: set[str],
) -> dict[str, NewPost]:
    """Fill ``data`` with the whole square; returns landmark posts by name."""
    cast = build_cast(rng, data, accounts, now=now, taken=taken)
    build_follows(rng, data, cast, now=now)
    landmarks = build_posts(rng, data, cast, max(0, posts - 10), now=now)
    landmarks |= build_login_activity(rng, data, cast, logins, now=now)
    build_favourites(rng, data, cast)
    return landmarks
