"""One demo login per role, made through the real account action (so each is audited)."""

from __future__ import annotations

from dataclasses import dataclass

from tidings.social.actions import do_create_account
from tidings.social.models import Account, AccountKind, Role


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    display_name: str


#: Memorable on purpose: these are printed for anyone trying the demo.
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(Role.ADMIN, "demo_admin", "open-gate-keeper", "Demo Administrator"),
    DemoLogin(Role.USER, "demo_user", "green-mustard-fields", "Demo User"),
    DemoLogin(Role.MODERATOR, "demo_moderator", "quiet-river-lantern", "Demo Moderator"),
    DemoLogin(Role.LEGAL, "demo_legal", "sealed-envelope-48", "Demo Legal Reviewer"),
    DemoLogin(Role.LEGAL_ADMIN, "demo_legal_admin", "blue-ink-registry", "Demo Legal Lead"),
    #: Speaks for the ministry of the February orders (bound when they are seeded).
    DemoLogin(Role.AUTHORITY, "demo_authority", "stamped-letter-69", "Demo Ministry Officer"),
)


#: The login to sign in with to see the site as a viewer in India (its profile country is IN).
INDIA_VIEWER = "demo_user"


def create_demo_logins() -> dict[str, Account]:
    """Create every demo login (the admin first, who then creates the rest); role -> account.

    The authority's login starts as an ordinary account: it becomes ``authority``
    when it is bound to its ministry (``seed_february_scenario``).
    """
    created: dict[str, Account] = {}
    for login in DEMO_LOGINS:
        created[login.role] = do_create_account(
            login.username,
            email=f"{login.username}@example.org",
            password=login.password,
            acting_user=created.get(Role.ADMIN),
            role=Role.USER if login.role == Role.AUTHORITY else login.role,
            display_name=login.display_name,
            country="IN",
            kind=AccountKind.PERSON,
        )
    return created


def demo_logins() -> dict[str, Account]:
    """The demo logins that exist, by role."""
    by_name = {
        a.username: a
        for a in Account.objects.filter(username__in=[d.username for d in DEMO_LOGINS])
    }
    return {d.role: by_name[d.username] for d in DEMO_LOGINS if d.username in by_name}
