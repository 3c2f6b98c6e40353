"""The set of withheld subjects, loaded once per process and reloaded when it changes.

Withholdings are few (thousands, not millions), so each process keeps them
all in memory, keyed by subject. A one-row version (``LegalStateVersion``) gets a
new random value in the same transaction as every change (random, not a
counter, so a rolled-back or re-created database never repeats a version); a request reads it once and
reloads only when it moved, so a decision takes effect on the next request
after it commits. Start and end times are checked against the clock on every
lookup: expiry is exact with no background job.

Each entry also carries what a banner or a 451 page says of it (the order's
authority, country and legal basis, whether and when it was published), loaded
in the same query, so a page of withheld posts costs no query per post;
publishing a confidential order moves the version too.
"""

from __future__ import annotations

import bisect
import secrets
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from tidings.lib.countries import EVERYWHERE

if TYPE_CHECKING:
    from tidings.legal.models import Demand, Withholding


@dataclass(frozen=True, slots=True)
class WithheldEntry:
    """One withholding in force or to come, as banners and the 451 answer need it.

    ``demand`` is shared by every entry of the same order (one object per order per
    load): an unsaved copy holding only what the public side reads (authority name and
    country, the order's country, legal basis code and text, confidential flag, when it
    was received and published), never the order's reference.
    """

    withholding_id: int
    countries: frozenset[str]
    starts_at: datetime
    ends_at: datetime | None
    demand: Demand | None = None

    @property
    def demand_id(self) -> int | None:
        return self.demand.id if self.demand is not None else None

    def active(self, now: datetime) -> bool:
        return self.starts_at <= now and (self.ends_at is None or self.ends_at > now)

    def applies_to(self, countries: Iterable[str]) -> bool:
        return EVERYWHERE in self.countries or not self.countries.isdisjoint(countries)


