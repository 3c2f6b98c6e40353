"""The admin API's clocks: every demand says its rule pack and clocks; the due-soon list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tidings.legal.actions.intake import do_import_demand
from tidings.legal.models import Demand

DESK = "/api/v1/admin/legal"
ADMIN_SCOPES = "read admin:read admin:write"


@pytest.fixture
def desk(legal, api_client):
    return api_client(legal, ADMIN_SCOPES)


@pytest.fixture
def kisan(make_account):
    return make_account("kisanvoice")


def test_a_demand_carries_its_rule_pack_and_clocks(desk, kisan):
    order = {
        "authority": "Ministry of Electronics and Information Technology",
        "country": "IN",
        "reference": "MEITY/2021/001",
        "kind": "emergency_order",
        "received_at": "2021-02-10T18:00:00Z",
        "targets": ["@kisanvoice"],
    }
    created = desk.post(f"{DESK}/demands", order, content_type="application/json").json()
    demand = desk.get(f"{DESK}/demands/{created['demand']['id']}").json()
    assert demand["confidential"] is True  # India's orders are confidential by default
    assert demand["rule_pack"] == {
        "code": "IN-69A",
        "name": "India: IT Act s.69A, Blocking Rules 2009, IT Rules 2021",
    }
    clocks = {c["key"]: c for c in demand["clocks"]}
    assert list(clocks) == ["acknowledge", "action", "lapse"]
    action = clocks["action"]
    assert action["due_at"] == demand["due_at"] == "2021-02-12T06:00:00.000Z"
    assert action["state"] == "overdue" and action["met_at"] is None
    assert action["law"] is True and "Rule 3(1)(d)" in action["source"]
    assert clocks["acknowledge"]["law"] is False
    assert clocks["lapse"]["label"] == "Emergency order lapses unless confirmed"


def test_the_clocks_list_is_overdue_and_due_soon_soonest_first(desk, legal, kisan):
    now = timezone.now()
    for reference, hours in [("SOON", 20), ("LATE", 40), ("FRESH", 0)]:
        do_import_demand(
            "@kisanvoice",
            authority_name="Ministry",
            country="US" if reference == "FRESH" else "IN",
            reference=reference,
            received_at=now - timedelta(hours=hours),
            acting_user=legal,
        )
    Demand.objects.filter(reference="FRESH").update(acknowledged_at=now)  # 72 h left to act
    rows = desk.get(f"{DESK}/clocks").json()
    assert [(r["title"], r["key"], r["state"]) for r in rows] == [
        ("Ministry LATE", "acknowledge", "overdue"),
        ("Ministry LATE", "action", "overdue"),
        ("Ministry SOON", "acknowledge", "due"),
        ("Ministry SOON", "action", "due"),
    ]
    late = rows[1]
    assert late["law"] is True and late["rule_pack"]["code"] == "IN-69A"
    assert late["due_local"].endswith("IST") and late["text"] == "overdue by 4 h"
    assert late["subject"] == f"demand:{late['demand_id']}" and late["appeal_id"] is None


@pytest.mark.parametrize("role", ["user", "moderator", "authority"])
def test_the_clocks_list_is_refused_to_anyone_but_desk_staff(make_account, api_client, role):
    client = api_client(make_account("someone", role=role), ADMIN_SCOPES)
    response = client.get(f"{DESK}/clocks")
    assert response.status_code == 403 and response.json()["error"]


def test_the_clocks_list_needs_the_admin_read_scope(legal, api_client):
    assert api_client(legal, "read").get(f"{DESK}/clocks").status_code == 403


def test_the_clocks_list_costs_the_same_queries_for_2_or_6_demands(desk, legal, kisan):
    def take_in(n: int) -> None:
        for i in range(n):
            do_import_demand(
                "@kisanvoice",
                authority_name="Ministry",
                country="IN",
                reference=f"R-{n}-{i}",
                acting_user=legal,
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert desk.get(f"{DESK}/clocks").status_code == 200
        return len(captured)

    take_in(2)
    few = queries()
    take_in(4)
    assert queries() == few
