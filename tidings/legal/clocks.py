"""The clocks of a demand and of an appeal, built from its rule pack.

A clock is a rule applied to a moment: it is due at ``start + rule.within``
and met at the moment the act was done (``None`` while it is not). It is
overdue when it is not met and ``now`` has reached its due moment; met late
when it was met after it (met exactly at the due moment is met, not late).
A hearing is an *event*: it is due until it is held, and then met. Every
clock says whether it is law or our policy, and which rule it comes from.
Moments are stored and compared in UTC and shown in the pack's zone (IST for
India).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from tidings.legal.jurisdictions import Rule, RulePack, pack_by_code, pack_for
from tidings.legal.models import Appeal, Demand, DemandKind, DemandStatus

#: Statuses in which a demand's clocks no longer run (the order was withdrawn, or its
#: import discarded): nothing is due on it any more.
STOPPED_STATUSES = frozenset({DemandStatus.WITHDRAWN, DemandStatus.DISCARDED})


class ClockState(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"


class ClockKey(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    ACTION = "action"
    LAPSE = "lapse"
    HEARING = "hearing"
    INFORM_AUTHORITY = "inform_authority"
    NONCOMPLIANCE = "noncompliance"
    APPEAL_ACKNOWLEDGE = "appeal_acknowledge"
    APPEAL_DECIDE = "appeal_decide"


LABELS: dict[ClockKey, str] = {
    ClockKey.ACKNOWLEDGE: "Acknowledge receipt",
    ClockKey.ACTION: "Act on the order",
    ClockKey.LAPSE: "Emergency order lapses unless confirmed",
    ClockKey.HEARING: "Hearing",
    ClockKey.INFORM_AUTHORITY: "Inform the authority of the effect given",
    ClockKey.NONCOMPLIANCE: "Answer the non-compliance notice",
    ClockKey.APPEAL_ACKNOWLEDGE: "Acknowledge the appeal",
    ClockKey.APPEAL_DECIDE: "Decide the appeal",
}


@dataclass(frozen=True)
class Clock:
    key: ClockKey
    rule: Rule
    due_at: datetime
    met_at: datetime | None
    zone: str = "UTC"
    #: A date (a hearing) rather than a deadline: met once it has passed, never overdue.
    event: bool = False

    @property
    def label(self) -> str:
        return LABELS[self.key]

    @property
    def law(self) -> bool:
        return self.rule.law

    @property
    def source(self) -> str:
        return self.rule.source

    def met_moment(self, now: datetime) -> datetime | None:
        """When it was met; a held hearing was met when it was held."""
        if self.event and self.met_at is None and now >= self.due_at:
            return self.due_at
        return self.met_at

    def is_open(self, now: datetime) -> bool:
        """Not met yet (due or overdue)."""
        return self.state(now) in (ClockState.DUE, ClockState.OVERDUE)

    def state(self, now: datetime) -> ClockState:
        if self.event:
            return ClockState.MET if now >= self.due_at else ClockState.DUE
        if self.met_at is not None:
            return ClockState.MET if self.met_at <= self.due_at else ClockState.MET_LATE
        return ClockState.OVERDUE if now >= self.due_at else ClockState.DUE

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.zone))

    def local_text(self, moment: datetime) -> str:
        """``moment`` in the pack's zone, e.g. "2021-02-11 09:30 IST"."""
        return self.local(moment).strftime("%Y-%m-%d %H:%M %Z")

    @property
    def due_local(self) -> str:
        """The due moment in the pack's zone."""
        return self.local_text(self.due_at)

    @property
    def met_local(self) -> str:
        return self.local_text(self.met_at) if self.met_at is not None else ""

    def text(self, now: datetime) -> str:
        """ "due in 5 h", "overdue by 2 h", "met at 2021-02-10 14:00 IST" (or "met late at")."""
        from tidings.legal.queries import clock as span_text

        state = self.state(now)
        if self.event:
            if state == ClockState.MET:
                return f"held at {self.local_text(self.due_at)}"
            return span_text(self.due_at, now, ahead="in", behind="")
        if state == ClockState.MET:
            return f"met at {self.local_text(self.met_at)}"  # type: ignore[arg-type]
        if state == ClockState.MET_LATE:
            return f"met late at {self.local_text(self.met_at)}"  # type: ignore[arg-type]
        return span_text(self.due_at, now, ahead="due in", behind="overdue by")


