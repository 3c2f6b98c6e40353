"""The February scenario on the legal desk, replayed through the real actions.

A ministry sends an emergency order of 257 targets (twitter.com links to
accounts, links to posts here, a few malformed lines, unknown handles and
duplicates). The platform withholds the matched ones in India, and six hours
later reinstates them. A second order of 1,178 lines (handles, and links to a
few posts) follows the next day and goes into review: among them news outlets,
journalists and politicians, some declined or escalated within hours.

Every change goes through the ``do_*`` actions of the desk, so the demo's
audit log and notices are what the real desk would leave. The scenario is
replayed at the times it happened (two days and 30 hours ago, so that India's
36-hour clock on the second order still runs) by running each act with the
clock set to that moment. What the desk did next is ``legal_review.py``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models.functions import Lower
from django.utils import timezone

from tidings.demo.names import FIRST_NAMES_IN, LAST_NAMES_IN
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.intake import do_import_demand
from tidings.legal.actions.portal import do_add_authority_member
from tidings.legal.actions.withholding import do_lift_withholdings
from tidings.legal.models import DemandItem, Withholding
from tidings.social.models import Account, AccountKind, Post, Role, Visibility

AUTHORITY = "Ministry of Electronics and Information Technology"
FIRST_ORDER_LINES = 257
SECOND_ORDER_LINES = 1178
PROTECTED_KINDS = (AccountKind.NEWS, AccountKind.JOURNALIST, AccountKind.POLITICIAN)
#: How long before "now" the second order came in: India's 36-hour clock has a few hours left.
REVIEW_RECEIVED_AGO = timedelta(hours=30)
#: Links to posts here in the second order (the rest of its lines name accounts).
SECOND_ORDER_POSTS = 6
PROTEST_TAGS = ("farmersprotest", "farmlaws", "kisanekta", "standwithfarmers")


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Run the actions inside as if it were ``moment`` (to replay past events)."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def _handles_to_reach(rng: random.Random, total: int) -> list[str]:
    """Ordinary accounts added so that a 1,178-handle order names mostly real accounts."""
    existing = Account.objects.count()
    missing = max(0, total - existing)
    taken = set(Account.objects.annotate(h=Lower("username")).values_list("h", flat=True))
    handles: list[str] = []
    while len(handles) < missing:
        handle = (
            f"{rng.choice(FIRST_NAMES_IN)}{rng.choice(LAST_NAMES_IN)}{rng.randrange(10, 9999)}"
        )[:30]
        if handle.lower() not in taken:
            taken.add(handle.lower())
            handles.append(handle)
    return handles


def _add_ordinary_accounts(rng: random.Random, now: datetime, total: int) -> int:
    handles = _handles_to_reach(rng, total)
    unusable = make_password(None)
    Account.objects.bulk_create(
        [
            Account(
                username=h,
                email=f"{h.lower()}@example.net",
                password=unusable,
                display_name=h.rstrip("0123456789"),
                country="IN",
                created_at=now - timedelta(days=rng.randrange(30, 3000)),
            )
            for h in handles
        ],
        batch_size=1000,
    )
    return len(handles)


def _candidates() -> list[Account]:
    return list(
        Account.objects.filter(role=Role.USER, suspended_at__isnull=True)
        .exclude(username__startswith="demo_")
        .order_by("id")
    )


def first_order_lines(rng: random.Random, accounts: list[Account], size: int) -> list[str]:
    """``size`` lines as a ministry sends them: mostly twitter.com profile links, some post links."""
    ordinary = [a for a in accounts if a.kind not in PROTECTED_KINDS]
    named = rng.sample(ordinary, k=min(size * 9 // 10, len(ordinary)))
    cut = len(named) * 7 // 8
    profiles, rest = named[:cut], named[cut:]
    lines = [f"https://twitter.com/{a.username}" for a in profiles]
    posts = list(
        Post.objects.filter(author__in=rest[:-4], repost_of__isnull=True)
        .order_by("-id")
        .values_list("author__username", "id")[: len(rest)]
    )
    lines += [f"https://{settings.DOMAIN}/@{handle}/{post_id}" for handle, post_id in posts]
    lines += [
        f"https://twitter.com/{a.username}/status/13561{i:08d}" for i, a in enumerate(rest[-4:])
    ]
    lines += ["https://twitter.com/", "@@", "see attached list", "https://twitter.com/i/web"]
    lines += [f"@unknownhandle{i}" for i in range(max(0, size - len(lines) - 5))]
    lines += rng.sample(lines, k=5)  # the same targets again, as orders do
    rng.shuffle(lines)
    return lines[:size]


def _post_links(rng: random.Random, authors: list[Account], count: int) -> dict[str, str]:
    """Handle -> link to a public, original post on the protest, for up to ``count`` authors."""
    latest: dict[str, int] = {}
    for handle, post_id in (
        Post.objects.filter(
            author__in=authors,
            visibility=Visibility.PUBLIC,
            repost_of__isnull=True,
            in_reply_to__isnull=True,
            hashtag_links__hashtag__name__in=PROTEST_TAGS,
        )
        .order_by("id")
        .values_list("author__username", "id")
    ):
        latest[handle] = post_id
    chosen = rng.sample(sorted(latest), k=min(count, len(latest)))
    return {handle: f"https://{settings.DOMAIN}/@{handle}/{latest[handle]}" for handle in chosen}


def second_order_lines(rng: random.Random, accounts: list[Account], size: int) -> list[str]:
    """``size`` lines: every news outlet, journalist and politician, other accounts, a few posts."""
    protected = [a for a in accounts if a.kind in PROTECTED_KINDS][: size // 2]
    ordinary = [a for a in accounts if a.kind not in PROTECTED_KINDS]
    posts = _post_links(rng, ordinary[: len(ordinary) // 4], SECOND_ORDER_POSTS)
    ordinary = [a for a in ordinary if a.username not in posts]
    wanted = size - len(protected) - 3 - len(posts)
    named = protected + rng.sample(ordinary, k=min(wanted, len(ordinary)))
    lines = [rng.choice(["@{}", "{}", "https://twitter.com/{}"]).format(a.username) for a in named]
    lines += posts.values()
    rng.shuffle(lines)
    lines += ["@ghost_account_1", "not-a-handle!", '"@kisan_ekta_nonexistent"']
    return lines[:size]


def seed_february_scenario(context: Any) -> dict[str, Any]:
    """The step appended to the demo: two orders, a withhold-then-reinstate, a review underway."""
    from tidings.demo.logins import demo_logins

    rng = context.rng("legal_february")
    logins = demo_logins()
    reviewer, lead = logins[Role.LEGAL], logins[Role.LEGAL_ADMIN]
    now = context.now
    # The real sizes with the full demo; a small demo (tests) gets proportionally small orders.
    scale = min(1.0, context.accounts / 300)
    first_size = max(30, round(FIRST_ORDER_LINES * scale))
    second_size = max(60, round(SECOND_ORDER_LINES * scale))
    added = _add_ordinary_accounts(rng, now - timedelta(days=3), second_size + 120)
    accounts = _candidates()

    received = now - timedelta(days=2)
    with clock_at(received):
        emergency = do_import_demand(
            "\n".join(first_order_lines(rng, accounts, first_size)),
            authority_name=AUTHORITY,
            country="IN",
            reference="No. 16(4)/2021-CLES (emergency)",
            legal_basis="Section 69A of the Information Technology Act, 2000; "
            "Rule 9 of the Blocking Rules, 2009 (emergency)",
            legal_basis_code="IN-ITA-69A",
            kind="emergency_order",
            filename="order-257.txt",
            acting_user=reviewer,
        ).demand
        if Role.AUTHORITY in logins:
            do_add_authority_member(logins[Role.AUTHORITY], emergency.authority, acting_user=lead)
    with clock_at(received + timedelta(hours=1)):
        do_decide_items(
            emergency,
            "all_matched",
            action="withhold",
            reason="Emergency order under s.69A; withheld in India pending review.",
            acting_user=lead,
        )
    with clock_at(received + timedelta(hours=7)):
        withheld = list(Withholding.objects.filter(demand_item__demand=emergency))
        do_lift_withholdings(withheld, reason="restored by us", acting_user=lead)

    review_received = now - REVIEW_RECEIVED_AGO
    with clock_at(review_received):
        review = do_import_demand(
            "\n".join(second_order_lines(rng, accounts, second_size)),
            authority_name=AUTHORITY,
            country="IN",
            reference="No. 16(4)/2021-CLES",
            legal_basis="Section 69A of the Information Technology Act, 2000",
            legal_basis_code="IN-ITA-69A",
            kind="order",
            filename="order-1178.csv",
            acting_user=reviewer,
        ).demand
    items = list(
        DemandItem.objects.filter(demand=review, match_status="matched").select_related("account")
    )
    news = [i.id for i in items if i.account and i.account.kind == AccountKind.NEWS][:12]
    politicians = [i.id for i in items if i.account and i.account.kind == AccountKind.POLITICIAN][
        :6
    ]
    with clock_at(review_received + timedelta(hours=10)):
        if news:
            do_decide_items(
                review,
                news,
                action="decline",
                reason="News reporting; withholding it would not be consistent with Indian law "
                "on freedom of expression.",
                acting_user=reviewer,
            )
        if politicians:
            do_decide_items(
                review,
                politicians,
                action="escalate",
                reason="Elected representative: for the legal lead.",
                acting_user=reviewer,
            )
    return {
        "accounts_added": added,
        "emergency_order": emergency.id,
        "order_in_review": review.id,
    }
