"""Jurisdiction rule packs: what the law (and our own policy) asks of a demand, per country.

Every rule is data with its source. A rule is either **law** (the statute or
rules the authority can hold us to) or **policy** (a service level we set
ourselves and publish); clocks built from it say which (``Rule.law``). A demand
gets its pack from its country and legal basis (``pack_for``); ``DEFAULT`` is
for every country without a pack of its own.

Durations that amendments change are settings: ``TIDINGS_IN_ACTION_HOURS``
(IT Rules 2021, Rule 3(1)(d): 36 hours) overrides India's action clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from django.conf import settings


class GeoBlocking(StrEnum):
    """Whether a pack lets the desk withhold in its country, and on what kind of order."""

    ALLOWED = "allowed"
    #: Only a court order can be given effect; anything else is declined (US).
    COURT_ORDER_ONLY = "court_order_only"


@dataclass(frozen=True)
class Rule:
    """One requirement: a duration (or ``None`` for a rule with no clock), and where it comes from."""

    source: str
    within: timedelta | None = None
    #: True for the law, False for a service level of our own.
    law: bool = True
    note: str = ""


@dataclass(frozen=True)
class ExternalRoute:
    """Where an affected user can go beyond the platform, and the window for it."""

    name: str
    source: str
    within: timedelta | None = None
    url: str = ""


@dataclass(frozen=True)
class RulePack:
    """The rules for demands from one jurisdiction.

    ``None`` for a rule means the jurisdiction has no such rule (no clock is shown).
    """

    code: str
    name: str
    countries: frozenset[str]
    #: Legal basis codes this pack is specific to; empty means any basis from its countries.
    bases: frozenset[str] = frozenset()
    #: Acknowledging receipt of an order (a policy of ours everywhere unless a law says so).
    acknowledge: Rule | None = None
    #: Acting on an order (deciding every item).
    action: Rule | None = None
    #: An emergency (interim) order's withholdings lapse unless confirmed within this.
    emergency_lapse: Rule | None = None
    #: The least notice a hearing may be given with.
    hearing_notice: Rule | None = None
    #: Informing the authority of the effect given.
    inform_authority: Rule | None = None
    #: Answering a non-compliance notice.
    noncompliance_response: Rule | None = None
    #: Orders are confidential (notices to users held back) unless a legal admin releases them.
    confidential_by_default: Rule | None = None
    #: Removed content and its records are preserved for this long.
    preservation: Rule | None = None
    #: The affected user is told, with a route to dispute.
    user_notice: Rule | None = None
    #: A user's appeal: acknowledged within, decided within, and may be filed within.
    appeal_acknowledge: Rule | None = None
    appeal_decide: Rule | None = None
    appeal_window: Rule | None = None
    #: Routes outside the platform (a committee, out-of-court settlement, courts).
    external_routes: tuple[ExternalRoute, ...] = ()
    geo_blocking: GeoBlocking = GeoBlocking.ALLOWED
    #: The zone its clocks are shown in (they are stored and compared in UTC).
    timezone: str = "UTC"
    scope_note: str = ""
    sources: tuple[str, ...] = field(default=())

    def applies_to(self, country: str, basis_code: str) -> bool:
        if country.upper() not in self.countries:
            return False
        return not self.bases or basis_code.upper() in self.bases


HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

#: Our own service levels, the same in every pack unless a law is stricter.
POLICY_ACKNOWLEDGE = Rule(
    "Tidings service level: every order is acknowledged within 24 hours of receipt",
    24 * HOUR,
    law=False,
)
POLICY_ACTION = Rule(
    "Tidings service level: every order is reviewed within 72 hours of receipt",
    72 * HOUR,
    law=False,
)
POLICY_NONCOMPLIANCE = Rule(
    "Tidings service level: a non-compliance notice is answered within 24 hours",
    24 * HOUR,
    law=False,
)
POLICY_APPEAL_ACK = Rule(
    "Tidings service level: an appeal is acknowledged within 24 hours", 24 * HOUR, law=False
)
POLICY_APPEAL_DECIDE = Rule(
    "Tidings service level: an appeal is decided within 15 days", 15 * DAY, law=False
)
POLICY_APPEAL_WINDOW = Rule(
    "Tidings policy: an appeal may be filed within 6 months of the notice", 183 * DAY, law=False
)

IT_RULES_2021 = "IT (Intermediary Guidelines and Digital Media Ethics Code) Rules 2021"
BLOCKING_RULES_2009 = (
    "IT (Procedure and Safeguards for Blocking for Access of Information by Public) Rules 2009"
)


def _in_action_hours() -> int:
    hours = int(getattr(settings, "TIDINGS_IN_ACTION_HOURS", 36))
    if hours <= 0:
        raise ValueError("TIDINGS_IN_ACTION_HOURS must be a positive number of hours.")
    return hours


def india() -> RulePack:
    """India: IT Act s.69A, the 2009 Blocking Rules and the IT Rules 2021.

    Acknowledging an order within 24 hours is our service level, not the law;
    acting within 36 hours, the emergency lapse, the hearing notice, confidentiality,
    preservation and the grievance clocks are the law.
    """
    hours = _in_action_hours()
    return RulePack(
        code="IN-69A",
        name="India: IT Act s.69A, Blocking Rules 2009, IT Rules 2021",
        countries=frozenset({"IN"}),
        acknowledge=POLICY_ACKNOWLEDGE,
        action=Rule(
            f"{IT_RULES_2021}, Rule 3(1)(d): act within {hours} hours of actual knowledge",
            hours * HOUR,
            note="Configurable (TIDINGS_IN_ACTION_HOURS): amendments shorten it.",
        ),
        emergency_lapse=Rule(
            f"{BLOCKING_RULES_2009}, Rule 9: an interim order lapses unless the committee "
            "confirms it within 48 hours",
            48 * HOUR,
        ),
        hearing_notice=Rule(
            f"{BLOCKING_RULES_2009}, Rule 8: at least 48 hours' notice of a hearing", 48 * HOUR
        ),
        noncompliance_response=POLICY_NONCOMPLIANCE,
        confidential_by_default=Rule(
            f"{BLOCKING_RULES_2009}, Rule 16: requests and actions are kept confidential"
        ),
        preservation=Rule(
            f"{IT_RULES_2021}, Rule 3(1)(g): preserve removed content and records for 180 days",
            180 * DAY,
        ),
        user_notice=Rule(
            f"{IT_RULES_2021}, Rule 4(8): notify the user with the grounds and a means to dispute"
        ),
        appeal_acknowledge=Rule(
            f"{IT_RULES_2021}, Rule 3(2): a grievance is acknowledged within 24 hours", 24 * HOUR
        ),
        appeal_decide=Rule(
            f"{IT_RULES_2021}, Rule 3(2): a grievance is resolved within 15 days", 15 * DAY
        ),
        appeal_window=POLICY_APPEAL_WINDOW,
        external_routes=(
            ExternalRoute(
                "Grievance Appellate Committee",
                f"{IT_RULES_2021}, Rule 3A: appeal within 30 days of the decision",
                30 * DAY,
                "https://gac.gov.in/",
            ),
        ),
        timezone="Asia/Kolkata",
        scope_note="Tidings policy: withhold in India only, where the order has effect.",
        sources=(
            "Information Technology Act, 2000, section 69A",
            BLOCKING_RULES_2009,
            IT_RULES_2021,
        ),
    )


EU_EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "HU",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)
DSA = "Regulation (EU) 2022/2065 (Digital Services Act)"

EU = RulePack(
    code="EU-DSA9",
    name="EU/EEA: Digital Services Act, Article 9 orders",
    countries=EU_EEA,
    acknowledge=POLICY_ACKNOWLEDGE,
    action=POLICY_ACTION,
    inform_authority=Rule(
        f"{DSA}, Art. 9(1): inform the authority of the effect given without undue delay, "
        "saying if and when",
        24 * HOUR,
        note="'Without undue delay' has no fixed length; 24 hours is our reading.",
    ),
    noncompliance_response=POLICY_NONCOMPLIANCE,
    user_notice=Rule(
        f"{DSA}, Art. 9(5): inform the recipient at the latest when effect is given, with a "
        "statement of reasons, the territorial scope and redress"
    ),
    appeal_acknowledge=POLICY_APPEAL_ACK,
    appeal_decide=POLICY_APPEAL_DECIDE,
    appeal_window=Rule(f"{DSA}, Art. 20(1): at least six months to lodge a complaint", 183 * DAY),
    external_routes=(
        ExternalRoute(
            "a certified out-of-court dispute settlement body", f"{DSA}, Art. 21", None, ""
        ),
        ExternalRoute("the courts of the Member State", f"{DSA}, Art. 9(5)", None, ""),
    ),
    timezone="Europe/Brussels",
    scope_note=f"{DSA}, Art. 9(2)(b): territorial scope limited to what is strictly necessary.",
    sources=(DSA,),
)

US = RulePack(
    code="US",
    name="United States: court orders only",
    countries=frozenset({"US"}),
    acknowledge=POLICY_ACKNOWLEDGE,
    action=POLICY_ACTION,
    noncompliance_response=POLICY_NONCOMPLIANCE,
    appeal_acknowledge=POLICY_APPEAL_ACK,
    appeal_decide=POLICY_APPEAL_DECIDE,
    appeal_window=POLICY_APPEAL_WINDOW,
    external_routes=(ExternalRoute("the courts", "First Amendment; 47 U.S.C. § 230"),),
    geo_blocking=GeoBlocking.COURT_ORDER_ONLY,
    timezone="America/New_York",
    scope_note="Tidings policy: no geo-blocking in the US; decline unless a court order.",
    sources=("Tidings policy on US government requests",),
)

DEFAULT = RulePack(
    code="DEFAULT",
    name="Default: our own service levels",
    countries=frozenset(),
    acknowledge=POLICY_ACKNOWLEDGE,
    action=POLICY_ACTION,
    noncompliance_response=POLICY_NONCOMPLIANCE,
    appeal_acknowledge=POLICY_APPEAL_ACK,
    appeal_decide=POLICY_APPEAL_DECIDE,
    appeal_window=POLICY_APPEAL_WINDOW,
    sources=("Tidings policy",),
)


def withholding_refusal(pack: RulePack, kind: str) -> str | None:
    """Why ``pack`` forbids withholding on a demand of ``kind`` (a ``DemandKind``), or None."""
    if pack.geo_blocking == GeoBlocking.COURT_ORDER_ONLY and kind != "court_order":
        return (
            f"{pack.name}: {pack.scope_note} This demand is not a court order, "
            "so its items can only be declined (or escalated)."
        )
    return None


def confidential_by_default(pack: RulePack) -> bool:
    """Whether a new demand under ``pack`` is confidential unless intake says otherwise."""
    return pack.confidential_by_default is not None


def packs() -> tuple[RulePack, ...]:
    """Every pack, most specific first (India's reads a setting, so it is built per call)."""
    return (india(), EU, US)


def pack_for(country: str, basis_code: str = "") -> RulePack:
    """The pack for a demand from ``country`` under ``basis_code``; ``DEFAULT`` if none applies."""
    for pack in packs():
        if pack.applies_to(country, basis_code):
            return pack
    return DEFAULT


def pack_by_code(code: str) -> RulePack:
    for pack in (*packs(), DEFAULT):
        if pack.code == code:
            return pack
    return DEFAULT
