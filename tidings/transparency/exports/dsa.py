"""EU DSA statements of reasons for the Transparency Database, one per withholding in the EEA.

A withholding decided on a demand that reaches an EU/EEA country (``XX`` reaches
them all) becomes one statement in the database's submission layout (its API
documentation and ``StatementStoreRequest``): access disabled in the EEA
countries of the withholding (``territorial_scope``), on the ground of illegal
content under the order's public legal basis, decided by people. The bulk
endpoint takes at most ``BATCH_SIZE`` statements per call (``{"statements": [...]}``).

A statement carries no personal data (Art. 24(5) DSA): no handle, name, URL or
text of the content, no authority staff, no reviewer or reason of ours; the
authority appears by kind and country alone. An account withheld in a country is
reported as its content being disabled there: the owner keeps the account, so it
is neither of the database's account restrictions (suspension, termination).

``validate_statement`` applies the database's field rules; ``check_statements``
stops an export on the first statement that breaks one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from tidings.legal.jurisdictions import EU_EEA
from tidings.legal.models import Demand, Withholding
from tidings.lib.countries import EVERYWHERE, country_name
from tidings.lib.errors import InvalidInput
from tidings.transparency import redaction

BATCH_SIZE = 100
PUID_PREFIX = "tidings-withholding-"
ARTICLE_9_PACK = "EU-DSA9"

# -- the database's vocabulary (app/Models/Statement.php) ---------------------------------

DECISION_VISIBILITIES = frozenset(
    {
        "DECISION_VISIBILITY_CONTENT_REMOVED",
        "DECISION_VISIBILITY_CONTENT_DISABLED",
        "DECISION_VISIBILITY_CONTENT_DEMOTED",
        "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_LABELLED",
        "DECISION_VISIBILITY_OTHER",
    }
)
DECISION_MONETARIES = frozenset(
    {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"}
)
DECISION_PROVISIONS = frozenset(
    {
        "DECISION_PROVISION_PARTIAL_SUSPENSION",
        "DECISION_PROVISION_TOTAL_SUSPENSION",
        "DECISION_PROVISION_PARTIAL_TERMINATION",
        "DECISION_PROVISION_TOTAL_TERMINATION",
    }
)
DECISION_ACCOUNTS = frozenset({"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"})
ACCOUNT_TYPES = frozenset({"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"})
DECISION_GROUNDS = frozenset(
    {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
)
CONTENT_TYPES = frozenset(
    {
        "CONTENT_TYPE_APP",
        "CONTENT_TYPE_AUDIO",
        "CONTENT_TYPE_IMAGE",
        "CONTENT_TYPE_PRODUCT",
        "CONTENT_TYPE_SYNTHETIC_MEDIA",
        "CONTENT_TYPE_TEXT",
        "CONTENT_TYPE_VIDEO",
        "CONTENT_TYPE_OTHER",
    }
)
CATEGORIES = frozenset(
    {
        "STATEMENT_CATEGORY_ANIMAL_WELFARE",
        "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "STATEMENT_CATEGORY_SELF_HARM",
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        "STATEMENT_CATEGORY_VIOLENCE",
    }
)
SOURCE_TYPES = frozenset(
    {
        "SOURCE_ARTICLE_16",
        "SOURCE_TRUSTED_FLAGGER",
        "SOURCE_TYPE_OTHER_NOTIFICATION",
        "SOURCE_VOLUNTARY",
    }
)
AUTOMATED_DETECTIONS = frozenset({"Yes", "No"})
AUTOMATED_DECISIONS = frozenset(
    {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
)

#: Free text fields and their limits, in characters.
TEXT_LIMITS = {
    "decision_visibility_other": 500,
    "decision_monetary_other": 500,
    "decision_ground_reference_url": 500,
    "illegal_content_legal_ground": 500,
    "illegal_content_explanation": 2000,
    "incompatible_content_ground": 500,
    "incompatible_content_explanation": 2000,
    "content_type_other": 500,
    "category_specification_other": 500,
    "decision_facts": 5000,
    "source_identity": 500,
    "puid": 500,
}
END_DATES = (
    "end_date_visibility_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_account_restriction",
)
FIELDS = frozenset(
    {
        "decision_visibility",
        "decision_monetary",
        "decision_provision",
        "decision_account",
        "account_type",
        "decision_ground",
        "incompatible_content_illegal",
        "content_type",
        "category",
        "category_addition",
        "category_specification",
        "territorial_scope",
        "content_language",
        "content_date",
        "application_date",
        "source_type",
        "automated_detection",
        "automated_decision",
        *TEXT_LIMITS,
        *END_DATES,
    }
)
REQUIRED = (
    "decision_ground",
    "content_type",
    "category",
    "territorial_scope",
    "content_date",
    "application_date",
    "decision_facts",
    "source_type",
    "automated_detection",
    "automated_decision",
    "puid",
)
PUID_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
CONTENT_DATE_FROM, APPLICATION_DATE_FROM, LAST_DATE = (
    date(2000, 1, 1),
    date(2020, 1, 1),
    date(2038, 1, 1),
)


# -- building ---------------------------------------------------------------------------------


def territorial_scope(countries: Iterable[str]) -> list[str]:
    """The EU/EEA countries among ``countries`` (all of them for ``XX``), sorted."""
    codes = {c.upper() for c in countries}
    return sorted(EU_EEA if EVERYWHERE in codes else codes & EU_EEA)


def puid(withholding: Withholding) -> str:
    """Our unique, stable identifier of the statement about ``withholding``."""
    return f"{PUID_PREFIX}{withholding.id}"


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _ordered_by(demand: Demand) -> str:
    authority = demand.authority
    return f"a {authority.get_kind_display().lower()} of {country_name(authority.country)}"


def _legal_ground(demand: Demand, now: datetime) -> str:
    """The order's public legal basis, within the field's limit: the code alone when the
    text would not fit, and a plain statement while a confidential order has none."""
    basis = redaction.public_legal_basis(demand, now)
    code = demand.legal_basis_code.strip()
    limit = TEXT_LIMITS["illegal_content_legal_ground"]
    if len(basis) > limit and code:
        basis = code
    if not basis:
        basis = f"The law of {country_name(demand.country)} invoked by the order"
    return _fit(basis, limit)


def dsa_statement(withholding: Withholding, now: datetime) -> dict[str, Any] | None:
    """The statement of reasons for ``withholding``; None when it reaches no EU/EEA country."""
    scope = territorial_scope(withholding.countries)
    if not scope:
        return None
    demand = withholding.demand_item.demand
    subject = withholding.post if withholding.post_id else withholding.account
    what = "a post" if withholding.post_id else "an account (all of its posts)"
    by = _ordered_by(demand)
    article_9 = demand.rule_pack == ARTICLE_9_PACK
    order = "an order under Article 9 DSA" if article_9 else "an order"
    everywhere = EVERYWHERE in {c.upper() for c in withholding.countries}
    where = "everywhere, the EU and EEA included" if everywhere else "in " + ", ".join(scope)
    facts = (
        f"We received {order} from {by} to restrict access to content on our service. "
        f"Our legal team reviewed it item by item and disabled access to {what} {where}"
        + ("" if everywhere else ", and nowhere else in the EU or EEA")
        + ". The decision was taken by a person, not by automated means."
    )
    explanation = (
        f"{by[0].upper()}{by[1:]} ordered access to this content restricted, considering it "
        "illegal under the legal ground given. Our legal team reviewed the order and restricted "
        "access in the territory stated."
    )
    statement: dict[str, Any] = {
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"],
        "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
        "illegal_content_legal_ground": _legal_ground(demand, now),
        "illegal_content_explanation": explanation,
        "content_type": ["CONTENT_TYPE_TEXT"],
        "category": "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
        "territorial_scope": scope,
        "content_date": _day(subject.created_at),
        "application_date": _day(withholding.starts_at),
        "decision_facts": facts,
        # The database's own guidance: orders outside Art. 9 are "other notifications"; it has
        # no source type for an Art. 9 order (Art. 17 does not cover them), so it is one too.
        "source_type": "SOURCE_TYPE_OTHER_NOTIFICATION",
        "automated_detection": "No",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": puid(withholding),
    }
    ends = [m for m in (withholding.ends_at, withholding.lifted_at) if m is not None]
    if ends:
        statement["end_date_visibility_restriction"] = _day(min(ends))
    return statement


def dsa_statements(withholdings: Iterable[Withholding], now: datetime) -> list[dict[str, Any]]:
    """Statements for those of ``withholdings`` that reach the EU/EEA, in their order."""
    built = (dsa_statement(w, now) for w in withholdings)
    return [s for s in built if s is not None]


def batches(statements: Sequence[dict], size: int = BATCH_SIZE) -> Iterator[dict[str, list]]:
    """``statements`` as the bulk endpoint takes them: ``{"statements": [...]}``, ``size`` at most."""
    for start in range(0, len(statements), size):
        yield {"statements": list(statements[start : start + size])}


# -- validating -------------------------------------------------------------------------------


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not DATE_PATTERN.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _check_enum_list(statement: dict, field: str, allowed: frozenset[str]) -> list[str]:
    value = statement.get(field)
    if not isinstance(value, list) or not value:
        return [f"{field}: must be a list of at least one value"]
    bad = [v for v in value if v not in allowed]
    return [f"{field}: {v!r} is not an allowed value" for v in bad]


def _check_one_of(statement: dict, field: str, allowed: frozenset[str]) -> list[str]:
    value = statement.get(field)
    if value is None:
        return []
    return [] if value in allowed else [f"{field}: {value!r} is not an allowed value"]


def _check_dates(statement: dict) -> list[str]:
    problems: list[str] = []
    days: dict[str, date] = {}
    for field in ("content_date", "application_date", *END_DATES):
        value = statement.get(field)
        if value is None:
            continue
        day = _date(value)
        if day is None:
            problems.append(f"{field}: {value!r} is not a date written YYYY-MM-DD")
            continue
        if day > LAST_DATE:
            problems.append(f"{field}: {value} is after {LAST_DATE}")
        days[field] = day
    content, applied = days.get("content_date"), days.get("application_date")
    if content is not None and content < CONTENT_DATE_FROM:
        problems.append(f"content_date: {content} is before {CONTENT_DATE_FROM}")
    if applied is not None and applied < APPLICATION_DATE_FROM:
        problems.append(f"application_date: {applied} is before {APPLICATION_DATE_FROM}")
    if content is not None and applied is not None and applied < content:
        problems.append(f"application_date: {applied} is before the content_date {content}")
    for field in END_DATES:
        end = days.get(field)
        if end is not None and applied is not None and end < applied:
            problems.append(f"{field}: {end} is before the application_date {applied}")
    return problems


def validate_statement(statement: dict) -> list[str]:
    """Every way ``statement`` breaks the Transparency Database's rules ("field: problem")."""
    if not isinstance(statement, dict):
        return ["statement: must be a JSON object"]
    problems = [
        f"{field}: is not a field of a statement" for field in sorted(set(statement) - FIELDS)
    ]
    problems += [
        f"{field}: is required" for field in REQUIRED if statement.get(field) in (None, "", [])
    ]
    if not any(
        statement.get(f)
        for f in (
            "decision_visibility",
            "decision_monetary",
            "decision_provision",
            "decision_account",
        )
    ):
        problems.append(
            "decision_visibility: one of decision_visibility, decision_monetary, "
            "decision_provision or decision_account is required"
        )
    if statement.get("decision_visibility") is not None:
        problems += _check_enum_list(statement, "decision_visibility", DECISION_VISIBILITIES)
    if statement.get("content_type") is not None:
        problems += _check_enum_list(statement, "content_type", CONTENT_TYPES)
    if statement.get("territorial_scope"):
        problems += _check_enum_list(statement, "territorial_scope", EU_EEA)
    for field, allowed in (
        ("decision_monetary", DECISION_MONETARIES),
        ("decision_provision", DECISION_PROVISIONS),
        ("decision_account", DECISION_ACCOUNTS),
        ("account_type", ACCOUNT_TYPES),
        ("decision_ground", DECISION_GROUNDS),
        ("category", CATEGORIES),
        ("source_type", SOURCE_TYPES),
        ("automated_detection", AUTOMATED_DETECTIONS),
        ("automated_decision", AUTOMATED_DECISIONS),
    ):
        problems += _check_one_of(statement, field, allowed)
    conditional = {
        "illegal_content_legal_ground": statement.get("decision_ground")
        == "DECISION_GROUND_ILLEGAL_CONTENT",
        "illegal_content_explanation": statement.get("decision_ground")
        == "DECISION_GROUND_ILLEGAL_CONTENT",
        "incompatible_content_ground": statement.get("decision_ground")
        == "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_explanation": statement.get("decision_ground")
        == "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "decision_visibility_other": "DECISION_VISIBILITY_OTHER"
        in (statement.get("decision_visibility") or []),
        "decision_monetary_other": statement.get("decision_monetary") == "DECISION_MONETARY_OTHER",
        "content_type_other": "CONTENT_TYPE_OTHER" in (statement.get("content_type") or []),
    }
    problems += [
        f"{field}: is required here"
        for field, needed in conditional.items()
        if needed and not statement.get(field)
    ]
    for field, limit in TEXT_LIMITS.items():
        value = statement.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(f"{field}: must be text")
        elif len(value) > limit:
            problems.append(f"{field}: {len(value)} characters, more than {limit}")
    value = statement.get("puid")
    if isinstance(value, str) and value and not PUID_PATTERN.fullmatch(value):
        problems.append("puid: may hold only letters a-z and A-Z, digits, '-' and '_'")
    return problems + _check_dates(statement)


def check_statements(statements: Iterable[dict]) -> None:
    """Raise ``InvalidInput`` naming the first broken statement's puid and field; also refuse
    a puid used twice (the database keeps them unique per platform)."""
    seen: set[str] = set()
    for statement in statements:
        label = statement.get("puid") if isinstance(statement, dict) else None
        problems = validate_statement(statement)
        if not problems and label in seen:
            problems = ["puid: is used by an earlier statement"]
        if problems:
            raise InvalidInput(
                f"Statement {label or '(no puid)'} is invalid, nothing was written: "
                + "; ".join(problems)
                + "."
            )
        seen.add(label)
