"""Who may do what: the one permission table, and the checks every privileged action calls.

Each privileged ``do_*`` action calls :func:`check_permission` (or one of the
narrower checks below) as its first statement, so a refusal changes nothing
and records nothing. Inactive and suspended accounts hold no permission.
``acting_user=None`` is the server itself (command line, demo seeding); only
the actions that document it accept it.

| permission              | user | moderator | legal | legal_admin | admin |
| ----------------------- | ---- | --------- | ----- | ----------- | ----- |
| suspend accounts        |      | yes       |       |             | yes   |
| approve sign-ups        |      | yes       |       |             | yes   |
| handle user reports     |      | yes       |       |             | yes   |
| set roles               |      |           |       |             | yes   |
| use the legal desk      |      |           | yes   | yes         | yes   |
| administer the desk     |      |           |       | yes         | yes   |
| use the authority portal (role ``authority``, bound to one Authority; nothing else)  |

A moderator may suspend ordinary users only: staff accounts answer to an admin.
Nobody changes their own role or suspends themselves.
"""

from __future__ import annotations

from enum import StrEnum

from tidings.lib.errors import NotPermitted
from tidings.social.models import Account, Role


class Permission(StrEnum):
    SUSPEND_ACCOUNTS = "suspend_accounts"
    APPROVE_SIGNUPS = "approve_signups"
    MODERATE_REPORTS = "moderate_reports"
    SET_ROLES = "set_roles"
    USE_LEGAL_DESK = "use_legal_desk"
    ADMINISTER_LEGAL_DESK = "administer_legal_desk"
    USE_AUTHORITY_PORTAL = "use_authority_portal"


PERMISSIONS: dict[Permission, frozenset[str]] = {
    Permission.SUSPEND_ACCOUNTS: frozenset({Role.MODERATOR, Role.ADMIN}),
    Permission.APPROVE_SIGNUPS: frozenset({Role.MODERATOR, Role.ADMIN}),
    Permission.MODERATE_REPORTS: frozenset({Role.MODERATOR, Role.ADMIN}),
    Permission.SET_ROLES: frozenset({Role.ADMIN}),
    Permission.USE_LEGAL_DESK: frozenset({Role.LEGAL, Role.LEGAL_ADMIN, Role.ADMIN}),
    Permission.ADMINISTER_LEGAL_DESK: frozenset({Role.LEGAL_ADMIN, Role.ADMIN}),
    Permission.USE_AUTHORITY_PORTAL: frozenset({Role.AUTHORITY}),
}

#: Refusal messages, phrased as what the account tried to do.
REFUSALS: dict[Permission, str] = {
    Permission.SUSPEND_ACCOUNTS: "Only moderators and admins can suspend accounts.",
    Permission.APPROVE_SIGNUPS: "Only moderators and admins can approve sign-ups.",
    Permission.MODERATE_REPORTS: "Only moderators and admins can handle reports.",
    Permission.SET_ROLES: "Only an admin can change roles.",
    Permission.USE_LEGAL_DESK: "The legal desk is for the legal team only.",
    Permission.ADMINISTER_LEGAL_DESK: "Only a legal admin can do that.",
    Permission.USE_AUTHORITY_PORTAL: "The portal is for the authorities we correspond with.",
}


def has_permission(account: Account | None, permission: Permission) -> bool:
    """Whether ``account`` (active, not suspended) holds ``permission`` through its role."""
    return (
        account is not None
        and account.is_active
        and not account.is_suspended
        and account.role in PERMISSIONS[permission]
    )


def check_permission(
    account: Account | None, permission: Permission, message: str | None = None
) -> Account:
    """``account`` if it holds ``permission``; else ``NotPermitted`` (a 403 in views and the API)."""
    if not has_permission(account, permission):
        raise NotPermitted(message or REFUSALS[permission])
    assert account is not None
    return account


def check_can_suspend(acting_user: Account, target: Account) -> None:
    """Moderators and admins suspend (and lift suspensions); only an admin acts on staff."""
    check_permission(acting_user, Permission.SUSPEND_ACCOUNTS)
    if acting_user.id == target.id:
        raise NotPermitted("You cannot suspend yourself.")
    if target.role != Role.USER and acting_user.role != Role.ADMIN:
        raise NotPermitted("Only an admin can suspend a staff account.")


def check_can_set_role(acting_user: Account | None, target: Account, role: str) -> None:
    """Only an admin sets roles, never its own; ``None`` is the server itself (command line)."""
    if acting_user is None:
        return
    check_permission(acting_user, Permission.SET_ROLES)
    if acting_user.id == target.id:
        raise NotPermitted("You cannot change your own role.")


def check_can_grant_role(acting_user: Account | None, role: str) -> None:
    """Creating an account with a staff role is setting a role: admins (or the server) only."""
    if role == Role.USER or acting_user is None:
        return
    check_permission(acting_user, Permission.SET_ROLES)
