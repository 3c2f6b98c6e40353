"""Who may do what on the legal desk. Every role check of the desk lives here.

- ``legal`` reviews demands and decides items (withhold in named countries, decline, escalate).
- ``legal_admin`` also withholds everywhere (``XX``), confirms emergency orders,
  releases confidential notices and sees everything.
- ``moderator`` and users see none of the desk.
"""

from __future__ import annotations

from tidings.lib.errors import NotPermitted
from tidings.social.models import Account, Role

DESK_ROLES = frozenset({Role.LEGAL, Role.LEGAL_ADMIN, Role.ADMIN})
DESK_ADMIN_ROLES = frozenset({Role.LEGAL_ADMIN, Role.ADMIN})


def can_use_desk(account: Account | None) -> bool:
    return account is not None and account.is_active and account.role in DESK_ROLES


def is_desk_admin(account: Account | None) -> bool:
    return account is not None and account.is_active and account.role in DESK_ADMIN_ROLES


def check_desk_access(account: Account | None) -> Account:
    """The account if it may use the desk; else ``NotPermitted``."""
    if not can_use_desk(account):
        raise NotPermitted("The legal desk is for the legal team only.")
    assert account is not None
    return account


def check_desk_admin(account: Account | None, what: str) -> Account:
    """The account if it holds ``legal_admin``; else ``NotPermitted`` naming ``what`` it tried."""
    if not is_desk_admin(account):
        raise NotPermitted(f"Only a legal admin can {what}.")
    assert account is not None
    return account
