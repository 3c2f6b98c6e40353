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
def get_item(mapping: dict, key: object) -> object:
    """``mapping[key]`` or 0, for counts keyed by state."""
    return mapping.get(key, 0) if mapping else 0
