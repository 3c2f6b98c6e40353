"""Reads for the legal desk: demands with their clocks and counts, items with evidence, withholdings.

Every function takes what it reads for in a fixed number of queries, whatever the
size of the page (no query per row). The desk sees content as it is, including
what is withheld: reviewers must read what they decide on, so these reads do not
go through ``tidings.visibility`` (which decides what *viewers* see); only desk
staff reach them, behind ``roles.check_desk_access``.

**Hashtags of a demand.** Orders such as the February 2021 one name accounts around
a protest hashtag without naming the hashtag. We take the ``DEMAND_TAGS`` hashtags
used most often, in the last ``EVIDENCE_DAYS`` days, by the posts the demand names
and by the recent posts of the accounts it names (matched items only). For each
item, the evidence counts how many of its account's posts in the same window used
any of those hashtags.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from tidings.audit.models import AuditEvent
from tidings.legal.clocks import (
    STOPPED_STATUSES,
    ClockKey,
    ClockState,
    clock_for,
    demand_clocks,
)
from tidings.legal.models import (
    Authority,
    Demand,
    DemandItem,
    DemandStatus,
    MatchStatus,
    ReviewState,
    Withholding,
)
from tidings.legal.roles import check_desk_access
from tidings.lib.errors import InvalidInput, NotFound
from tidings.social.media_queries import media_by_post
from tidings.social.models import Account, AccountKind, Hashtag, Post, PostHashtag
from tidings.social.models_media import MediaAttachment

DEMANDS_PAGE_SIZE = 50
ITEMS_PAGE_SIZE = 100
WITHHOLDINGS_PAGE_SIZE = 100
EVIDENCE_DAYS = 30
RECENT_POSTS = 3
DEMAND_TAGS = 5

#: Sort orders of the item table: name → (label, ordering). Items without an account go last.
ITEM_SORTS: dict[str, tuple[str, tuple]] = {
    "line": ("Line number", ("line_number",)),
    "followers": (
        "Most followers first",
        (F("account__followers_count").desc(nulls_last=True), "line_number"),
    ),
    "age": (
        "Newest accounts first",
        (F("account__created_at").desc(nulls_last=True), "line_number"),
    ),
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
OPEN_STATUSES = frozenset({DemandStatus.RECEIVED, DemandStatus.IN_REVIEW})


# -- fetching one demand ---------------------------------------------------------


def access_demand(demand_id: int | str, *, acting_user: Account | None) -> Demand:
    """The demand, for desk staff; ``NotPermitted`` for anyone else, ``NotFound`` if none."""
    check_desk_access(acting_user)
    try:
        return Demand.objects.select_related("authority", "created_by", "confirmed_by").get(
            id=int(demand_id)
        )
    except (Demand.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("There is no such demand.") from None


def access_demand_item(demand: Demand, item_id: int | str) -> DemandItem:
    """An item of ``demand`` by id (its demand loaded), or ``NotFound``."""
    try:
        number = int(str(item_id).strip())
        if not 0 < number < 2**63:
            raise ValueError(item_id)
        return DemandItem.objects.select_related("demand").get(demand=demand, id=number)
    except (DemandItem.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("There is no such item in this demand.") from None


def access_demand_withholdings(
    demand: Demand, withholding_ids: Sequence[int | str] | str, *, now: datetime | None = None
) -> list[Withholding]:
    """Withholdings of ``demand`` by id, or all those in force (``"all_active"``).

    Raises ``InvalidInput`` when none is chosen or an id is not one of this demand's.
    """
    rows = Withholding.objects.filter(demand_item__demand=demand)
    if withholding_ids == "all_active":
        found = list(rows.active_at(now or timezone.now()).order_by("id"))
        if not found:
            raise InvalidInput("No withholding of this demand is in force.")
        return found
    try:
        wanted = {int(i) for i in withholding_ids}
    except (TypeError, ValueError):
        raise InvalidInput("Withholding ids must be whole numbers.") from None
    if not wanted:
        raise InvalidInput("Select at least one withholding to lift.")
    found = list(rows.filter(id__in=wanted).order_by("id"))
    missing = wanted - {w.id for w in found}
    if missing:
        raise InvalidInput(f"Withholding {min(missing)} is not one of this demand's.")
    return found


def authority_names() -> list[str]:
    """Names of known authorities, for the intake form's suggestions."""
    return list(Authority.objects.order_by("name").values_list("name", flat=True).distinct())


