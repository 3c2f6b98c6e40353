"""Who is looking: the account (if signed in) and the countries the request is seen from.

A ``Viewer`` is built once per request (see ``middleware.py``) and carries the
per-viewer relation sets (blocks, mutes) so that a page asks for them once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.db.models import Q, Value
from django.utils import timezone

from tidings.legal.withheld import WithheldIndex, withheld_index
from tidings.social.models import Account, Block, Mute


@dataclass(eq=False)
class Viewer:
    account: Account | None
    countries: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.account is not None

    @property
    def account_id(self) -> int | None:
        return self.account.id if self.account is not None else None

    @cached_property
    def _relations(self) -> tuple[tuple[tuple[int, int], ...], frozenset[int]]:
        """(blocker, blocked) pairs involving this viewer, and the accounts it mutes: one query."""
        if self.account is None:
            return (), frozenset()
        me = self.account.id
        rows = (
            Block.objects.filter(Q(blocker_id=me) | Q(blocked_id=me))
            .annotate(kind=Value("b"))
            .values_list("blocker_id", "blocked_id", "kind")
            .union(
                Mute.objects.filter(muter_id=me)
                .annotate(kind=Value("m"))
                .values_list("muter_id", "muted_id", "kind"),
                all=True,
            )
        )
        pairs: list[tuple[int, int]] = []
        muted: set[int] = set()
        for first, second, kind in rows:
            if kind == "b":
                pairs.append((first, second))
            else:
                muted.add(second)
        return tuple(pairs), frozenset(muted)

    @property
    def _block_pairs(self) -> tuple[tuple[int, int], ...]:
        return self._relations[0]

    @cached_property
    def blocked_ids(self) -> frozenset[int]:
        """Accounts this viewer blocks or is blocked by: neither sees the other in lists."""
        me = self.account_id
        return frozenset(other for a, b in self._block_pairs for other in (a, b) if other != me)

    @cached_property
    def blocked_by_ids(self) -> frozenset[int]:
        """Accounts that block this viewer (they are hidden from it even when fetched directly)."""
        me = self.account_id
        return frozenset(blocker for blocker, blocked in self._block_pairs if blocked == me)

    @property
    def muted_ids(self) -> frozenset[int]:
        return self._relations[1]

    def forget_relations(self) -> None:
        """Drop the loaded blocks and mutes (after this request changed one), to reload on use."""
        for name in ("_relations", "blocked_ids", "blocked_by_ids"):
            self.__dict__.pop(name, None)

    @cached_property
    def now(self) -> datetime:
        """The request's clock: every withholding check in one request uses the same instant."""
        return timezone.now()

    @cached_property
    def withheld(self) -> WithheldIndex:
        return withheld_index()

    @cached_property
    def withheld_ids(self) -> tuple[frozenset[int], frozenset[int]]:
        """(account ids, post ids) withheld for this viewer's countries right now."""
        return self.withheld.hidden_ids(self.countries, self.now)

    def hidden_author_ids(self, *, include_mutes: bool) -> frozenset[int]:
        return self.blocked_ids | self.muted_ids if include_mutes else self.blocked_ids


def anonymous_viewer(countries: frozenset[str] = frozenset()) -> Viewer:
    return Viewer(account=None, countries=countries)


def viewer_for_account(account: Account | None, countries: frozenset[str] = frozenset()) -> Viewer:
    """A viewer for ``account``; its self-declared country always counts as one of its countries."""
    if account is not None and account.country:
        countries = countries | {account.country.upper()}
    return Viewer(account=account, countries=frozenset(countries))
