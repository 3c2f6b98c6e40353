"""Clocks per rule pack: due moments in the pack's zone, the edges of each deadline, law vs policy."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tidings.legal import jurisdictions
from tidings.legal.clocks import (
    Clock,
    ClockKey,
    ClockState,
    appeal_clocks,
    clock_for,
    demand_clocks,
    demand_pack,
)
from tidings.legal.jurisdictions import EU_EEA, pack_for
from tidings.legal.models import Appeal, Demand, DemandKind

IST = ZoneInfo("Asia/Kolkata")
SECOND = timedelta(seconds=1)
_IDS = itertools.count(1)


def demand(country: str = "IN", **fields) -> Demand:
    fields.setdefault("received_at", datetime(2021, 2, 10, 23, 30, tzinfo=IST))
    fields.setdefault("kind", DemandKind.ORDER)
    # An explicit id: these demands are never saved, and minting one needs the database.
    fields.setdefault("id", next(_IDS))
    return Demand(country=country, rule_pack=pack_for(country).code, **fields)


def clocks_by_key(d: Demand) -> dict[str, Clock]:
    return {c.key: c for c in demand_clocks(d)}


# -- India --------------------------------------------------------------------------------


def test_an_indian_order_received_late_at_night_ist_is_due_36_hours_later_in_ist():
    action = clocks_by_key(demand())[ClockKey.ACTION]
    assert action.due_at == datetime(2021, 2, 12, 11, 30, tzinfo=IST)
    assert action.due_local == "2021-02-12 11:30 IST"
    assert action.law and "Rule 3(1)(d)" in action.source


def test_india_acknowledging_within_24_hours_is_our_policy_and_acting_is_the_law():
    clocks = clocks_by_key(demand(kind=DemandKind.EMERGENCY_ORDER))
    assert not clocks[ClockKey.ACKNOWLEDGE].law
    assert "Tidings service level" in clocks[ClockKey.ACKNOWLEDGE].source
    assert clocks[ClockKey.ACTION].law
    lapse = clocks[ClockKey.LAPSE]
    assert lapse.law and "Rule 9" in lapse.source
    assert lapse.due_local == "2021-02-12 23:30 IST"
    assert ClockKey.INFORM_AUTHORITY not in clocks  # no law or policy of ours asks it in India


def test_the_indian_action_clock_follows_the_setting(settings):
    settings.TIDINGS_IN_ACTION_HOURS = 24
    action = clocks_by_key(demand())[ClockKey.ACTION]
    assert action.due_local == "2021-02-11 23:30 IST"
    assert "24 hours" in action.source


def test_india_keeps_orders_confidential_preserves_180_days_and_offers_the_committee():
    pack = jurisdictions.india()
    assert jurisdictions.confidential_by_default(pack)
    assert "Rule 16" in pack.confidential_by_default.source
    assert pack.preservation.within == timedelta(days=180) and pack.preservation.law
    assert (
        pack.hearing_notice.within == timedelta(hours=48) and "Rule 8" in pack.hearing_notice.source
    )
    assert "Rule 4(8)" in pack.user_notice.source
    assert pack.appeal_acknowledge.within == timedelta(hours=24) and pack.appeal_acknowledge.law
    assert pack.appeal_decide.within == timedelta(days=15) and pack.appeal_decide.law
    (committee,) = pack.external_routes
    assert committee.within == timedelta(days=30) and "Rule 3A" in committee.source


# -- the edges of a deadline -----------------------------------------------------------------


def test_one_second_before_the_due_moment_a_clock_is_due_and_at_it_overdue():
    action = clocks_by_key(demand())[ClockKey.ACTION]
    assert action.state(action.due_at - SECOND) == ClockState.DUE
    assert action.state(action.due_at) == ClockState.OVERDUE
    assert action.text(action.due_at - timedelta(hours=5)) == "due in 5 h"
    assert action.text(action.due_at + timedelta(hours=2)) == "overdue by 2 h"


def test_met_exactly_at_the_due_moment_is_met_and_a_second_later_is_late():
    due = clocks_by_key(demand())[ClockKey.ACTION].due_at
    on_time = clocks_by_key(demand(actioned_at=due))[ClockKey.ACTION]
    late = clocks_by_key(demand(actioned_at=due + SECOND))[ClockKey.ACTION]
    later = due + timedelta(days=3)
    assert on_time.state(later) == ClockState.MET
    assert on_time.text(later) == "met at 2021-02-12 11:30 IST"
    assert late.state(later) == ClockState.MET_LATE
    assert late.text(later).startswith("met late at 2021-02-12 11:30")


def test_a_hearing_is_due_until_it_is_held_and_never_overdue():
    hearing_at = datetime(2021, 2, 15, 11, 0, tzinfo=IST)
    hearing = clocks_by_key(demand(hearing_at=hearing_at))[ClockKey.HEARING]
    assert hearing.law and "Rule 8" in hearing.source
    assert hearing.state(hearing_at - SECOND) == ClockState.DUE
    assert hearing.state(hearing_at) == ClockState.MET
    assert hearing.text(hearing_at + timedelta(days=1)) == "held at 2021-02-15 11:00 IST"
    assert hearing.met_moment(hearing_at + SECOND) == hearing_at


def test_a_confirmed_emergency_order_has_met_its_lapse_clock():
    received = datetime(2021, 2, 10, 12, 0, tzinfo=UTC)
    d = demand(kind=DemandKind.EMERGENCY_ORDER, received_at=received)
    d.confirmed_at = received + timedelta(hours=47)
    lapse = clocks_by_key(d)[ClockKey.LAPSE]
    assert lapse.state(received + timedelta(days=5)) == ClockState.MET


def test_a_noncompliance_notice_starts_a_24_hour_policy_clock():
    notice = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
    clock = clocks_by_key(demand(noncompliance_received_at=notice))[ClockKey.NONCOMPLIANCE]
    assert clock.due_at == notice + timedelta(hours=24) and not clock.law
    answered = demand(noncompliance_received_at=notice, noncompliance_answered_at=notice)
    assert clocks_by_key(answered)[ClockKey.NONCOMPLIANCE].state(notice) == ClockState.MET


# -- EU, US and the default ------------------------------------------------------------------


def test_an_eu_order_must_be_answered_to_the_authority_by_law_in_brussels_time():
    received = datetime(2024, 1, 15, 8, 0, tzinfo=UTC)
    actioned = received + timedelta(hours=10)
    clocks = clocks_by_key(demand("DE", received_at=received, actioned_at=actioned))
    assert demand_pack(demand("DE")).code == "EU-DSA9"
    inform = clocks[ClockKey.INFORM_AUTHORITY]
    assert inform.law and "Art. 9(1)" in inform.source
    assert inform.due_at == actioned + timedelta(hours=24)
    assert inform.due_local == "2024-01-16 19:00 CET"
    assert not clocks[ClockKey.ACTION].law  # the DSA sets no fixed time to act; 72 h is ours


def test_every_eu_and_eea_country_is_under_the_dsa_pack_hungary_included():
    assert len(EU_EEA) == 30  # 27 EU member states, Iceland, Liechtenstein, Norway
    assert demand_pack(demand("HU")).code == "EU-DSA9"


def test_an_eu_inform_clock_starts_only_once_the_order_is_acted_on():
    assert ClockKey.INFORM_AUTHORITY not in clocks_by_key(demand("FR"))


def test_a_us_order_has_only_our_service_levels_in_new_york_time():
    received = datetime(2024, 7, 1, 16, 0, tzinfo=UTC)
    clocks = demand_clocks(demand("US", received_at=received))
    assert {c.key for c in clocks} == {ClockKey.ACKNOWLEDGE, ClockKey.ACTION}
    assert not any(c.law for c in clocks)
    assert clock_for(clocks, ClockKey.ACTION).due_local == "2024-07-04 12:00 EDT"


def test_a_country_without_a_pack_gets_the_default_policy_clocks_in_utc():
    d = demand("BR", received_at=datetime(2024, 7, 1, 16, 0, tzinfo=UTC))
    assert demand_pack(d).code == "DEFAULT"
    action = clock_for(demand_clocks(d), ClockKey.ACTION)
    assert not action.law and action.due_local == "2024-07-04 16:00 UTC"


@pytest.mark.parametrize(
    ("country", "kind", "refused"),
    [
        ("US", DemandKind.ORDER, True),
        ("US", DemandKind.EMERGENCY_ORDER, True),
        ("US", DemandKind.COURT_ORDER, False),
        ("IN", DemandKind.ORDER, False),
        ("DE", DemandKind.ORDER, False),
    ],
)
def test_only_the_us_pack_declines_withholding_on_anything_but_a_court_order(
    country, kind, refused
):
    refusal = jurisdictions.withholding_refusal(pack_for(country), kind)
    assert (refusal is not None) == refused


# -- appeals ----------------------------------------------------------------------------


def test_an_indian_appeal_is_acknowledged_in_24_hours_and_decided_in_15_days_by_law():
    filed = datetime(2021, 2, 20, 10, 0, tzinfo=UTC)
    appeal = Appeal(filed_at=filed)
    ack, decide = appeal_clocks(appeal, jurisdictions.india())
    assert (ack.key, ack.due_at, ack.law) == (
        ClockKey.APPEAL_ACKNOWLEDGE,
        filed + timedelta(1),
        True,
    )
    assert (decide.due_at, decide.law) == (filed + timedelta(days=15), True)
    default_ack, _ = appeal_clocks(appeal, jurisdictions.DEFAULT)
    assert not default_ack.law