def demand_pack(demand: Demand) -> RulePack:
    """The pack recorded on ``demand``, or the one its country and basis give."""
    if demand.rule_pack:
        return pack_by_code(demand.rule_pack)
    return pack_for(demand.country, demand.legal_basis_code)


def _clock(key: ClockKey, rule: Rule | None, start: datetime | None, met, zone: str):
    if rule is None or rule.within is None or start is None:
        return None
    return Clock(key, rule, start + rule.within, met, zone)


def _action_clock(demand: Demand, pack: RulePack) -> Clock | None:
    """Due at ``Demand.due_at``, fixed at intake by the rule then in force (the list sorts by it)."""
    clock = _clock(
        ClockKey.ACTION, pack.action, demand.received_at, demand.actioned_at, pack.timezone
    )
    if clock is not None and demand.due_at is not None:
        return Clock(clock.key, clock.rule, demand.due_at, clock.met_at, clock.zone)
    return clock


def demand_clocks(demand: Demand) -> list[Clock]:
    """Every clock that applies to ``demand``, in the order they usually fall due.

    - acknowledge: from receipt, met when an acknowledgement was sent;
    - action: from receipt (``Demand.due_at`` once set), met when no matched item was
      left undecided;
    - lapse (unconfirmed or confirmed emergency orders): from receipt, met when confirmed;
    - hearing: due at the hearing the authority called (an event: met once held);
    - inform the authority (where the pack has the rule): from the action, met by a
      status update;
    - non-compliance: from the notice's receipt, met when answered.
    """
    pack = demand_pack(demand)
    zone = pack.timezone
    clocks = [
        _clock(
            ClockKey.ACKNOWLEDGE, pack.acknowledge, demand.received_at, demand.acknowledged_at, zone
        ),
        _action_clock(demand, pack),
    ]
    if demand.kind == DemandKind.EMERGENCY_ORDER:
        clocks.append(
            _clock(
                ClockKey.LAPSE, pack.emergency_lapse, demand.received_at, demand.confirmed_at, zone
            )
        )
    if demand.hearing_at is not None and pack.hearing_notice is not None:
        clocks.append(
            Clock(ClockKey.HEARING, pack.hearing_notice, demand.hearing_at, None, zone, event=True)
        )
    if pack.inform_authority is not None:
        clocks.append(
            _clock(
                ClockKey.INFORM_AUTHORITY,
                pack.inform_authority,
                demand.actioned_at,
                demand.authority_informed_at,
                zone,
            )
        )
    clocks.append(
        _clock(
            ClockKey.NONCOMPLIANCE,
            pack.noncompliance_response,
            demand.noncompliance_received_at,
            demand.noncompliance_answered_at,
            zone,
        )
    )
    return [c for c in clocks if c is not None]


def appeal_pack(appeal: Appeal) -> RulePack:
    """The pack of the demand behind the appealed withholding (``DEFAULT`` without one)."""
    item = appeal.withholding.demand_item
    return demand_pack(item.demand) if item is not None else pack_by_code("DEFAULT")


def clock_for(clocks: list[Clock], key: ClockKey) -> Clock | None:
    return next((c for c in clocks if c.key == key), None)


def appeal_clocks(appeal: Appeal, pack: RulePack) -> list[Clock]:
    """Acknowledge and decide, from filing, under the pack of the withholding's demand."""
    zone = pack.timezone
    clocks = [
        _clock(
            ClockKey.APPEAL_ACKNOWLEDGE,
            pack.appeal_acknowledge,
            appeal.filed_at,
            appeal.acknowledged_at,
            zone,
        ),
        _clock(
            ClockKey.APPEAL_DECIDE, pack.appeal_decide, appeal.filed_at, appeal.decided_at, zone
        ),
    ]
    return [c for c in clocks if c is not None]
