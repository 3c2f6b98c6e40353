"""Accepting the local account intake suggested for an unknown line (a namesake elsewhere).

Intake never matches a handle on another server to our namesake: the namesake is only
``DemandItem.suggested_account``. A reviewer who judges that the order means our account
accepts it here, explicitly and on the record; only then can the item be decided.
"""

from __future__ import annotations

from django.db import transaction

from tidings.audit.chain import EventSpec, record_events
from tidings.legal.actions.intake import check_imported
from tidings.legal.models import DemandItem, MatchStatus, ReviewState
from tidings.legal.roles import check_desk_access
from tidings.legal.states import refresh_demand_status
from tidings.lib.errors import InvalidInput
from tidings.lib.locks import lock_legal_state
from tidings.social.models import Account


@transaction.atomic
def do_accept_suggestion(item: DemandItem, *, acting_user: Account) -> DemandItem:
    """The item names its suggested account: matched, reason "accepted suggestion by @x".

    Only for a pending ``unknown`` item that has a suggestion; anything else is
    ``InvalidInput`` and changes nothing. Desk staff only.
    """
    check_desk_access(acting_user)
    lock_legal_state()  # lock order: tidings/lib/locks.py
    item = (
        DemandItem.objects.select_for_update(of=("self",))
        .select_related("demand", "suggested_account")
        .get(id=item.id)
    )
    check_imported(item.demand)
    if item.suggested_account_id is None:
        raise InvalidInput(f"Line {item.line_number} has no suggested account to accept.")
    if item.match_status != MatchStatus.UNKNOWN:
        raise InvalidInput(
            f"Line {item.line_number} is {item.get_match_status_display().lower()}, not unknown; "
            "only an unknown line's suggestion can be accepted."
        )
    if item.review_state != ReviewState.PENDING:
        raise InvalidInput(f"Line {item.line_number} has already been decided.")
    reason = f"accepted suggestion by @{acting_user.username}"
    previous = item.match_reason
    DemandItem.objects.filter(id=item.id).update(
        account_id=item.suggested_account_id,
        match_status=MatchStatus.MATCHED,
        match_reason=reason,
    )
    item.account_id, item.match_status, item.match_reason = (
        item.suggested_account_id,
        MatchStatus.MATCHED,
        reason,
    )
    item.account = item.suggested_account
    refresh_demand_status(item.demand)
    record_events(
        [
            EventSpec(
                "legal.item.accept_suggestion",
                acting_user.id,
                "demand_item",
                str(item.id),
                {
                    "demand": item.demand_id,
                    "line": item.line_number,
                    "account": item.suggested_account_id,
                    "handle": item.suggested_account.username,
                    "previous_reason": previous,
                },
            )
        ]
    )
    return item