# -- clocks -----------------------------------------------------------------------


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def clock(moment: datetime | None, now: datetime, *, ahead: str, behind: str) -> str:
    """ "due in 5 h" / "overdue by 2 h" style text for ``moment`` seen from ``now``."""
    if moment is None:
        return ""
    if moment > now:
        return f"{ahead} {_span(moment - now)}"
    return f"{behind} {_span(now - moment)}"


def deadline_clock(due_at: datetime | None, now: datetime) -> str:
    """ "due in 5 h", "overdue by 2 h", or "" for a demand without a deadline."""
    return clock(due_at, now, ahead="due in", behind="overdue by")


@dataclass(frozen=True)
class Deadline:
    """A demand's action clock (the text, overdue, open) and its emergency lapse if any.

    Read from ``legal.clocks``: open while the action clock is not met; the lapse
    is shown while an emergency order is unconfirmed.
    """

    text: str
    overdue: bool
    open: bool
    lapse_at: datetime | None
    lapse_text: str


def demand_deadline(demand: Demand, now: datetime) -> Deadline:
    clocks = demand_clocks(demand)
    action = clock_for(clocks, ClockKey.ACTION)
    lapse = clock_for(clocks, ClockKey.LAPSE)
    lapse_at = lapse.due_at if lapse is not None and lapse.met_at is None else None
    return Deadline(
        text=action.text(now) if action is not None else "",
        overdue=action is not None and action.state(now) == ClockState.OVERDUE,
        open=action is not None and action.is_open(now) and demand.status not in STOPPED_STATUSES,
        lapse_at=lapse_at,
        lapse_text=clock(lapse_at, now, ahead="lapses in", behind="lapsed"),
    )


# -- counts -----------------------------------------------------------------------


#: Counted like a review state, derived at read time: a withheld item none of whose
#: withholdings is in force any more because their ``ends_at`` has passed.
EXPIRED = "expired"
#: Review states as the counts show them (labels for the desk).
COUNT_STATES: tuple[tuple[str, str], ...] = (*ReviewState.choices, (EXPIRED, "Expired"))


@dataclass(frozen=True)
class DemandCounts:
    """Items of a demand by match status and by review state (of matched items).

    ``review`` also counts ``expired``: withheld items whose withholdings all ended
    by the clock (lifted ones are ``lifted``); those are not counted as ``withheld``.
    """

    match: Mapping[str, int]
    review: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.match.values())

    def matched(self, state: str) -> int:
        return self.review.get(state, 0)

    @property
    def pending(self) -> int:
        return self.review.get(ReviewState.PENDING, 0)

    @property
    def by_key(self) -> dict[str, int]:
        """Both counts in one map (match statuses and review states never share a name)."""
        return {**self.match, **self.review}


