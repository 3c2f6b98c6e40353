"""Every role against every privileged action: allowed, or refused with no change and no record."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tidings.audit.models import AuditEvent
from tidings.legal.roles import can_use_desk, is_desk_admin
from tidings.lib.errors import NotPermitted
from tidings.social.actions import (
    do_create_account,
    do_set_role,
    do_suspend_account,
    do_unsuspend_account,
)
from tidings.social.actions.registration import do_approve_account
from tidings.social.models import Account, Role
from tidings.social.roles import PERMISSIONS, Permission, has_permission

ROLES = [r.value for r in Role]
SUSPENDERS = {"moderator", "admin"}


@pytest.fixture
def actor_of(make_account):
    def make(role: str) -> Account:
        return make_account(f"actor_{role}", role=role)

    return make


def events() -> int:
    return AuditEvent.objects.count()


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_and_admins_suspend_a_user(role, actor_of, alice):
    actor = actor_of(role)
    before = events()
    if role in SUSPENDERS:
        do_suspend_account(alice, reason="spam", acting_user=actor)
        alice.refresh_from_db()
        assert alice.is_suspended
        assert AuditEvent.objects.filter(action="account.suspend").count() == 1
    else:
        with pytest.raises(NotPermitted, match="moderators and admins"):
            do_suspend_account(alice, reason="spam", acting_user=actor)
        alice.refresh_from_db()
        assert not alice.is_suspended
        assert events() == before


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_and_admins_lift_a_suspension(role, actor_of, alice):
    Account.objects.filter(id=alice.id).update(suspended_at=timezone.now())
    alice.refresh_from_db()
    actor = actor_of(role)
    before = events()
    if role in SUSPENDERS:
        do_unsuspend_account(alice, reason="appeal upheld", acting_user=actor)
        alice.refresh_from_db()
        assert not alice.is_suspended
        assert events() == before + 1
    else:
        with pytest.raises(NotPermitted):
            do_unsuspend_account(alice, reason="appeal upheld", acting_user=actor)
        alice.refresh_from_db()
        assert alice.is_suspended
        assert events() == before


@pytest.mark.parametrize("staff_role", ["moderator", "legal", "legal_admin", "admin"])
def test_a_moderator_cannot_suspend_a_staff_account(staff_role, make_account):
    moderator = make_account("mod", role="moderator")
    staff = make_account("staffer", role=staff_role)
    before = events()
    with pytest.raises(NotPermitted, match="Only an admin can suspend a staff account"):
        do_suspend_account(staff, reason="x", acting_user=moderator)
    staff.refresh_from_db()
    assert not staff.is_suspended
    assert events() == before


def test_an_admin_can_suspend_a_moderator(make_account):
    admin = make_account("root", role="admin")
    moderator = make_account("mod", role="moderator")
    do_suspend_account(moderator, reason="abuse of tools", acting_user=admin)
    moderator.refresh_from_db()
    assert moderator.is_suspended


def test_nobody_suspends_themselves(make_account):
    admin = make_account("root", role="admin")
    with pytest.raises(NotPermitted, match="yourself"):
        do_suspend_account(admin, reason="x", acting_user=admin)


def test_a_suspended_moderator_holds_no_permission(make_account, alice):
    moderator = make_account("mod", role="moderator")
    Account.objects.filter(id=moderator.id).update(suspended_at=timezone.now())
    moderator.refresh_from_db()
    with pytest.raises(NotPermitted):
        do_suspend_account(alice, reason="x", acting_user=moderator)


@pytest.mark.parametrize("granted", ROLES)
@pytest.mark.parametrize("role", ROLES)
def test_only_an_admin_sets_roles(role, granted, actor_of, alice):
    actor = actor_of(role)
    before = events()
    if role == "admin":
        do_set_role(alice, granted, acting_user=actor)
        alice.refresh_from_db()
        assert alice.role == granted
        assert alice.is_staff is (granted == "admin")
        event = AuditEvent.objects.filter(action="account.set_role").latest("seq")
        assert event.actor_id == actor.id
        assert event.data == {"from": "user", "to": granted}
    else:
        with pytest.raises(NotPermitted, match="Only an admin can change roles"):
            do_set_role(alice, granted, acting_user=actor)
        alice.refresh_from_db()
        assert alice.role == "user"
        assert not alice.is_staff
        assert events() == before


def test_a_moderator_cannot_make_itself_admin(make_account):
    moderator = make_account("mod", role="moderator")
    with pytest.raises(NotPermitted):
        do_set_role(moderator, "admin", acting_user=moderator)
    moderator.refresh_from_db()
    assert moderator.role == "moderator"


def test_an_admin_cannot_change_its_own_role(make_account):
    admin = make_account("root", role="admin")
    with pytest.raises(NotPermitted, match="your own role"):
        do_set_role(admin, "user", acting_user=admin)


@pytest.mark.parametrize("granted", ["moderator", "legal", "legal_admin", "admin"])
@pytest.mark.parametrize("role", ROLES)
def test_only_an_admin_creates_a_staff_account(role, granted, actor_of):
    actor = actor_of(role)
    before = events()
    make = lambda: do_create_account(  # noqa: E731
        "newstaff", email="new@example.com", password=None, acting_user=actor, role=granted
    )
    if role == "admin":
        assert make().role == granted
    else:
        with pytest.raises(NotPermitted):
            make()
        assert not Account.objects.filter(username="newstaff").exists()
        assert events() == before


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_and_admins_approve_sign_ups(role, actor_of, make_account):
    applicant = make_account("applicant")
    Account.objects.filter(id=applicant.id).update(approved=False)
    applicant.refresh_from_db()
    actor = actor_of(role)
    before = events()
    if role in SUSPENDERS:
        do_approve_account(applicant, acting_user=actor)
        applicant.refresh_from_db()
        assert applicant.approved
    else:
        with pytest.raises(NotPermitted):
            do_approve_account(applicant, acting_user=actor)
        applicant.refresh_from_db()
        assert not applicant.approved
        assert events() == before


@pytest.mark.parametrize("role", ROLES)
def test_the_desk_checks_read_the_same_table(role, actor_of):
    actor = actor_of(role)
    assert can_use_desk(actor) is (role in {"legal", "legal_admin", "admin"})
    assert is_desk_admin(actor) is (role in {"legal_admin", "admin"})
    for permission in Permission:
        assert has_permission(actor, permission) is (role in PERMISSIONS[permission])


DESK = {"legal", "legal_admin", "admin"}
DESK_ADMINS = {"legal_admin", "admin"}


@pytest.mark.parametrize("countries", [["IN"], ["XX"]])
@pytest.mark.parametrize("role", ROLES)
def test_withholding_is_for_the_desk_and_everywhere_for_its_admins(
    role, countries, actor_of, alice
):
    from tidings.legal.actions.withholding import do_withhold
    from tidings.legal.models import Withholding

    actor = actor_of(role)
    before = events()
    allowed = role in (DESK_ADMINS if countries == ["XX"] else DESK)
    if allowed:
        do_withhold(account=alice, countries=countries, reason="court order", acting_user=actor)
        assert Withholding.objects.filter(account=alice).count() == 1
    else:
        with pytest.raises(NotPermitted):
            do_withhold(account=alice, countries=countries, reason="court order", acting_user=actor)
        assert not Withholding.objects.exists()
        assert events() == before


@pytest.mark.parametrize("role", ROLES)
def test_importing_an_order_is_for_the_desk(role, actor_of, alice, import_order):
    from tidings.legal.models import Demand

    actor = actor_of(role)
    before = events()
    if role in DESK:
        import_order("@alice", acting_user=actor)
        assert Demand.objects.count() == 1
    else:
        with pytest.raises(NotPermitted):
            import_order("@alice", acting_user=actor)
        assert not Demand.objects.exists()
        assert events() == before
