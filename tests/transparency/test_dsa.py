"""EU DSA statements of reasons: one per withholding reaching the EEA, valid, stable, anonymous."""

from __future__ import annotations

import json
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from tests.transparency.exports_world import court_order, decide, order
from tidings.legal.actions.withholding import do_lift_withholdings
from tidings.legal.jurisdictions import EU_EEA
from tidings.legal.models import Withholding
from tidings.lib.errors import InvalidInput
from tidings.transparency.exports.dsa import (
    batches,
    check_statements,
    dsa_statements,
    validate_statement,
)
from tidings.transparency.exports.selection import exported_withholdings


def statements() -> list[dict]:
    return dsa_statements(exported_withholdings(), timezone.now())


@pytest.fixture
def people(make_account, make_post):
    make_account("dailynews", display_name="The Daily News", kind="news")
    priya = make_account("priya", display_name="Priya Farmer")
    return {"post": make_post(priya, "Our village marches tomorrow")}


def test_a_withholding_in_germany_and_india_is_a_statement_for_germany_alone(legal, people):
    post = people["post"]
    demand = order(legal, f"@dailynews\nhttp://localhost:8000/@priya/{post.id}")
    decide(
        demand,
        [f"http://localhost:8000/@priya/{post.id}"],
        "withhold",
        legal,
        countries=["DE", "IN"],
    )

    [statement] = statements()

    assert validate_statement(statement) == []
    assert statement["territorial_scope"] == ["DE"]
    assert statement["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    assert statement["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert statement["illegal_content_legal_ground"] == (
        "Section 69A of the Information Technology Act, 2000 (IN-ITA-69A)"
    )
    assert statement["content_type"] == ["CONTENT_TYPE_TEXT"]
    assert statement["category"] == "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE"
    assert statement["source_type"] == "SOURCE_TYPE_OTHER_NOTIFICATION"
    assert statement["automated_detection"] == "No"
    assert statement["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    today = timezone.now().astimezone(UTC).strftime("%Y-%m-%d")
    assert statement["content_date"] == statement["application_date"] == today
    assert "end_date_visibility_restriction" not in statement  # until further notice
    assert "a ministry of India" in statement["decision_facts"]
    assert "in DE, and nowhere else in the EU or EEA" in statement["decision_facts"]


def test_a_withholding_only_in_india_has_no_statement(legal, people):
    demand = order(legal, "@dailynews")
    decide(demand, ["@dailynews"], "withhold", legal)
    assert Withholding.objects.count() == 1
    assert statements() == []


def test_withheld_everywhere_reaches_every_eea_country(legal_admin, people):
    demand = order(legal_admin, "@dailynews")
    decide(demand, ["@dailynews"], "withhold", legal_admin, countries=["XX"])

    [statement] = statements()

    assert statement["territorial_scope"] == sorted(EU_EEA)
    assert len(statement["territorial_scope"]) == 30 and "HU" in statement["territorial_scope"]
    assert "everywhere, the EU and EEA included" in statement["decision_facts"]
    assert validate_statement(statement) == []


def test_an_article_9_court_order_says_so_and_a_lifted_withholding_has_its_end(legal, people):
    demand = court_order(legal, "@dailynews")
    decide(demand, ["@dailynews"], "withhold", legal)
    do_lift_withholdings(
        list(Withholding.objects.all()), reason="appeal granted", acting_user=legal
    )

    [statement] = statements()

    assert statement["territorial_scope"] == ["DE"]
    assert "an order under Article 9 DSA from a court of Germany" in statement["decision_facts"]
    assert statement["end_date_visibility_restriction"] == statement["application_date"]
    assert validate_statement(statement) == []


def test_a_withholding_with_an_end_gives_its_end_date(legal, people):
    demand = order(legal, "@dailynews", country="FR", legal_basis_code="FR-LCEN-6")
    until = timezone.now() + timedelta(days=30)
    decide(demand, ["@dailynews"], "withhold", legal, until=until)
    [statement] = statements()
    assert statement["end_date_visibility_restriction"] == until.astimezone(UTC).strftime(
        "%Y-%m-%d"
    )


def test_a_confidential_order_gives_its_basis_code_alone(legal, people, settings):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = 180
    demand = order(legal, "@dailynews", confidential=True)
    decide(demand, ["@dailynews"], "withhold", legal, countries=["IN", "FR"])
    [statement] = statements()
    assert statement["illegal_content_legal_ground"] == "IN-ITA-69A"


def test_no_personal_data_or_reason_appears_in_any_statement(legal, people):
    post = people["post"]
    url = f"http://localhost:8000/@priya/{post.id}"
    demand = order(legal, f"@dailynews\n@priya\n{url}")
    decide(
        demand,
        ["@dailynews", "@priya", url],
        "withhold",
        legal,
        countries=["DE"],
        reason="desk note",
    )
    do_lift_withholdings(
        list(Withholding.objects.filter(account__username="priya")),
        reason="lifted for a private reason",
        acting_user=legal,
    )

    text = json.dumps(statements())

    assert text.count('"puid"') == 3
    for private in (
        "priya",
        "Priya",
        "dailynews",
        "Daily News",
        "marches",
        str(post.id),
        "http",
        "@",
        "desk note",
        "private reason",
        "lex",
        "MEITY/2021/1178",  # the order's reference is ours to publish on our notice, not here
        "Ministry of Electronics",
    ):
        assert private not in text, private


def test_puids_are_unique_and_the_same_on_every_run(legal_admin, people):
    demand = order(legal_admin, "@dailynews\n@priya")
    decide(demand, ["@dailynews", "@priya"], "withhold", legal_admin, countries=["XX"])
    first = [s["puid"] for s in statements()]
    second = [s["puid"] for s in statements()]
    assert first == second
    assert len(set(first)) == 2
    ids = sorted(Withholding.objects.values_list("id", flat=True))
    assert first == [f"tidings-withholding-{i}" for i in ids]


def test_250_withholdings_go_in_batches_of_100_100_and_50(legal, make_account):
    handles = [f"member{n}" for n in range(250)]
    for handle in handles:
        make_account(handle)
    demand = order(legal, "\n".join(f"@{h}" for h in handles))
    decide(demand, [f"@{h}" for h in handles], "withhold", legal, countries=["IN", "NL"])

    found = statements()
    check_statements(found)
    groups = list(batches(found))

    assert [len(g["statements"]) for g in groups] == [100, 100, 50]
    assert len({s["puid"] for g in groups for s in g["statements"]}) == 250


def test_the_export_window_is_by_day_applied(legal, people):
    demand = order(legal, "@dailynews", country="NL", legal_basis_code="NL-1")
    decide(demand, ["@dailynews"], "withhold", legal)
    today = timezone.now().astimezone(UTC).date()
    assert len(dsa_statements(exported_withholdings(today, today), timezone.now())) == 1
    tomorrow = today + timedelta(days=1)
    assert dsa_statements(exported_withholdings(tomorrow, None), timezone.now()) == []


# -- the validator -------------------------------------------------------------------------


def good() -> dict:
    return {
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"],
        "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
        "illegal_content_legal_ground": "Section 69A",
        "illegal_content_explanation": "Ordered by a ministry.",
        "content_type": ["CONTENT_TYPE_TEXT"],
        "category": "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
        "territorial_scope": ["DE"],
        "content_date": "2021-01-30",
        "application_date": "2021-02-01",
        "end_date_visibility_restriction": "2021-02-03",
        "decision_facts": "We disabled access.",
        "source_type": "SOURCE_TYPE_OTHER_NOTIFICATION",
        "automated_detection": "No",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": "tidings-withholding-1",
    }


def without(field: str) -> dict:
    statement = good()
    del statement[field]
    return statement


def having(**fields) -> dict:
    return {**good(), **fields}


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        (without("decision_ground"), "decision_ground: is required"),
        (without("puid"), "puid: is required"),
        (without("decision_facts"), "decision_facts: is required"),
        (without("territorial_scope"), "territorial_scope: is required"),
        (without("content_date"), "content_date: is required"),
        (without("decision_visibility"), "decision_visibility: one of"),
        (without("illegal_content_legal_ground"), "illegal_content_legal_ground: is required here"),
        (having(decision_visibility="DECISION_VISIBILITY_CONTENT_DISABLED"), "must be a list"),
        (having(decision_visibility=["HIDDEN"]), "decision_visibility: 'HIDDEN' is not an allowed"),
        (having(decision_ground="DECISION_GROUND_RUDE"), "decision_ground: 'DECISION_GROUND_RUDE'"),
        (having(category="STATEMENT_CATEGORY_SPAM"), "category: 'STATEMENT_CATEGORY_SPAM'"),
        (having(source_type="SOURCE_ARTICLE_9"), "source_type: 'SOURCE_ARTICLE_9'"),
        (having(automated_detection="Maybe"), "automated_detection: 'Maybe'"),
        (having(automated_decision="No"), "automated_decision: 'No'"),
        (having(decision_account="DECISION_ACCOUNT_WITHHELD"), "decision_account:"),
        (having(content_type=[]), "content_type: is required"),
        (having(content_type=["CONTENT_TYPE_OTHER"]), "content_type_other: is required here"),
        (having(territorial_scope=["DE", "IN"]), "territorial_scope: 'IN' is not an allowed"),
        (having(territorial_scope=["XX"]), "territorial_scope: 'XX' is not an allowed"),
        (having(content_date="01/02/2021"), "content_date: '01/02/2021' is not a date"),
        (having(application_date="2021-02-30"), "application_date: '2021-02-30' is not a date"),
        (having(application_date="2021-2-1"), "application_date: '2021-2-1' is not a date"),
        (having(content_date="1999-12-31"), "content_date: 1999-12-31 is before 2000-01-01"),
        (having(content_date="2019-06-01", application_date="2019-12-31"), "before 2020-01-01"),
        (having(application_date="2021-01-29"), "is before the content_date 2021-01-30"),
        (
            having(end_date_visibility_restriction="2021-01-31"),
            "end_date_visibility_restriction: 2021-01-31 is before the application_date",
        ),
        (having(end_date_visibility_restriction="2038-01-02"), "is after 2038-01-01"),
        (having(puid="withholding 1"), "puid: may hold only letters"),
        (having(puid="wh/1"), "puid: may hold only letters"),
        (having(puid="x" * 501), "puid: 501 characters, more than 500"),
        (having(decision_facts="x" * 5001), "decision_facts: 5001 characters, more than 5000"),
        (having(illegal_content_legal_ground="x" * 501), "more than 500"),
        (having(illegal_content_explanation="x" * 2001), "more than 2000"),
        (having(decision_facts=42), "decision_facts: must be text"),
        (having(handle="priya"), "handle: is not a field of a statement"),
    ],
)
def test_the_validator_rejects_a_broken_statement(statement, problem):
    problems = validate_statement(statement)
    assert any(problem in p for p in problems), problems


def test_the_validator_accepts_a_good_statement():
    assert validate_statement(good()) == []


def test_an_invalid_statement_stops_the_export_naming_its_puid_and_field():
    with pytest.raises(InvalidInput, match=r"Statement tidings-withholding-7 .*category: 'NOPE'"):
        check_statements([good(), having(puid="tidings-withholding-7", category="NOPE")])


def test_a_puid_used_twice_stops_the_export():
    with pytest.raises(InvalidInput, match="tidings-withholding-1 .*used by an earlier statement"):
        check_statements([good(), good()])