@dataclass(frozen=True)
class WithheldIndex:
    version: int
    accounts: dict[int, tuple[WithheldEntry, ...]] = field(default_factory=dict)
    posts: dict[int, tuple[WithheldEntry, ...]] = field(default_factory=dict)
    #: Every start and end time, sorted: the hidden sets can only change at these instants.
    boundaries: tuple[datetime, ...] = ()
    #: countries → (valid from, valid until, result) of ``hidden_ids``.
    _hidden: dict[frozenset[str], tuple[datetime, datetime | None, tuple]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @staticmethod
    def _countries(entries: tuple[WithheldEntry, ...], now: datetime) -> frozenset[str]:
        return frozenset(c for e in entries if e.active(now) for c in e.countries)

    def account_countries(self, account_id: int, now: datetime) -> frozenset[str]:
        """Countries where the account (and so all it wrote) is withheld now."""
        return self._countries(self.accounts.get(account_id, ()), now)

    def entry_for(
        self, kind: str, subject_id: int, countries: frozenset[str], now: datetime
    ) -> WithheldEntry | None:
        """The withholding in force for a viewer in ``countries`` (for its public notice)."""
        table = self.accounts if kind == "account" else self.posts
        for entry in table.get(subject_id, ()):
            if entry.active(now) and entry.applies_to(countries):
                return entry
        return None

    def active_entries(self, kind: str, subject_id: int, now: datetime) -> list[WithheldEntry]:
        """The withholdings of a subject in force now, oldest first (wherever they apply)."""
        table = self.accounts if kind == "account" else self.posts
        return [entry for entry in table.get(subject_id, ()) if entry.active(now)]

    def post_countries(self, post_id: int, now: datetime) -> frozenset[str]:
        """Countries where this post itself is withheld now (account withholdings not included)."""
        return self._countries(self.posts.get(post_id, ()), now)

    def hidden_ids(
        self, countries: frozenset[str], now: datetime
    ) -> tuple[frozenset[int], frozenset[int]]:
        """(account ids, post ids) withheld now for a viewer in any of ``countries``."""
        if not self.accounts and not self.posts:
            return frozenset(), frozenset()
        cached = self._hidden.get(countries)
        if cached is not None and cached[0] <= now and (cached[1] is None or now < cached[1]):
            return cached[2]
        result = self._compute_hidden(countries, now)
        at = bisect.bisect_right(self.boundaries, now)
        valid_from = self.boundaries[at - 1] if at else datetime.min.replace(tzinfo=now.tzinfo)
        valid_until = self.boundaries[at] if at < len(self.boundaries) else None
        if len(self._hidden) > 256:
            self._hidden.clear()
        self._hidden[countries] = (valid_from, valid_until, result)
        return result

    def _compute_hidden(
        self, countries: frozenset[str], now: datetime
    ) -> tuple[frozenset[int], frozenset[int]]:
        def pick(table: dict[int, tuple[WithheldEntry, ...]]) -> frozenset[int]:
            return frozenset(
                subject
                for subject, entries in table.items()
                if any(e.active(now) and e.applies_to(countries) for e in entries)
            )

        return pick(self.accounts), pick(self.posts)


_lock = threading.Lock()
_cached: WithheldIndex | None = None


def _current_version() -> int:
    from tidings.legal.models import LegalStateVersion

    row = LegalStateVersion.objects.filter(id=1).values_list("version", flat=True).first()
    return row or 0


def _load(version: int) -> WithheldIndex:
    """Every withholding not lifted nor ended, with its order and authority (one query)."""
    from tidings.legal.models import Authority, Demand, Withholding

    accounts: dict[int, list[WithheldEntry]] = defaultdict(list)
    posts: dict[int, list[WithheldEntry]] = defaultdict(list)
    demands: dict[int, Demand] = {}
    rows = (
        Withholding.objects.filter(lifted_at__isnull=True)
        .exclude(ends_at__lte=timezone.now())
        .order_by("id")
        .values_list(
            "id",
            "account_id",
            "post_id",
            "countries",
            "starts_at",
            "ends_at",
            "demand_item__demand_id",
            "demand_item__demand__country",
            "demand_item__demand__legal_basis_code",
            "demand_item__demand__legal_basis",
            "demand_item__demand__confidential",
            "demand_item__demand__received_at",
            "demand_item__demand__published_at",
            "demand_item__demand__authority_id",
            "demand_item__demand__authority__name",
            "demand_item__demand__authority__country",
        )
    )
    for row in rows:
        wid, account_id, post_id, countries, starts_at, ends_at, demand_id = row[:7]
        demand = None
        if demand_id is not None:
            demand = demands.get(demand_id)
            if demand is None:
                country, code, basis, confidential, received, published = row[7:13]
                authority = Authority(id=row[13], name=row[14], country=row[15])
                demand = demands[demand_id] = Demand(
                    id=demand_id,
                    authority=authority,
                    country=country,
                    legal_basis_code=code,
                    legal_basis=basis,
                    confidential=confidential,
                    received_at=received,
                    published_at=published,
                )
        entry = WithheldEntry(wid, frozenset(countries), starts_at, ends_at, demand)
        (accounts[account_id] if account_id else posts[post_id]).append(entry)
    entries = [e for table in (accounts, posts) for group in table.values() for e in group]
    boundaries = sorted(
        {e.starts_at for e in entries} | {e.ends_at for e in entries if e.ends_at is not None}
    )
    return WithheldIndex(
        version,
        {k: tuple(v) for k, v in accounts.items()},
        {k: tuple(v) for k, v in posts.items()},
        tuple(boundaries),
    )


def withheld_index() -> WithheldIndex:
    """The current index; one cheap query to check the version, a reload only when it changed."""
    global _cached
    version = _current_version()
    cached = _cached
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        if _cached is None or _cached.version != version:
            _cached = _load(version)
        return _cached


def bump_version() -> None:
    """Call inside the transaction of any change to withholdings."""
    from tidings.legal.models import LegalStateVersion

    version = secrets.randbits(62) + 1
    LegalStateVersion.objects.update_or_create(id=1, defaults={"version": version})


def index_withholdings(withholdings: Iterable[Withholding]) -> None:
    """Write the per-country index rows of new withholdings (same transaction)."""
    from tidings.legal.models import WithheldSubject
    from tidings.streaming.events import publish_withheld

    withholdings = list(withholdings)
    WithheldSubject.objects.bulk_create(
        (
            WithheldSubject(
                withholding_id=w.id,
                country=country,
                account_id=w.account_id,
                post_id=w.post_id,
                starts_at=w.starts_at,
                ends_at=w.ends_at,
            )
            for w in withholdings
            for country in w.countries
        ),
        batch_size=1000,
    )
    publish_withheld(
        posts=[w.post_id for w in withholdings],
        accounts=[w.account_id for w in withholdings],
        lifted=False,
    )


def index_lifted(withholding_ids: Iterable[int]) -> None:
    """Mark the index rows of lifted withholdings, and tell open streams (same transaction)."""
    from tidings.legal.models import WithheldSubject, Withholding

    ids = list(withholding_ids)
    WithheldSubject.objects.filter(withholding_id__in=ids).update(lifted=True)
    publish_ended(
        Withholding.objects.filter(id__in=ids).values_list("post_id", "account_id", "countries")
    )


def publish_ended(subjects: Iterable[tuple[int | None, int | None, list[str]]]) -> None:
    """Tell open streams that withholdings of (post, account, countries) ended, lifted or by the clock.

    One ``lifted`` event per set of countries, so that only viewers in those
    countries are sent the posts again (each still checked against every other rule).
    """
    from tidings.streaming.events import publish_withheld

    groups: dict[tuple[str, ...], tuple[set[int], set[int]]] = {}
    for post_id, account_id, countries in subjects:
        posts, accounts = groups.setdefault(tuple(sorted(set(countries))), (set(), set()))
        if post_id is not None:
            posts.add(post_id)
        if account_id is not None:
            accounts.add(account_id)
    for countries, (posts, accounts) in sorted(groups.items()):
        publish_withheld(posts=posts, accounts=accounts, lifted=True, countries=countries)


def index_ends(withholding_ids: Iterable[int], ends_at: datetime | None) -> None:
    from tidings.legal.models import WithheldSubject

    WithheldSubject.objects.filter(withholding_id__in=list(withholding_ids)).update(ends_at=ends_at)
