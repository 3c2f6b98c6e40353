"""Withholding a subject in some countries, and lifting it. Neither ever deletes content."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tidings.audit.chain import EventSpec, record_events
from tidings.legal.holds import text_sha256
from tidings.legal.models import DemandItem, NoticeKind, ReviewState, Withholding
from tidings.legal.notices import create_notices
from tidings.legal.roles import check_desk_access, check_desk_admin
from tidings.legal.states import move_items, refresh_demand_status
from tidings.legal.withheld import bump_version, index_lifted, index_withholdings, publish_ended
from tidings.lib.countries import EVERYWHERE, normalise_country
from tidings.lib.errors import InvalidInput
from tidings.lib.locks import lock_legal_state
from tidings.social.models import Account, Post

#: Withholdings announced per run of :func:`do_announce_ended_withholdings`; more wait for the next.
ANNOUNCE_BATCH = 500

LIFT_REASONS = (
    "restored by us",
    "order withdrawn",
    "appeal granted",
    "emergency order lapsed",
    "other",
)


def check_countries(countries: Sequence[str], *, acting_user: Account) -> list[str]:
    """Upper-cased, validated, de-duplicated codes; ``XX`` (everywhere) needs a legal admin."""
    if isinstance(countries, str) or not all(isinstance(c, str) for c in countries):
        raise InvalidInput('Countries are a list of ISO codes such as ["IN", "PK"].')
    codes = list(dict.fromkeys(normalise_country(c, allow_everywhere=True) for c in countries))
    codes = [c for c in codes if c]
    if not codes:
        raise InvalidInput("Name at least one country to withhold in.")
    if EVERYWHERE in codes:
        check_desk_admin(acting_user, "withhold content everywhere")
        return [EVERYWHERE]
    return codes


def check_until(until: datetime | None, *, now: datetime) -> datetime | None:
    if until is not None and until <= now:
        raise InvalidInput("The end of a withholding must be in the future.")
    return until


def build_withholding(
    *,
    account: Account | None,
    post: Post | None,
    countries: list[str],
    until: datetime | None,
    demand_item: DemandItem | None,
    reason: str,
    acting_user: Account,
    now: datetime,
) -> Withholding:
    if (account is None) == (post is None):
        raise InvalidInput("A withholding is of one account or one post.")
    return Withholding(
        account=account,
        post=post,
        snapshot=subject_snapshot(account, post),
        countries=countries,
        starts_at=now,
        ends_at=until,
        demand_item=demand_item,
        reason=reason,
        created_by=acting_user,
        created_at=now,
    )


def subject_snapshot(account: Account | None, post: Post | None) -> dict[str, object]:
    """The subject as it was when decided, kept whatever happens to it later."""
    if post is not None:
        handle = post.author.username
        path = reverse("web:post", args=[handle, post.id])
        return {
            "handle": handle,
            "post_id": post.id,
            "url": f"https://{settings.DOMAIN}{path}",
            "text_sha256": text_sha256(post.text),
        }
    assert account is not None
    path = reverse("web:profile", args=[account.username])
    return {"handle": account.username, "url": f"https://{settings.DOMAIN}{path}"}


def withhold_event(withholding: Withholding, acting_user: Account) -> EventSpec:
    return EventSpec(
        "legal.withhold",
        acting_user.id,
        "withholding",
        str(withholding.id),
        {
            "account": withholding.account_id,
            "post": withholding.post_id,
            "countries": withholding.countries,
            "ends_at": withholding.ends_at.isoformat() if withholding.ends_at else None,
            "demand_item": withholding.demand_item_id,
            "reason": withholding.reason,
        },
    )


@transaction.atomic
def do_withhold(
    *,
    account: Account | None = None,
    post: Post | None = None,
    countries: Sequence[str],
    until: datetime | None = None,
    demand_item: DemandItem | None = None,
    reason: str,
    acting_user: Account,
) -> Withholding:
    """Hide an account (and all it wrote) or a post in ``countries`` from now until ``until``."""
    check_desk_access(acting_user)
    if not (reason or "").strip():
        raise InvalidInput("A reason is required.")
    lock_legal_state()  # lock order: tidings/lib/locks.py
    now = timezone.now()
    withholding = build_withholding(
        account=account,
        post=post,
        countries=check_countries(countries, acting_user=acting_user),
        until=check_until(until, now=now),
        demand_item=demand_item,
        reason=reason.strip(),
        acting_user=acting_user,
        now=now,
    )
    withholding.save(force_insert=True)
    index_withholdings([withholding])
    record_events([withhold_event(withholding, acting_user)])
    bump_version()
    create_notices([withholding], NoticeKind.WITHHELD)
    return withholding


def check_lift_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(f"A reason is required (e.g. {', '.join(LIFT_REASONS[:3])}).")
    return reason


@transaction.atomic
def do_lift_withholdings(
    withholdings: Sequence[Withholding], *, reason: str, acting_user: Account
) -> list[Withholding]:
    """Reinstate: each withholding is marked lifted (never deleted); one audit event each."""
    check_desk_access(acting_user)
    return lift_withholdings(withholdings, reason=reason, acting_user=acting_user)


def lift_withholdings(
    withholdings: Sequence[Withholding], *, reason: str, acting_user: Account
) -> list[Withholding]:
    """The lifting of :func:`do_lift_withholdings`, for actions that checked who may do it."""
    reason = check_lift_reason(reason)
    lock_legal_state()  # lock order: tidings/lib/locks.py
    now = timezone.now()
    ids = [w.id for w in withholdings]
    rows = list(
        Withholding.objects.select_for_update(of=("self",))
        .select_related("account", "post__author", "demand_item__demand__authority")
        .filter(id__in=ids)
        .order_by("id")
    )
    if len(rows) != len(set(ids)):
        raise InvalidInput("Some of these withholdings do not exist.")
    already = [w.id for w in rows if w.lifted_at is not None]
    if already:
        raise InvalidInput(f"Withholding {already[0]} was already lifted.")
    Withholding.objects.filter(id__in=ids).update(
        lifted_at=now, lifted_by=acting_user, lift_reason=reason
    )
    index_lifted(ids)
    for row in rows:
        row.lifted_at, row.lifted_by, row.lift_reason = now, acting_user, reason
    items = list(
        DemandItem.objects.select_for_update(of=("self",))
        .select_related("demand")
        .filter(
            id__in=[r.demand_item_id for r in rows if r.demand_item_id],
            review_state=ReviewState.WITHHELD,
        )
    )
    move_items(items, ReviewState.LIFTED, reason=reason, reviewer_id=acting_user.id)
    record_events(
        EventSpec(
            "legal.lift",
            acting_user.id,
            "withholding",
            str(row.id),
            {"reason": reason, "account": row.account_id, "post": row.post_id},
        )
        for row in rows
    )
    bump_version()
    for demand in {item.demand for item in items}:
        refresh_demand_status(demand)
    create_notices(rows, NoticeKind.REINSTATED)
    return rows


def do_lift_withholding(
    withholding: Withholding, *, reason: str, acting_user: Account
) -> Withholding:
    """Reinstate one withholding; see :func:`do_lift_withholdings`."""
    return do_lift_withholdings([withholding], reason=reason, acting_user=acting_user)[0]


@transaction.atomic
def do_announce_ended_withholdings(
    *, acting_user: Account | None, now: datetime | None = None
) -> int:
    """Tell open streams of withholdings that ended by the clock since the last run; returns how many.

    The end itself needs no change: the withheld index checks ``ends_at``
    against the clock on every read, so every process sees it at once with no
    version bump. What was missing is the stream event a lift sends, so each
    ended withholding gets the same ``lifted`` event here, exactly once:
    ``end_announced_at`` is set in the transaction that writes the event, and a
    second worker running at the same moment skips the rows this one has
    locked (and, on SQLite, waits for the write lock and then finds them
    announced). Lifted withholdings are left out: the lift sent theirs.
    ``acting_user`` is None when the scheduler runs it. One audit event each.
    """
    now = now or timezone.now()
    rows = list(
        Withholding.objects.select_for_update(skip_locked=True)
        .filter(end_announced_at__isnull=True, lifted_at__isnull=True, ends_at__lte=now)
        .order_by("ends_at", "id")
        .values_list("id", "post_id", "account_id", "countries", "ends_at")[:ANNOUNCE_BATCH]
    )
    ids = [row[0] for row in rows]
    if not ids:
        return 0
    claimed = Withholding.objects.filter(id__in=ids, end_announced_at__isnull=True).update(
        end_announced_at=now
    )
    if claimed != len(ids):  # another worker announced some in between: let the next run retry
        raise RuntimeError("Ended withholdings were announced twice at once; rolled back.")
    publish_ended((post_id, account_id, countries) for _, post_id, account_id, countries, _ in rows)
    record_events(
        EventSpec(
            "legal.expire",
            acting_user.id if acting_user else None,
            "withholding",
            str(wid),
            {"account": account_id, "post": post_id, "ended_at": ends_at.isoformat()},
        )
        for wid, post_id, account_id, _, ends_at in rows
    )
    return len(rows)
