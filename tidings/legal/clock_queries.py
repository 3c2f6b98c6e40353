"""Which clocks need the legal team now: overdue, or due within ``DUE_SOON``, soonest first.

Read by the "due soon / overdue" dashboard (web and admin API), the daily
digest and the reminders (``legal.reminders``). A clock counts while it is
open (not met) on a demand whose clocks still run (not withdrawn or discarded)
or on an appeal not yet decided. Candidates are narrowed in SQL to rows with
an unmet moment; the clocks themselves are computed from the rule packs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from tidings.legal.clocks import (
    STOPPED_STATUSES,
    Clock,
    ClockState,
    appeal_clocks,
    appeal_pack,
    demand_clocks,
    demand_pack,
)
from tidings.legal.jurisdictions import RulePack
from tidings.legal.models import Appeal, AppealStatus, Demand, DemandKind
from tidings.legal.roles import check_desk_access
from tidings.social.models import Account

#: A clock is "due soon" when this little time is left.
DUE_SOON = timedelta(hours=24)
OPEN_APPEAL_STATUSES = frozenset({AppealStatus.FILED, AppealStatus.ACKNOWLEDGED})


@dataclass(frozen=True)
class DueClock:
    """One open clock of a demand or of an appeal, as seen at ``now``."""

    clock: Clock
    pack: RulePack
    #: The demand itself, or the demand behind an appeal's withholding (None if it has none).
    demand: Demand | None
    appeal: Appeal | None
    state: ClockState
    text: str

    @property
    def subject(self) -> str:
        """ "demand:<id>" or "appeal:<id>" (``ClockReminder.subject``)."""
        if self.appeal is not None:
            return f"appeal:{self.appeal.id}"
        assert self.demand is not None
        return f"demand:{self.demand.id}"

    @property
    def overdue(self) -> bool:
        return self.state == ClockState.OVERDUE

    @property
    def title(self) -> str:
        """What it is about, for lists and e-mails."""
        if self.appeal is not None:
            about = f"Appeal {self.appeal.id} by @{self.appeal.appellant.username}"
            if self.demand is not None:
                about += f" (on {self.demand.authority.name} {self.demand.reference})"
            return about
        assert self.demand is not None
        return f"{self.demand.authority.name} {self.demand.reference}"


@dataclass(frozen=True)
class ClockRow:
    """One clock of a demand as shown at ``now``: its state and the words for it."""

    clock: Clock
    state: ClockState
    text: str

    @property
    def overdue(self) -> bool:
        return self.state == ClockState.OVERDUE

    @property
    def met_late(self) -> bool:
        return self.state == ClockState.MET_LATE

    @property
    def met_at(self) -> datetime | None:
        return self.clock.met_at


@dataclass(frozen=True)
class DemandClocks:
    """A demand's rule pack and every clock of it, at ``now``."""

    pack: RulePack
    rows: list[ClockRow]
    stopped: bool


def clocks_of_demand(demand: Demand, now: datetime | None = None) -> DemandClocks:
    """The pack and clocks the desk page and the admin API show for ``demand``."""
    now = now or timezone.now()
    rows = [ClockRow(c, c.state(now), c.text(now)) for c in demand_clocks(demand)]
    return DemandClocks(demand_pack(demand), rows, demand.status in STOPPED_STATUSES)


def _candidate_demands(now: datetime):
    unmet = (
        Q(acknowledged_at__isnull=True)
        | Q(actioned_at__isnull=True)
        | Q(kind=DemandKind.EMERGENCY_ORDER, confirmed_at__isnull=True)
        | Q(hearing_at__gt=now)
        | Q(actioned_at__isnull=False, authority_informed_at__isnull=True)
        | Q(noncompliance_received_at__isnull=False, noncompliance_answered_at__isnull=True)
    )
    return (
        Demand.objects.exclude(status__in=STOPPED_STATUSES)
        .filter(unmet)
        .select_related("authority")
        .defer("original_bytes")
    )


def _candidate_appeals():
    return Appeal.objects.filter(status__in=OPEN_APPEAL_STATUSES).select_related(
        "appellant", "withholding__demand_item__demand__authority"
    )


def open_clocks(now: datetime | None = None) -> list[DueClock]:
    """Every open clock of every running demand and undecided appeal, soonest due first."""
    now = now or timezone.now()
    found: list[DueClock] = []
    for demand in _candidate_demands(now):
        pack = demand_pack(demand)
        for c in demand_clocks(demand):
            if c.is_open(now):
                found.append(DueClock(c, pack, demand, None, c.state(now), c.text(now)))
    for appeal in _candidate_appeals():
        pack = appeal_pack(appeal)
        item = appeal.withholding.demand_item
        demand = item.demand if item is not None else None
        for c in appeal_clocks(appeal, pack):
            if c.is_open(now):
                found.append(DueClock(c, pack, demand, appeal, c.state(now), c.text(now)))
    found.sort(key=lambda d: (d.clock.due_at, d.subject, d.clock.key))
    return found


def due_clocks(now: datetime | None = None, *, within: timedelta = DUE_SOON) -> list[DueClock]:
    """The open clocks that are overdue or due within ``within`` of ``now``, soonest first."""
    now = now or timezone.now()
    return [d for d in open_clocks(now) if d.clock.due_at <= now + within]


def access_due_clocks(
    *, acting_user: Account | None, now: datetime | None = None
) -> list[DueClock]:
    """The dashboard's clocks, for desk staff only (``NotPermitted`` for anyone else)."""
    check_desk_access(acting_user)
    return due_clocks(now)
