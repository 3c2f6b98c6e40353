"""Lumen notices (lumendatabase.org's ``POST /notices`` shape), one per demand.

Field names and values follow Lumen's notice API: ``type`` is ``CourtOrder`` or
``GovernmentRequest``; ``action_taken`` is one of Lumen's ``Yes``, ``No``,
``Partial`` or ``Unspecified``; dates are ``YYYY-MM-DD``; ``jurisdiction_list`` and
``regulation_list`` are lists (Lumen splits a string at its commas, which would cut
a statute's name in two); entities are an ``organization`` with a country code.

What a notice says is the redaction policy's: public figures' accounts and posts
are works with their URLs; private individuals are only counted, in a work with no
URL; a confidential order whose details are unpublished has no reference, only its
basis code, and counts alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from tidings.legal.models import AuthorityKind, Demand, DemandKind
from tidings.legal.portal_queries import OUTCOMES, outcome_counts
from tidings.lib.countries import country_name
from tidings.transparency import redaction

COURT_ORDER, GOVERNMENT_REQUEST = "CourtOrder", "GovernmentRequest"
#: Lumen's ``Notice::VALID_ACTIONS``.
LUMEN_ACTIONS = ("Yes", "No", "Partial", "Unspecified")
LANGUAGE = "en"

#: How a count of lines reads for each public outcome.
_OUTCOME_WORDS = {
    "pending": "under review",
    "withheld": "withheld",
    "declined": "declined",
    "lifted": "withheld, since reinstated",
    "expired": "withheld for a time that has passed",
    "not_actionable": "not identifying an account or post on this service",
    "duplicate": "repeating an earlier line",
}
_SCOPE_WORDS = {"account": ("account", "accounts"), "status": ("post", "posts")}


def lumen_type(demand: Demand) -> str:
    """``CourtOrder`` for an order of a court (by its kind or its authority's), else a request."""
    if demand.kind == DemandKind.COURT_ORDER or demand.authority.kind == AuthorityKind.COURT:
        return COURT_ORDER
    return GOVERNMENT_REQUEST


def lumen_action(counts: dict[str, int]) -> str:
    """The redaction policy's word for what was done, in Lumen's: nothing decided yet is
    ``Unspecified`` (Lumen has no "pending")."""
    taken = redaction.action_taken(counts)
    return "Unspecified" if taken == redaction.ACTION_PENDING else taken


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def _lines(n: int, what: str = "line") -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def _count_works(counts: dict[str, int]) -> list[dict[str, Any]]:
    """One work saying what became of the order's lines, in numbers alone."""
    parts = [f"{_lines(counts[o])} {_OUTCOME_WORDS[o]}" for o in OUTCOMES if counts.get(o)]
    total = sum(counts.values())
    if not parts:
        return [{"description": "The order named nothing.", "infringing_urls_attributes": []}]
    description = (
        f"The order's {_lines(total)}, counted (its details are not yet public): "
        + "; ".join(parts)
        + "."
    )
    return [{"description": description, "infringing_urls_attributes": []}]


def _target_works(targets: redaction.PublicTargets) -> list[dict[str, Any]]:
    works: list[dict[str, Any]] = []
    for target in targets.named:
        what = "Post by" if target.scope == "status" else "Account of"
        works.append(
            {
                "description": f"{what} {target.display_name} ({target.kind}): {target.text}",
                "infringing_urls_attributes": [{"url": target.url}],
            }
        )
    for scope, outcome, n in targets.counted_rows:
        one, many = _SCOPE_WORDS[scope]
        noun = one if n == 1 else many
        works.append(
            {
                "description": (
                    f"{n} {noun} of private individuals (not named): {_OUTCOME_WORDS[outcome]}."
                ),
                "infringing_urls_attributes": [],
            }
        )
    others = [
        f"{_lines(targets.not_actionable)} {_OUTCOME_WORDS['not_actionable']}"
        if targets.not_actionable
        else "",
        f"{_lines(targets.duplicate)} {_OUTCOME_WORDS['duplicate']}" if targets.duplicate else "",
    ]
    if any(others):
        works.append(
            {
                "description": "Also in the order: " + "; ".join(o for o in others if o) + ".",
                "infringing_urls_attributes": [],
            }
        )
    if not works:
        works.append({"description": "The order named nothing.", "infringing_urls_attributes": []})
    return works


def _organization(name: str, country: str = "") -> dict[str, Any]:
    entity: dict[str, Any] = {"name": name, "kind": "organization"}
    if country:
        entity["country_code"] = country
    return entity


def lumen_notice(demand: Demand, now: datetime, counts: dict[str, int] | None = None) -> dict:
    """``demand`` as a Lumen notice, under the redaction policy at ``now``.

    We record the day an order reached us, not the day it was signed: ``date_sent``
    is that day too (it was sent no later).

    ``counts`` are its items by public outcome (``portal_queries.outcome_counts``),
    read here when not given.
    """
    if counts is None:
        counts = outcome_counts([demand.id])[demand.id]
    authority = demand.authority
    country = country_name(demand.country)
    kind = lumen_type(demand)
    heading = "Court order" if kind == COURT_ORDER else "Government request"
    reference = redaction.public_reference(demand, now)
    basis = redaction.public_legal_basis(demand, now)
    targets = redaction.public_targets(demand, now)
    notice_url = redaction.site_url() + reverse("transparency:demand_notice", args=[demand.id])
    body = [
        f"{authority.name} ({country}) asked us to withhold content in {country}.",
        f"Reference: {reference}." if reference else "",
        "The order is confidential: its reference, the text of its legal basis and the "
        "content it named are not yet public."
        if targets is None
        else "",
        f"Our public notice: {notice_url}",
    ]
    notice: dict[str, Any] = {
        "type": kind,
        "title": f"{heading} from {authority.name} ({country})",
        "subject": f"{heading} to withhold content in {country}"
        + (f" under {demand.legal_basis_code.strip()}" if demand.legal_basis_code.strip() else ""),
        "body": "\n".join(line for line in body if line),
        "date_received": _day(demand.received_at),
        "date_sent": _day(demand.received_at),
        "action_taken": lumen_action(counts),
        "jurisdiction_list": [demand.country],
        "regulation_list": [basis] if basis else [],
        "language": LANGUAGE,
        "works_attributes": _count_works(counts) if targets is None else _target_works(targets),
        "entity_notice_roles_attributes": [
            {
                "name": "sender",
                "entity_attributes": _organization(authority.name, authority.country),
            },
            {"name": "recipient", "entity_attributes": _organization(settings.DOMAIN)},
            {
                "name": "principal",
                "entity_attributes": _organization(authority.name, authority.country),
            },
        ],
    }
    if kind == COURT_ORDER:
        notice["entity_notice_roles_attributes"].append(
            {
                "name": "issuing_court",
                "entity_attributes": _organization(authority.name, authority.country),
            }
        )
    return {"notice": notice}


def lumen_notices(demands: Iterable[Demand], now: datetime) -> list[dict]:
    """Each of ``demands`` as a Lumen notice (their outcome counts read in one query)."""
    demands = list(demands)
    counts = outcome_counts([d.id for d in demands])
    return [lumen_notice(d, now, counts[d.id]) for d in demands]
