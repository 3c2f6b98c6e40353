"""Template filters for the legal desk: who sees its link, and labels for its states."""

from __future__ import annotations

from django import template

from tidings.legal import roles
from tidings.social.models import Account

register = template.Library()


@register.filter
def can_use_desk(account: Account | None) -> bool:
    """Whether ``account`` may use the legal desk (the nav shows its link only then)."""
    return roles.can_use_desk(account)


@register.filter
def can_moderate(account: Account | None) -> bool:
    """Whether ``account`` handles user reports (the nav shows the queue's link only then)."""
    from tidings.social.reports import can_moderate as allowed

    return allowed(account)


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """``mapping[key]`` or 0, for counts keyed by state."""
    return mapping.get(key, 0) if mapping else 0


@register.filter
def can_use_portal(account: Account | None) -> bool:
    """Whether ``account`` speaks for an authority (the nav shows the portal's link only then)."""
    return roles.has_permission(account, roles.Permission.USE_AUTHORITY_PORTAL)


#: How the portal names each public outcome of a line.
OUTCOME_LABELS = {
    "pending": "Pending",
    "withheld": "Withheld",
    "declined": "Declined",
    "lifted": "Lifted",
    "expired": "Expired",
    "not_actionable": "Not actionable",
    "duplicate": "Duplicate",
}


@register.filter
def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome, outcome)