def counts_by_demand(demand_ids: Sequence[int]) -> dict[int, DemandCounts]:
    """Counts of each of ``demand_ids``, in one grouped query."""
    match: dict[int, dict[str, int]] = defaultdict(dict)
    review: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        DemandItem.objects.filter(demand_id__in=demand_ids)
        .values_list("demand_id", "match_status", "review_state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for demand_id, status, state, n in rows:
        match[demand_id][status] = match[demand_id].get(status, 0) + n
        if status == MatchStatus.MATCHED:
            review[demand_id][state] = review[demand_id].get(state, 0) + n
    for demand_id, n in _expired_by_demand(demand_ids, timezone.now()).items():
        review[demand_id][ReviewState.WITHHELD] -= n
        review[demand_id][EXPIRED] = n
    return {d: DemandCounts(match[d], review[d]) for d in demand_ids}


def expired_items(items: QuerySet[DemandItem], now: datetime) -> QuerySet[DemandItem]:
    """The withheld items of ``items`` whose withholdings have all ended by the clock."""
    ended = Withholding.objects.filter(
        demand_item=OuterRef("pk"), lifted_at__isnull=True, ends_at__lte=now
    )
    in_force = Withholding.objects.active_at(now).filter(demand_item=OuterRef("pk"))
    return items.filter(
        Exists(ended),
        ~Exists(in_force),
        match_status=MatchStatus.MATCHED,
        review_state=ReviewState.WITHHELD,
    )


def with_expiry(items: QuerySet[DemandItem], now: datetime) -> QuerySet[DemandItem]:
    """``items`` with ``expired`` (bool): withheld, and none of its withholdings in force by the clock.

    The item's stored state stays ``withheld`` (no job runs when a withholding
    ends); every place that shows an item reads this instead.
    """
    ended = Withholding.objects.filter(
        demand_item=OuterRef("pk"), lifted_at__isnull=True, ends_at__lte=now
    )
    in_force = Withholding.objects.active_at(now).filter(demand_item=OuterRef("pk"))
    return items.annotate(
        expired=ExpressionWrapper(
            Q(review_state=ReviewState.WITHHELD) & Exists(ended) & ~Exists(in_force),
            output_field=BooleanField(),
        )
    )


def shown_review_state(item: DemandItem) -> str:
    """The review state as shown: ``expired`` for an item annotated by ``with_expiry`` as such."""
    return EXPIRED if getattr(item, "expired", False) else item.review_state


def _expired_by_demand(demand_ids: Sequence[int], now: datetime) -> dict[int, int]:
    """Expired items per demand, in one grouped query (demands without any are absent)."""
    rows = (
        expired_items(DemandItem.objects.filter(demand_id__in=demand_ids), now)
        .values_list("demand_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def demand_counts(demand: Demand) -> DemandCounts:
    return counts_by_demand([demand.id])[demand.id]


@dataclass(frozen=True)
class ImportSummary:
    counts: DemandCounts
    blank_lines: int

    def __str__(self) -> str:
        m, total, blank = self.counts.match, self.counts.total, self.blank_lines
        return (
            f"{total} line{'' if total == 1 else 's'}: {m.get('matched', 0)} matched, "
            f"{m.get('unknown', 0)} unknown, {m.get('invalid', 0)} invalid, "
            f"{m.get('duplicate', 0)} duplicate; "
            f"{blank} blank line{'' if blank == 1 else 's'} skipped"
        )


def import_summary(demand: Demand, counts: DemandCounts | None = None) -> ImportSummary:
    """What intake made of the order (blank lines are not items: the import event keeps them)."""
    event = (
        AuditEvent.objects.filter(
            subject_type="demand", subject_id=str(demand.id), action="legal.import"
        )
        .values_list("data", flat=True)
        .first()
    )
    blank = int((event or {}).get("blank_lines", 0))
    return ImportSummary(counts or demand_counts(demand), blank)


# -- the list of demands ------------------------------------------------------------


@dataclass(frozen=True)
class DemandRow:
    demand: Demand
    deadline: Deadline
    counts: DemandCounts


@dataclass(frozen=True)
class DemandPage:
    rows: list[DemandRow]
    next_cursor: str | None


def _cursor(demand: Demand) -> str:
    micros = (demand.received_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{demand.id}"


def _parse_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        micros, demand_id = (int(part) for part in cursor.split("."))
        moment = _EPOCH + timedelta(microseconds=micros)
    except (ValueError, TypeError, OverflowError, OSError):
        raise InvalidInput("That page link is broken; start again from the first page.") from None
    return moment, demand_id


def list_demands(
    *, acting_user: Account | None, after: str | None = None, limit: int = DEMANDS_PAGE_SIZE
) -> DemandPage:
    """Newest received first; ``after`` is the previous page's ``next_cursor`` (keyset, no OFFSET)."""
    check_desk_access(acting_user)
    demands = Demand.objects.select_related("authority").order_by("-received_at", "-id")
    if after:
        moment, demand_id = _parse_cursor(after)
        demands = demands.filter(
            Q(received_at__lt=moment) | Q(received_at=moment, id__lt=demand_id)
        )
    page = list(demands[: limit + 1])
    more, page = len(page) > limit, page[:limit]
    counts = counts_by_demand([d.id for d in page])
    now = timezone.now()
    rows = [DemandRow(d, demand_deadline(d, now), counts[d.id]) for d in page]
    return DemandPage(rows, _cursor(page[-1]) if more and page else None)


# -- the items of one demand ------------------------------------------------------------


def _choice(value: str | None, allowed: Sequence[str]) -> str:
    return value if value in allowed else ""


@dataclass(frozen=True)
class ItemFilters:
    """What the item table shows; unknown values mean "no filter" rather than an error."""

    match_status: str = ""
    review_state: str = ""
    kind: str = ""
    q: str = ""
    sort: str = "line"
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> ItemFilters:
        try:
            page = max(1, int(params.get("page") or 1))
        except ValueError:
            page = 1
        return cls(
            match_status=_choice(params.get("match"), MatchStatus.values),
            review_state=_choice(params.get("review"), ReviewState.values),
            kind=_choice(params.get("kind"), AccountKind.values),
            q=(params.get("q") or "").strip()[:200],
            sort=_choice(params.get("sort"), list(ITEM_SORTS)) or "line",
            page=page,
        )

    def apply(self, items: QuerySet[DemandItem]) -> QuerySet[DemandItem]:
        if self.match_status:
            items = items.filter(match_status=self.match_status)
        if self.review_state:
            items = items.filter(review_state=self.review_state)
        if self.kind:
            items = items.filter(account__kind=self.kind)
        if self.q:
            handle = self.q.lstrip("@")
            items = items.filter(Q(account__username__icontains=handle) | Q(raw__icontains=self.q))
        return items.order_by(*ITEM_SORTS[self.sort][1])


@dataclass
class ItemRow:
    """One item and the evidence shown with it."""

    item: DemandItem
    recent_posts: list[Post] = field(default_factory=list)
    tag_uses: int = 0
    images: tuple[MediaAttachment, ...] = ()


@dataclass(frozen=True)
class ItemPage:
    rows: list[ItemRow]
    page: int
    pages: int
    total: int
    hashtags: list[Hashtag]

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def demand_hashtags(demand: Demand, now: datetime) -> list[Hashtag]:
    """The hashtags of the demand (see the module docstring), most used first."""
    since = now - timedelta(days=EVIDENCE_DAYS)
    matched = DemandItem.objects.filter(demand=demand, match_status=MatchStatus.MATCHED)
    named_posts = matched.filter(post__isnull=False).values("post_id")
    named_accounts = matched.filter(post__isnull=True, account__isnull=False).values("account_id")
    top = (
        PostHashtag.objects.filter(
            Q(post_id__in=named_posts) | Q(author_id__in=named_accounts, created_at__gte=since)
        )
        .values("hashtag_id")
        .annotate(n=Count("id"))
        .order_by("-n", "hashtag_id")[:DEMAND_TAGS]
    )
    ranked = [row["hashtag_id"] for row in top]
    tags = Hashtag.objects.in_bulk(ranked)
    return [tags[i] for i in ranked if i in tags]


def recent_posts_by(
    account_ids: Sequence[int], per_account: int = RECENT_POSTS
) -> dict[int, list[Post]]:
    """The newest ``per_account`` posts (not reposts) of each account, in one query."""
    if not account_ids:
        return {}
    ranked = (
        Post.objects.filter(author_id__in=account_ids, repost_of__isnull=True)
        .annotate(rank=Window(RowNumber(), partition_by=[F("author_id")], order_by=F("id").desc()))
        .filter(rank__lte=per_account)
        .order_by("author_id", "-id")
    )
    posts: dict[int, list[Post]] = defaultdict(list)
    for post in ranked:
        posts[post.author_id].append(post)
    return posts


def hashtag_uses(
    account_ids: Sequence[int], hashtags: Sequence[Hashtag], since: datetime
) -> dict[int, int]:
    """How many posts of each account since ``since`` used any of ``hashtags`` (one query)."""
    if not account_ids or not hashtags:
        return {}
    rows = (
        PostHashtag.objects.filter(
            author_id__in=account_ids,
            hashtag_id__in=[h.id for h in hashtags],
            created_at__gte=since,
        )
        .values("author_id")
        .annotate(n=Count("post_id", distinct=True))
        .order_by()
    )
    return {row["author_id"]: row["n"] for row in rows}


def demand_items(demand: Demand, filters: ItemFilters, *, now: datetime | None = None) -> ItemPage:
    """One page of the item table with its evidence, in a fixed number of queries."""
    now = now or timezone.now()
    items = filters.apply(
        with_expiry(
            DemandItem.objects.filter(demand=demand).select_related(
                "account", "post", "post__author", "reviewer", "suggested_account"
            ),
            now,
        )
    )
    total = items.count()
    pages = max(1, -(-total // ITEMS_PAGE_SIZE))
    page = min(filters.page, pages)
    start = (page - 1) * ITEMS_PAGE_SIZE
    rows = [ItemRow(item) for item in items[start : start + ITEMS_PAGE_SIZE]]
    hashtags = demand_hashtags(demand, now)
    account_rows = [r for r in rows if r.item.account_id and r.item.post_id is None]
    recent = recent_posts_by(sorted({r.item.account_id for r in account_rows}))
    for row in account_rows:
        row.recent_posts = recent.get(row.item.account_id, [])
    post_rows = [r for r in rows if r.item.post_id]
    images = media_by_post([r.item.post for r in post_rows])
    for row in post_rows:
        row.images = images.get(row.item.post_id, ())  # type: ignore[arg-type]
    authors = sorted({r.item.account_id for r in rows if r.item.account_id})
    uses = hashtag_uses(authors, hashtags, now - timedelta(days=EVIDENCE_DAYS))
    for row in rows:
        row.tag_uses = uses.get(row.item.account_id or 0, 0)
    return ItemPage(rows, page, pages, total, hashtags)


# -- withholdings ------------------------------------------------------------------------


@dataclass(frozen=True)
class WithholdingRow:
    withholding: Withholding
    state: str  # "active", "scheduled", "expired" or "lifted"


def withholding_state(withholding: Withholding, now: datetime) -> str:
    if withholding.lifted_at is not None:
        return "lifted"
    if withholding.ends_at is not None and withholding.ends_at <= now:
        return "expired"
    if withholding.starts_at > now:
        return "scheduled"
    return "active"


@dataclass(frozen=True)
class WithholdingPage:
    rows: list[WithholdingRow]
    page: int
    pages: int
    total: int
    active: int


def demand_withholdings(
    demand: Demand, *, page: int = 1, now: datetime | None = None
) -> WithholdingPage:
    """Every withholding made for this demand, lifted and expired ones included, by line."""
    now = now or timezone.now()
    rows = Withholding.objects.filter(demand_item__demand=demand)
    total = rows.count()
    active = rows.active_at(now).count()
    pages = max(1, -(-total // WITHHOLDINGS_PAGE_SIZE))
    page = min(max(1, page), pages)
    start = (page - 1) * WITHHOLDINGS_PAGE_SIZE
    shown = rows.select_related(
        "account", "post", "post__author", "demand_item", "lifted_by", "created_by"
    ).order_by("demand_item__line_number", "id")[start : start + WITHHOLDINGS_PAGE_SIZE]
    return WithholdingPage(
        [WithholdingRow(w, withholding_state(w, now)) for w in shown], page, pages, total, active
    )
