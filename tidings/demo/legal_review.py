"""What the desk did with the 1,178-line order after the February step: a review well underway.

Replayed through the real actions, at moments counted from the order's receipt
(so that a database seeded long ago gets a history that still hangs together):
the lead acknowledges the emergency order (within the hour it came) and the
reviewer the second one; the reviewer withholds a good share of the ordinary
accounts and the few posts in India, in two batches; declines the news
outlets, journalists, and the ordinary accounts with nothing unlawful in them;
the legal lead declines the escalated politicians; the ministry sends a
non-compliance notice through the portal; and the owner of a withheld account
appeals. The rest stays pending, under India's 36-hour clock.

On a fresh demo the order came in 30 hours ago, so the clock has hours left.
When it came in more recently (a demo seeded before this step existed, and
upgraded soon after), the same acts are replayed closer together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from tidings.demo.legal import PROTECTED_KINDS, REVIEW_RECEIVED_AGO, clock_at
from tidings.legal.actions.appeals import do_file_appeal
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.dialogue import do_acknowledge_demand, do_receive_noncompliance_notice
from tidings.legal.actions.publication import do_publish_demand
from tidings.legal.models import Channel, Demand, DemandItem, MatchStatus, ReviewState, Withholding
from tidings.legal.roles import authority_of
from tidings.social.models import Account, AccountKind, Role

#: Of the ordinary accounts named: the share withheld, and the share declined; the rest pend.
WITHHELD_SHARE = 0.55
DECLINED_SHARE = 0.15

WITHHOLD_REASON = (
    "Posts on this account repeat the content the order cites under s.69A; withheld in India only."
)
WITHHOLD_POST_REASON = (
    "This post is the content the order cites under s.69A; withheld in India only."
)
NEWS_REASON = (
    "News reporting; withholding it would not be consistent with Indian law "
    "on freedom of expression."
)
JOURNALIST_REASON = (
    "A journalist's reporting and comment; withholding it would not be consistent with "
    "Indian law on freedom of expression."
)
POLITICIAN_REASON = (
    "An elected representative's political speech; withholding it would not be "
    "consistent with Indian law on freedom of expression."
)
ORDINARY_DECLINE_REASON = (
    "No post on this account is the content the order cites; nothing to withhold."
)
NONCOMPLIANCE_TEXT = (
    "The Ministry notes that a large number of the accounts named in order "
    "No. 16(4)/2021-CLES remain accessible in India, including accounts the "
    "platform has decided not to block. Non-compliance with a direction under "
    "Section 69A(1) attracts the penal consequences of Section 69A(3) of the "
    "Information Technology Act, 2000. You are directed to comply with the order "
    "forthwith and to report the action taken."
)
APPEAL_TEXT = (
    "I farm near Sangrur and post about the protest from our village: photos, "
    "prices, the news from the camps at the border. Nothing I wrote calls for "
    "violence or is false. Please restore my account in India."
)


def _february_demands() -> tuple[Demand, Demand]:
    """(the emergency order, the order in review) that the ``legal_february`` step took in."""
    from tidings.demo.steps import step_summary

    summary = step_summary("legal_february") or {}
    return (
        Demand.objects.get(id=summary["emergency_order"]),
        Demand.objects.get(id=summary["order_in_review"]),
    )


def _ids(items: Sequence[DemandItem]) -> list[int]:
    return [i.id for i in items]


def _decide(
    demand: Demand, items: Sequence[DemandItem], action: str, reason: str, by: Account
) -> None:
    if items:
        do_decide_items(demand, _ids(items), action=action, reason=reason, acting_user=by)


def seed_review_decisions(context: Any) -> dict[str, Any]:
    """The step after ``legal_february``: decisions, the thread, an appeal, a clock running."""
    from tidings.demo.logins import demo_logins

    rng = context.rng("legal_review")
    logins = demo_logins()
    reviewer, lead = logins[Role.LEGAL], logins[Role.LEGAL_ADMIN]
    emergency, demand = _february_demands()
    if emergency.acknowledged_at is None:
        with clock_at(emergency.received_at + timedelta(minutes=40)):
            do_acknowledge_demand(emergency, acting_user=lead)
    received = demand.received_at
    # Offsets are hours after receipt as they fell on a fresh demo; compressed when the
    # order came in less than 30 hours ago, so no act is dated after "now".
    scale = min(1.0, (context.now - received) / REVIEW_RECEIVED_AGO)

    def at(hours: float) -> datetime:
        return received + timedelta(hours=hours) * scale

    items = list(
        DemandItem.objects.filter(demand=demand, match_status=MatchStatus.MATCHED)
        .select_related("account", "post")
        .order_by("line_number")
    )

    def by_kind(*kinds: str, state: str = ReviewState.PENDING) -> list[DemandItem]:
        return [
            i
            for i in items
            if i.review_state == state and i.account is not None and i.account.kind in kinds
        ]

    ordinary = [
        i
        for i in items
        if i.review_state == ReviewState.PENDING
        and i.post_id is None
        and i.account is not None
        and i.account.kind not in PROTECTED_KINDS
    ]
    rng.shuffle(ordinary)
    withhold = ordinary[: round(len(ordinary) * WITHHELD_SHARE)]
    decline = ordinary[len(withhold) : len(withhold) + round(len(ordinary) * DECLINED_SHARE)]
    posts = [i for i in items if i.review_state == ReviewState.PENDING and i.post_id is not None]
    news, journalists = by_kind(AccountKind.NEWS), by_kind(AccountKind.JOURNALIST)
    politicians = by_kind(AccountKind.POLITICIAN) + by_kind(
        AccountKind.POLITICIAN, state=ReviewState.ESCALATED
    )
    first, second = withhold[: len(withhold) * 2 // 3], withhold[len(withhold) * 2 // 3 :]

    with clock_at(at(2)):
        do_acknowledge_demand(demand, acting_user=reviewer)
    with clock_at(at(12)):
        _decide(demand, first, "withhold", WITHHOLD_REASON, reviewer)
        _decide(demand, posts, "withhold", WITHHOLD_POST_REASON, reviewer)
    with clock_at(at(14)):
        _decide(demand, news, "decline", NEWS_REASON, reviewer)
        _decide(demand, journalists, "decline", JOURNALIST_REASON, reviewer)
        _decide(demand, decline, "decline", ORDINARY_DECLINE_REASON, reviewer)
    with clock_at(at(16)):
        _decide(demand, politicians, "decline", POLITICIAN_REASON, lead)
    with clock_at(at(18)):
        _decide(demand, second, "withhold", WITHHOLD_REASON, reviewer)

    with clock_at(at(20)):
        # The order is confidential by India's rules; the lead publishes what was done with it,
        # so its public notice names the outlets, journalists and politicians kept up.
        do_publish_demand(demand, acting_user=lead)

    officer = logins.get(Role.AUTHORITY)
    member = (
        officer is not None and getattr(authority_of(officer), "id", None) == demand.authority_id
    )
    with clock_at(at(22)):
        do_receive_noncompliance_notice(
            demand,
            body=NONCOMPLIANCE_TEXT,
            channel=Channel.PORTAL if member else Channel.EMAIL,
            acting_user=officer if member else lead,
        )

    appealed = Withholding.objects.filter(demand_item_id__in=_ids(withhold), account__isnull=False)
    withholding = appealed.select_related("account").order_by("id").first()
    appeal = None
    if withholding is not None:
        with clock_at(at(26)):
            appeal = do_file_appeal(withholding, text=APPEAL_TEXT, acting_user=withholding.account)
    return {
        "order": demand.id,
        "withheld_accounts": len(withhold),
        "withheld_posts": len(posts),
        "declined": len(news) + len(journalists) + len(politicians) + len(decline),
        "appeal": appeal.id if appeal is not None else None,
    }
