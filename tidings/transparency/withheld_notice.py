"""What the 451 page, the withheld banners and the API say of a withholding: who, why, where to read.

A withholding made in answer to an order names its authority and legal basis
(through the redaction policy: a confidential order shows only its basis code
until it is published) and links to the order's public notice; one made
directly names no authority and links to its own withholding notice. Everything
comes from the withheld index's entry (``legal.withheld``): no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from tidings.legal.withheld import WithheldEntry
from tidings.lib.countries import country_name


@dataclass(frozen=True, slots=True)
class WithholdingNotice:
    """One withholding as the public may read it."""

    withholding_id: int
    #: Path of the public notice (the order's, or the withholding's own without one).
    url: str
    #: "Ministry of Electronics and Information Technology (India)"; "" without an order.
    authority: str = ""
    #: As the redaction policy allows ("IN-ITA-69A" alone while confidential).
    legal_basis: str = ""

    @property
    def sentence(self) -> str:
        """ "Demand from <authority> under <legal basis>."; "" for a withholding made directly."""
        if not self.authority:
            return ""
        basis = f" under {self.legal_basis}" if self.legal_basis else ""
        return f"Demand from {self.authority}{basis}."


def notice_path(entry: WithheldEntry) -> str:
    """The public notice explaining a withholding (the order's, when it came from one)."""
    if entry.demand_id is not None:
        return reverse("transparency:demand_notice", args=[entry.demand_id])
    return reverse("transparency:withholding_notice", args=[entry.withholding_id])


def withholding_notice(entry: WithheldEntry, now: datetime) -> WithholdingNotice:
    """What the public may read of ``entry`` at ``now``."""
    demand = entry.demand
    if demand is None:
        return WithholdingNotice(entry.withholding_id, notice_path(entry))
    # Imported here: the redaction policy reads the notices' queries, which read visibility.
    from tidings.transparency.redaction import public_legal_basis

    authority = demand.authority
    where = country_name(authority.country or demand.country)
    return WithholdingNotice(
        entry.withholding_id,
        notice_path(entry),
        authority=f"{authority.name} ({where})" if where else authority.name,
        legal_basis=public_legal_basis(demand, now),
    )
