"""The authority portal's actions: members, orders they submit, and what they may read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.legal.portal_world import (
    PDF,
    SECRETS,
    World,
    make_member,
    submit,
    world_fixture,  # noqa: F401
)
from tidings.audit.models import AuditEvent
from tidings.legal.actions.correspondence import NewAttachment
from tidings.legal.actions.portal import (
    do_add_authority_member,
    do_find_or_create_authority,
    do_send_portal_message,
    do_submit_order,
)
from tidings.legal.actions.withholding import do_lift_withholding
from tidings.legal.models import AuthorityMember, Correspondence, Demand, Withholding
from tidings.legal.portal_queries import (
    access_portal_attachment,
    access_portal_demand,
    item_outcomes,
    portal_items,
)
from tidings.legal.roles import can_use_desk
from tidings.lib.errors import InvalidInput, NotFound, NotPermitted
from tidings.social.models import Account
from tidings.social.roles import Permission, has_permission


def outcomes_by_line(demand: Demand, now=None) -> dict[str, tuple[str, str]]:
    """Outcome and text by raw line (the first line with those words)."""
    items = portal_items(demand).order_by("-line_number")
    return {o.raw: (o.outcome, o.text) for o in item_outcomes(items, now or timezone.now())}


# -- membership ------------------------------------------------------------------------


def test_a_legal_admin_makes_an_account_an_authoritys_member_and_it_is_audited(
    make_account, legal_admin
):
    account = make_account("officer")
    authority, _ = do_find_or_create_authority("MeitY", country="in", acting_user=legal_admin)
    member = do_add_authority_member(account, authority, acting_user=legal_admin)
    account.refresh_from_db()
    assert account.role == "authority" and member.authority == authority
    assert authority.country == "IN"
    event = AuditEvent.objects.filter(action="legal.authority.member").get()
    assert event.actor_id == legal_admin.id and event.subject_id == str(account.id)
    assert event.data["authority_name"] == "MeitY" and event.data["from_role"] == "user"


def test_only_legal_admins_add_members(make_account, legal):
    account = make_account("officer")
    authority, _ = do_find_or_create_authority("MeitY", country="IN", acting_user=None)
    with pytest.raises(NotPermitted):
        do_add_authority_member(account, authority, acting_user=legal)
    assert not AuthorityMember.objects.exists()
    assert Account.objects.get(id=account.id).role == "user"


def test_a_staff_account_cannot_become_a_member(make_account, legal, legal_admin):
    authority, _ = do_find_or_create_authority("MeitY", country="IN", acting_user=None)
    with pytest.raises(InvalidInput, match="ordinary account"):
        do_add_authority_member(legal, authority, acting_user=legal_admin)
    assert Account.objects.get(id=legal.id).role == "legal"


def test_an_account_speaks_for_one_authority_only(make_account):
    account, _ = make_member(make_account, "officer", "MeitY", "IN")
    other, _ = do_find_or_create_authority("PTA", country="PK", acting_user=None)
    with pytest.raises(InvalidInput, match="one authority only"):
        do_add_authority_member(account, other, acting_user=None)


def test_a_member_holds_no_other_permission(make_account):
    account, _ = make_member(make_account, "officer", "MeitY", "IN")
    assert not can_use_desk(account)
    held = [p for p in Permission if has_permission(account, p)]
    assert held == [Permission.USE_AUTHORITY_PORTAL]


def test_cli_adds_a_member_creating_the_account_and_the_authority(db, capsys):
    call_command(
        "authority", "add-member", "officer", "--authority", "MeitY", "--country", "IN",
        "--email", "officer@example.gov", "--password", "long-enough-password-1",
    )  # fmt: skip
    assert "@officer now speaks for MeitY (IN) (new authority)." in capsys.readouterr().out
    member = AuthorityMember.objects.select_related("account", "authority").get()
    assert member.account.role == "authority" and member.authority.kind == "ministry"


def test_cli_names_a_missing_account(db):
    with pytest.raises(CommandError, match="no account @ghost"):
        call_command("authority", "add-member", "ghost", "--authority", "X", "--country", "IN")


def test_cli_refuses_an_unknown_country(make_account):
    make_account("officer")
    with pytest.raises(CommandError):
        call_command("authority", "add-member", "officer", "--authority", "X", "--country", "QQ")
    assert Account.objects.get(username="officer").role == "user"


# -- submitting orders -----------------------------------------------------------------


def test_a_submitted_order_is_its_authoritys_in_its_country_received_now(make_account):
    make_account("kisanvoice")
    member, authority = make_member(make_account, "officer", "MeitY", "IN")
    before = timezone.now()
    demand = submit(
        member, "@kisanvoice\n@ghost\n", "MEITY/9", kind="emergency_order", legal_basis="s.69A"
    )
    assert demand.authority == authority and demand.country == "IN"
    assert demand.kind == "emergency_order" and demand.received_at >= before
    assert demand.items.count() == 2
    event = AuditEvent.objects.get(action="legal.import", subject_id=str(demand.id))
    assert event.actor_id == member.id and event.data["authority"] == "MeitY"
    message = Correspondence.objects.get(demand=demand)
    assert (message.direction, message.kind, message.channel) == ("inbound", "order", "portal")
    assert message.created_by_id == member.id


def test_a_submission_cannot_name_another_authority_or_country(make_account):
    member, authority = make_member(make_account, "officer", "MeitY", "IN")
    with pytest.raises(TypeError):
        do_submit_order("@x\n", reference="R", authority_name="PTA", acting_user=member)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        do_submit_order("@x\n", reference="R", country="PK", acting_user=member)  # type: ignore[call-arg]
    assert not Demand.objects.exists()


def test_only_members_submit_orders(make_account, legal):
    for someone in (make_account("plain"), legal):
        with pytest.raises(NotPermitted):
            do_submit_order("@x\n", reference="R", acting_user=someone)
    assert not Demand.objects.exists()


def test_a_submission_with_nul_bytes_or_huge_fields_is_refused_clearly(make_account):
    member, _ = make_member(make_account, "officer", "MeitY", "IN")
    with pytest.raises(InvalidInput, match="reference"):
        submit(member, "@x\n", "R" * 1_000_000)
    with pytest.raises(InvalidInput):
        submit(member, "@x\n", "")
    demand = submit(member, "@x\n", "REF\x00/1", legal_basis="s.69A\x00")
    assert demand.reference == "REF/1" and demand.legal_basis == "s.69A"


def test_a_member_whose_account_is_suspended_submits_nothing(make_account):
    member, _ = make_member(make_account, "officer", "MeitY", "IN")
    Account.objects.filter(id=member.id).update(suspended_at=timezone.now())
    with pytest.raises(NotPermitted):
        submit(Account.objects.get(id=member.id), "@x\n", "R")


# -- reading ---------------------------------------------------------------------------


def test_a_member_reads_its_own_demands_and_another_authoritys_is_not_found(world: World):
    assert access_portal_demand(world.demand_a.id, acting_user=world.member_a) == world.demand_a
    for bad in (world.demand_b.id, 999, "x", -1, 2**70):
        with pytest.raises(NotFound, match="There is no such demand."):
            access_portal_demand(bad, acting_user=world.member_a)


def test_an_attachment_of_another_demand_is_not_found(world: World):
    assert access_portal_attachment(world.demand_a, world.attachment_a).filename == "ack.pdf"
    with pytest.raises(NotFound):
        access_portal_attachment(world.demand_a, world.attachment_b)


def test_outcomes_show_where_and_until_when_and_a_public_reason_only(world: World):
    outcomes = outcomes_by_line(world.demand_a)
    assert outcomes["@kisanvoice"][0] == "withheld"
    assert outcomes["@kisanvoice"][1].startswith("Withheld in India until ")
    assert outcomes["@reporter"][0] == "declined"
    assert "did not find" in outcomes["@reporter"][1]
    assert outcomes["@farmer"][0] == "pending"
    assert outcomes["@nobody_here"][0] == "not_actionable"
    every = item_outcomes(portal_items(world.demand_a), timezone.now())
    assert [o.outcome for o in every].count("duplicate") == 1
    assert not any(secret in o.text for o in every for secret in SECRETS)


def test_an_ended_withholding_reads_expired_and_a_lifted_one_lifted(world: World):
    later = timezone.now() + timedelta(days=31)
    assert outcomes_by_line(world.demand_a, later)["@kisanvoice"][0] == "expired"
    withholding = Withholding.objects.get(demand_item__demand=world.demand_a)
    do_lift_withholding(withholding, reason="order withdrawn", acting_user=world.legal)
    outcome, text = outcomes_by_line(world.demand_a)["@kisanvoice"]
    assert outcome == "lifted" and "reinstated on" in text and "withdrawn" not in text


def test_a_member_writes_only_on_its_own_demands(world: World):
    message = do_send_portal_message(
        world.demand_a,
        kind="clarification_request",
        body="Which items are pending?",
        attachments=[NewAttachment("q.pdf", PDF)],
        acting_user=world.member_a,
    )
    assert (message.direction, message.channel) == ("inbound", "portal")
    before = Correspondence.objects.count()
    with pytest.raises(NotFound):
        do_send_portal_message(world.demand_b, body="hello", acting_user=world.member_a)
    with pytest.raises(InvalidInput, match="Unknown kind"):
        do_send_portal_message(
            world.demand_a, kind="status_update", body="x", acting_user=world.member_a
        )
    assert Correspondence.objects.count() == before


def test_a_members_withdrawal_lifts_the_withholdings_of_its_order(world: World):
    live = Withholding.objects.filter(demand_item__demand=world.demand_a, lifted_at__isnull=True)
    assert live.count() == 1
    do_send_portal_message(
        world.demand_a,
        kind="withdrawal",
        body="The order is withdrawn.",
        acting_user=world.member_a,
    )
    world.demand_a.refresh_from_db()
    assert world.demand_a.status == "withdrawn" and world.demand_a.withdrawn_at is not None
    assert not live.exists()
    lifted = Withholding.objects.get(demand_item__demand=world.demand_a)
    assert lifted.lift_reason == "order withdrawn"
    assert AuditEvent.objects.filter(action="legal.withdraw", actor_id=world.member_a.id).exists()


def test_a_members_noncompliance_notice_starts_its_clock(world: World):
    do_send_portal_message(
        world.demand_a,
        kind="noncompliance_notice",
        subject="Notice",
        body="You have not complied.",
        acting_user=world.member_a,
    )
    world.demand_a.refresh_from_db()
    assert world.demand_a.status == "noncompliance_notice"
    assert world.demand_a.noncompliance_received_at is not None
    message = Correspondence.objects.filter(demand=world.demand_a).latest("id")
    assert message.kind == "noncompliance_notice" and "You have not complied." in message.body


def test_a_members_hearing_notice_needs_its_date_and_sets_the_hearing(world: World):
    before = Correspondence.objects.count()
    with pytest.raises(InvalidInput, match="date and time of the hearing"):
        do_send_portal_message(
            world.demand_a, kind="hearing_notice", body="Appear.", acting_user=world.member_a
        )
    assert Correspondence.objects.count() == before
    hearing = timezone.now() + timedelta(days=3)
    do_send_portal_message(
        world.demand_a,
        kind="hearing_notice",
        body="Appear before the committee.",
        hearing_at=hearing,
        acting_user=world.member_a,
    )
    world.demand_a.refresh_from_db()
    assert world.demand_a.hearing_at == hearing


def test_an_order_submitted_from_india_is_confidential_unless_the_member_says_otherwise(
    world: World,
):
    assert submit(world.member_a, "@farmer\n", "MEITY/2").confidential is True
    assert submit(world.member_b, "@farmer\n", "PTA/8").confidential is False
    assert submit(world.member_b, "@farmer\n", "PTA/9", confidential=True).confidential is True
