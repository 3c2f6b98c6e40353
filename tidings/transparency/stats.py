"""The figures of the public transparency report, computed from the legal records of a period.

A demand belongs to the period when it was *received* in ``[start, end)``;
imports still running or discarded are not demands we received. Everything
that happened later to a demand of the period (decisions, lifts, expiry,
appeals) counts towards that period, as of ``now``.

Three queries, whatever the number of demands: the demands' columns, their
items aggregated in SQL per demand and state, and the withholdings on their
items (with whether a granted appeal lifted each). The rest is arithmetic.

- **Specified**: matched lines naming an account (and no post) or a post;
  lines naming nothing we could act on (unknown, invalid, duplicate) are
  "not actionable".
- **Withheld**: distinct accounts and posts with a withholding decided on a
  line of the group's demands (later lifted or expired included).
- **Reinstated**, one per withholding, by how it ended: its end time passed
  first ("expired"), an appeal on it was granted, the order was withdrawn
  (lift reason "order withdrawn"), or else staff lifted it.
- **Time to first decision**: receipt to the earliest decision on any line
  (a line's ``decided_at``, or the start of a withholding on it, since a
  later lift moves ``decided_at``).
- **Deadlines**: demands with a due time that has passed or that were
  actioned; met when actioned by the due time.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q

from tidings.legal.actions.dialogue import WITHDRAWN_REASON
from tidings.legal.models import (
    Appeal,
    AppealStatus,
    AuthorityKind,
    Demand,
    DemandItem,
    DemandKind,
    DemandStatus,
    MatchStatus,
    ReviewState,
    Withholding,
)
from tidings.lib.countries import country_name
from tidings.transparency.periods import Period

#: The latest demands of a period drawn in the outcomes chart.
OUTCOME_DEMANDS_SHOWN = 30

#: Time to first decision, in hours: (label, upper bound exclusive).
DECISION_BUCKETS: tuple[tuple[str, float], ...] = (
    ("under 6 hours", 6),
    ("6 to 24 hours", 24),
    ("24 to 36 hours", 36),
    ("36 to 72 hours", 72),
    ("3 to 7 days", 168),
    ("7 days or more", float("inf")),
)
NOT_YET_DECIDED = "not yet decided"

#: Every figure of a row, in order: key (JSON and CSV), label (the page), and whether it is a count.
FIGURES: tuple[tuple[str, str, bool], ...] = (
    ("demands_received", "Demands received", True),
    ("court_orders", "Court orders", True),
    ("other_legal_demands", "Other legal demands", True),
    ("accounts_specified", "Accounts specified", True),
    ("posts_specified", "Posts specified", True),
    ("lines_not_actionable", "Lines not actionable", True),
    ("accounts_withheld", "Accounts withheld", True),
    ("posts_withheld", "Posts withheld", True),
    ("percent_demands_with_content_withheld", "Demands with content withheld (%)", False),
    ("items_declined", "Items declined", True),
    ("reinstated_lifted_by_staff", "Reinstated: lifted by staff", True),
    ("reinstated_expired", "Reinstated: expired", True),
    ("reinstated_appeal_granted", "Reinstated: appeal granted", True),
    ("reinstated_order_withdrawn", "Reinstated: order withdrawn", True),
    ("median_hours_to_first_decision", "Median hours to first decision", False),
    ("deadlines_due", "Deadlines due", True),
    ("deadlines_met", "Deadlines met", True),
)
FIGURE_KEYS = tuple(key for key, _, _ in FIGURES)
COUNT_KEYS = frozenset(key for key, _, is_count in FIGURES if is_count)


@dataclass
class _Tally:
    """Figures of one group (everything, a country, an authority) while they are counted."""

    demands: int = 0
    court_orders: int = 0
    accounts_specified: int = 0
    posts_specified: int = 0
    not_actionable: int = 0
    accounts: set[int] = field(default_factory=set)
    posts: set[int] = field(default_factory=set)
    demands_withheld: set[int] = field(default_factory=set)
    declined: int = 0
    reinstated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    decision_hours: list[float] = field(default_factory=list)
    deadlines_due: int = 0
    deadlines_met: int = 0

    def figures(self) -> dict[str, int | float | None]:
        share = round(100 * len(self.demands_withheld) / self.demands, 1) if self.demands else None
        median = round(statistics.median(self.decision_hours), 1) if self.decision_hours else None
        return {
            "demands_received": self.demands,
            "court_orders": self.court_orders,
            "other_legal_demands": self.demands - self.court_orders,
            "accounts_specified": self.accounts_specified,
            "posts_specified": self.posts_specified,
            "lines_not_actionable": self.not_actionable,
            "accounts_withheld": len(self.accounts),
            "posts_withheld": len(self.posts),
            "percent_demands_with_content_withheld": share,
            "items_declined": self.declined,
            "reinstated_lifted_by_staff": self.reinstated["lifted"],
            "reinstated_expired": self.reinstated["expired"],
            "reinstated_appeal_granted": self.reinstated["appeal"],
            "reinstated_order_withdrawn": self.reinstated["withdrawn"],
            "median_hours_to_first_decision": median,
            "deadlines_due": self.deadlines_due,
            "deadlines_met": self.deadlines_met,
        }


@dataclass(frozen=True)
class CountryRow:
    code: str
    name: str
    figures: dict[str, int | float | None]


@dataclass(frozen=True)
class AuthorityRow:
    id: int
    name: str
    country: str
    kind: str
    figures: dict[str, int | float | None]


@dataclass(frozen=True)
class MonthRow:
    month: str  # "2026-07"
    country: str
    demands: int


@dataclass(frozen=True)
class DemandOutcome:
    """What became of the matched lines of one demand (for the outcomes chart)."""

    demand_id: int
    authority: str
    country: str
    received_at: datetime
    withheld: int
    declined: int
    reinstated: int
    pending: int


@dataclass(frozen=True)
class Report:
    period: Period
    as_of: datetime
    overall: dict[str, int | float | None]
    countries: list[CountryRow]
    authorities: list[AuthorityRow]
    months: list[MonthRow]
    outcomes: list[DemandOutcome]
    decision_times: list[tuple[str, int]]


def period_demands(period: Period):
    """The demands received in ``period`` (a queryset), importing and discarded ones left out."""
    return Demand.objects.filter(received_at__gte=period.start, received_at__lt=period.end).exclude(
        status__in=[DemandStatus.IMPORTING, DemandStatus.DISCARDED]
    )


def reinstatement(row: dict, now: datetime) -> str | None:
    """How a withholding (a values() row) ended, if it did: expired, appeal, withdrawn or lifted."""
    ends_at, lifted_at = row["ends_at"], row["lifted_at"]
    if ends_at is not None and ends_at <= (lifted_at or now):
        return "expired"
    if lifted_at is None:
        return None
    if row["appeal_granted"]:
        return "appeal"
    if (row["lift_reason"] or "").strip().lower() == WITHDRAWN_REASON:
        return "withdrawn"
    return "lifted"


def _months(period: Period) -> list[str]:
    year, month = period.start.year, period.start.month
    months = []
    while datetime(year, month, 1, tzinfo=UTC) < period.end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _bucket(hours: float) -> str:
    return next(label for label, bound in DECISION_BUCKETS if hours < bound)


def build_report(period: Period, *, now: datetime) -> Report:
    """Every figure of the report for demands received in ``period``, as of ``now``."""
    demands_qs = period_demands(period)
    demands = list(
        demands_qs.values(
            "id",
            "country",
            "kind",
            "received_at",
            "due_at",
            "actioned_at",
            "authority_id",
            "authority__name",
            "authority__country",
            "authority__kind",
        ).order_by("-received_at", "-id")
    )
    ids = demands_qs.values("id")
    item_rows = (
        DemandItem.objects.filter(demand__in=ids)
        .values("demand_id", "match_status", "review_state")
        .annotate(
            n=Count("id"),
            accounts=Count("id", filter=Q(post__isnull=True, account__isnull=False)),
            posts=Count("id", filter=Q(post__isnull=False)),
            first=Min("decided_at"),
        )
        .order_by()
    )
    granted = Appeal.objects.filter(withholding=OuterRef("pk"), status=AppealStatus.GRANTED)
    withholding_rows = (
        Withholding.objects.filter(demand_item__demand__in=ids)
        .annotate(appeal_granted=Exists(granted))
        .values(
            "demand_item__demand_id",
            "demand_item__review_state",
            "account_id",
            "post_id",
            "created_at",
            "ends_at",
            "lifted_at",
            "lift_reason",
            "appeal_granted",
        )
    )

    overall = _Tally()
    by_country: dict[str, _Tally] = defaultdict(_Tally)
    by_authority: dict[int, _Tally] = defaultdict(_Tally)
    info = {d["id"]: d for d in demands}

    def tallies(demand_id: int) -> Iterable[_Tally]:
        d = info[demand_id]
        return overall, by_country[d["country"]], by_authority[d["authority_id"]]

    first_decision: dict[int, datetime] = {}
    outcome: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def decided(demand_id: int, moment: datetime | None) -> None:
        if moment is not None and (
            demand_id not in first_decision or moment < first_decision[demand_id]
        ):
            first_decision[demand_id] = moment

    for row in item_rows:
        demand_id, n = row["demand_id"], row["n"]
        matched = row["match_status"] == MatchStatus.MATCHED
        state = row["review_state"]
        for tally in tallies(demand_id):
            if matched:
                tally.accounts_specified += row["accounts"]
                tally.posts_specified += row["posts"]
            else:
                tally.not_actionable += n
            if state == ReviewState.DECLINED:
                tally.declined += n
        decided(demand_id, row["first"])
        if state == ReviewState.DECLINED:
            outcome[demand_id]["declined"] += n
        elif not matched:
            continue
        elif state in (ReviewState.PENDING, ReviewState.ESCALATED):
            outcome[demand_id]["pending"] += n
        elif state == ReviewState.LIFTED:
            outcome[demand_id]["reinstated"] += n
        elif state == ReviewState.WITHHELD:
            outcome[demand_id]["withheld"] += n

    for row in withholding_rows:
        demand_id = row["demand_item__demand_id"]
        how = reinstatement(row, now)
        for tally in tallies(demand_id):
            if row["account_id"] is not None:
                tally.accounts.add(row["account_id"])
            else:
                tally.posts.add(row["post_id"])
            tally.demands_withheld.add(demand_id)
            if how:
                tally.reinstated[how] += 1
        decided(demand_id, row["created_at"])
        if how == "expired" and row["demand_item__review_state"] == ReviewState.WITHHELD:
            outcome[demand_id]["withheld"] -= 1  # withheld on the record, but its time is up
            outcome[demand_id]["reinstated"] += 1

    buckets: dict[str, int] = dict.fromkeys(
        [label for label, _ in DECISION_BUCKETS] + [NOT_YET_DECIDED], 0
    )
    per_month: dict[tuple[str, str], int] = defaultdict(int)
    for d in demands:
        court = d["kind"] == DemandKind.COURT_ORDER or d["authority__kind"] == AuthorityKind.COURT
        first = first_decision.get(d["id"])
        hours = (first - d["received_at"]).total_seconds() / 3600 if first else None
        buckets[NOT_YET_DECIDED if hours is None else _bucket(hours)] += 1
        due, actioned = d["due_at"], d["actioned_at"]
        for tally in tallies(d["id"]):
            tally.demands += 1
            tally.court_orders += court
            if hours is not None:
                tally.decision_hours.append(hours)
            if due is not None and (due <= now or actioned is not None):
                tally.deadlines_due += 1
                tally.deadlines_met += actioned is not None and actioned <= due
        received = d["received_at"].astimezone(UTC)
        per_month[(f"{received.year:04d}-{received.month:02d}", d["country"])] += 1

    countries = sorted(by_country)
    return Report(
        period=period,
        as_of=now,
        overall=overall.figures(),
        countries=sorted(
            (CountryRow(c, country_name(c), by_country[c].figures()) for c in countries),
            key=lambda r: (-r.figures["demands_received"], r.code),
        ),
        authorities=sorted(
            (
                AuthorityRow(
                    authority_id,
                    info_row["authority__name"],
                    info_row["authority__country"],
                    info_row["authority__kind"],
                    by_authority[authority_id].figures(),
                )
                for authority_id, info_row in {
                    d["authority_id"]: d for d in reversed(demands)
                }.items()
            ),
            key=lambda r: (-r.figures["demands_received"], r.name, r.id),
        ),
        months=[
            MonthRow(month, country, per_month.get((month, country), 0))
            for month in _months(period)
            for country in countries
        ],
        outcomes=[
            DemandOutcome(
                d["id"],
                d["authority__name"],
                d["country"],
                d["received_at"],
                **{
                    k: outcome[d["id"]][k]
                    for k in ("withheld", "declined", "reinstated", "pending")
                },
            )
            for d in demands[:OUTCOME_DEMANDS_SHOWN]
        ],
        decision_times=list(buckets.items()),
    )


def small_count_threshold() -> int:
    return max(0, int(getattr(settings, "TIDINGS_TRANSPARENCY_SMALL_COUNT", 0) or 0))


def shown(value: int | float | None, *, is_count: bool = True) -> int | float | str | None:
    """A figure as published: a count from 1 to N-1 is "< N" when small counts are hidden."""
    limit = small_count_threshold()
    if is_count and limit and isinstance(value, int) and 0 < value < limit:
        return f"< {limit}"
    return value


def shown_figures(figures: dict[str, int | float | None]) -> dict[str, int | float | str | None]:
    return {key: shown(figures[key], is_count=key in COUNT_KEYS) for key in FIGURE_KEYS}
