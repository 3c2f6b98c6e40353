"""Two authorities, each with a member and a decided order in the portal, and desk staff.

Import the fixtures you use from here (``from tests.legal.portal_world import world_fixture``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from tidings.legal.actions.correspondence import NewAttachment, do_record_correspondence
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.dialogue import do_send_status_update
from tidings.legal.actions.portal import (
    do_add_authority_member,
    do_find_or_create_authority,
    do_send_portal_message,
    do_submit_order,
)
from tidings.legal.models import Authority, Demand, DemandItem
from tidings.social.models import Account

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: Words only the desk may read; a portal page or answer containing any of them leaks.
SECRETS = (
    "INTERNAL-NOTE-declined-because-journalist",
    "INTERNAL-NOTE-withheld-for-incitement",
)


@dataclass
class World:
    a: Authority
    b: Authority
    member_a: Account
    member_b: Account
    demand_a: Demand
    demand_b: Demand
    legal: Account
    legal_admin: Account
    attachment_a: int
    attachment_b: int


def make_member(make_account, handle: str, name: str, country: str) -> tuple[Account, Authority]:
    account = make_account(handle)
    authority, _ = do_find_or_create_authority(name, country=country, acting_user=None)
    do_add_authority_member(account, authority, acting_user=None)
    return Account.objects.get(id=account.id), authority


def submit(member: Account, lines: str, reference: str, **fields) -> Demand:
    return do_submit_order(lines, reference=reference, acting_user=member, **fields).result.demand


@pytest.fixture(name="world")
def world_fixture(make_account, legal, legal_admin) -> World:
    make_account("kisanvoice")
    make_account("reporter", kind="journalist")
    make_account("farmer")
    member_a, a = make_member(make_account, "meity_officer", "MeitY", "IN")
    member_b, b = make_member(make_account, "pta_officer", "PTA", "PK")
    demand_a = submit(
        member_a, "@kisanvoice\n@reporter\n@farmer\n@nobody_here\n@kisanvoice\n", "MEITY/1"
    )
    demand_b = submit(member_b, "@kisanvoice\n@reporter\n", "PTA/7")
    items: dict[str, int] = {}
    for item in DemandItem.objects.filter(demand=demand_a).order_by("line_number"):
        items.setdefault(item.raw, item.id)
    do_decide_items(
        demand_a,
        [items["@kisanvoice"]],
        action="withhold",
        reason=SECRETS[1],
        until=timezone.now() + timedelta(days=30),
        acting_user=legal,
    )
    do_decide_items(
        demand_a, [items["@reporter"]], action="decline", reason=SECRETS[0], acting_user=legal
    )
    do_record_correspondence(
        demand_a,
        direction="outbound",
        kind="acknowledgement",
        channel="email",
        subject="Acknowledgement of receipt",
        body="We received your order.",
        attachments=[NewAttachment("ack.pdf", PDF)],
        acting_user=legal,
    )
    msg_b = do_send_portal_message(
        demand_b,
        subject="Please hurry",
        attachments=[NewAttachment("letter.pdf", PDF)],
        acting_user=member_b,
    )
    # A generated letter too: it states every line's outcome, in public words only.
    do_send_status_update(demand_a, acting_user=legal)
    return World(
        a=a,
        b=b,
        member_a=member_a,
        member_b=member_b,
        demand_a=demand_a,
        demand_b=demand_b,
        legal=legal,
        legal_admin=legal_admin,
        attachment_a=demand_a.correspondence.get(kind="acknowledgement").attachments.get().id,
        attachment_b=msg_b.attachments.get().id,
    )
