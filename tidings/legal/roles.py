"""Who may do what on the legal desk, read from the one permission table (``social.roles``).

- ``legal`` reviews demands and decides items (withhold in named countries, decline, escalate).
- ``legal_admin`` also withholds everywhere (``XX``), confirms emergency orders,
  releases confidential notices and sees everything.
- ``moderator`` and users see none of the desk.
"""

from __future__ import annotations

from tidings.social.models import Account
from tidings.social.roles import PERMISSIONS, Permission, check_permission, has_permission

DESK_ROLES = PERMISSIONS[Permission.USE_LEGAL_DESK]
DESK_ADMIN_ROLES = PERMISSIONS[Permission.ADMINISTER_LEGAL_DESK]


def can_use_desk(account: Account | None) -> bool:
    return has_permission(account, Permission.USE_LEGAL_DESK)


def is_desk_admin(account: Account | None) -> bool:
    return has_permission(account, Permission.ADMINISTER_LEGAL_DESK)


def check_desk_access(account: Account | None) -> Account:
    """The account if it may use the desk; else ``NotPermitted``."""
    return check_permission(account, Permission.USE_LEGAL_DESK)


def check_desk_admin(account: Account | None, what: str) -> Account:
    """The account if it holds ``legal_admin``; else ``NotPermitted`` naming ``what`` it tried."""
    return check_permission(
        account, Permission.ADMINISTER_LEGAL_DESK, f"Only a legal admin can {what}."
    )
