"""Who may do what on the legal desk, read from the one permission table (``social.roles``).

- ``legal`` reviews demands and decides items (withhold in named countries, decline, escalate).
- ``legal_admin`` also withholds everywhere (``XX``), confirms emergency orders,
  releases confidential notices and sees everything.
- ``authority`` accounts (bound to one Authority by ``AuthorityMember``) use the portal:
  their own authority's demands and correspondence, nothing else.
- ``moderator`` and users see none of the desk.
"""

from __future__ import annotations

from tidings.lib.errors import NotPermitted
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


def authority_of(account: Account | None):
    """The Authority an active ``authority`` account speaks for, or None."""
    from tidings.legal.models import AuthorityMember

    if not has_permission(account, Permission.USE_AUTHORITY_PORTAL):
        return None
    member = AuthorityMember.objects.filter(account_id=account.id).select_related("authority")
    found = member.first()
    return found.authority if found is not None else None


def check_can_correspond(account: Account | None, demand) -> Account:
    """Desk staff write on any demand's thread; an authority's member only on its own demands.

    Anyone else, and a member of another authority, gets ``NotFound``-free
    ``NotPermitted`` with the same words, so the refusal tells nothing about the demand.
    """
    if can_use_desk(account):
        assert account is not None
        return account
    authority = authority_of(account)
    if authority is None or authority.id != demand.authority_id:
        raise NotPermitted("You cannot write on this demand's correspondence.")
    assert account is not None
    return account
