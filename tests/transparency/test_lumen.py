"""A demand as a Lumen notice: Lumen's own fields and words, under the redaction policy."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from tests.transparency.exports_world import court_order, decide, interrupted_import, order
from tidings.legal.actions.intake import do_discard_import
from tidings.legal.actions.publication import do_publish_demand
from tidings.legal.actions.withholding import do_lift_withholdings
from tidings.legal.models import Withholding
from tidings.transparency.exports.lumen import lumen_notice, lumen_notices
from tidings.transparency.exports.selection import exported_demands

__all__ = ["interrupted_import"]  # a fixture


@pytest.fixture
def world(make_account, make_post):
    """An outlet, a politician, a reporter's post and two private people."""
    make_account("dailynews", display_name="The Daily News", kind="news")
    make_account("mpsingh", display_name="R. Singh MP", kind="politician")
    make_account("priya", display_name="Priya Farmer")
    reporter = make_account("reporter", display_name="Ravi Reporter", kind="journalist")
    farmer = make_account("kisan", display_name="Kisan Kumar")
    return {
        "story": make_post(reporter, "From the border"),
        "private_post": make_post(farmer, "Our village marches tomorrow"),
    }


def notice_of(demand, now=None) -> dict:
    return lumen_notice(demand, now or timezone.now())["notice"]


def test_a_ministry_order_is_a_government_request_in_lumens_fields(legal, world, settings):
    settings.DOMAIN = "tidings.example"
    received = datetime(2021, 2, 1, 18, 30, tzinfo=UTC)
    demand = order(legal, "@dailynews\n@priya", received_at=received)
    decide(demand, ["@priya", "@dailynews"], "withhold", legal)

    notice = notice_of(demand)

    assert notice["type"] == "GovernmentRequest"
    assert notice["title"] == (
        "Government request from Ministry of Electronics and Information Technology (India)"
    )
    assert notice["subject"] == "Government request to withhold content in India under IN-ITA-69A"
    assert (notice["date_sent"], notice["date_received"]) == ("2021-02-01", "2021-02-01")
    assert notice["action_taken"] == "Yes"
    assert notice["jurisdiction_list"] == ["IN"]
    assert notice["regulation_list"] == [
        "Section 69A of the Information Technology Act, 2000 (IN-ITA-69A)"
    ]
    assert notice["language"] == "en"
    assert "Reference: MEITY/2021/1178." in notice["body"]
    assert f"/transparency/notices/{demand.id}" in notice["body"]
    roles = {r["name"]: r["entity_attributes"] for r in notice["entity_notice_roles_attributes"]}
    ministry = {
        "name": "Ministry of Electronics and Information Technology",
        "kind": "organization",
        "country_code": "IN",
    }
    assert roles == {
        "sender": ministry,
        "principal": ministry,
        "recipient": {"name": "tidings.example", "kind": "organization"},
    }


@pytest.mark.parametrize(
    "fields",
    [
        {},  # a court's order, as the desk records it
        {"kind": "order"},  # an authority that is a court, whatever the demand's kind
    ],
)
def test_an_order_of_a_court_is_a_court_order_naming_the_issuing_court(legal, world, fields):
    demand = court_order(legal, "@dailynews", **fields)
    notice = notice_of(demand)
    assert notice["type"] == "CourtOrder"
    assert notice["title"] == "Court order from Landgericht Berlin (Germany)"
    assert notice["jurisdiction_list"] == ["DE"]
    roles = {
        r["name"]: r["entity_attributes"]["name"] for r in notice["entity_notice_roles_attributes"]
    }
    assert roles["issuing_court"] == roles["sender"] == "Landgericht Berlin"


def test_a_court_order_from_a_ministry_kind_authority_is_still_a_court_order(legal, world):
    demand = order(legal, "@dailynews", kind="court_order", authority_name="High Court of Delhi")
    assert notice_of(demand)["type"] == "CourtOrder"


@pytest.mark.parametrize(
    ("decisions", "taken"),
    [
        ([], "Unspecified"),  # nothing decided yet: Lumen has no "pending"
        ([("withhold", ["@dailynews", "@priya"])], "Yes"),
        ([("withhold", ["@priya"]), ("decline", ["@dailynews"])], "Partial"),
        ([("withhold", ["@priya"])], "Partial"),  # one line still in review
        ([("decline", ["@dailynews", "@priya"])], "No"),
    ],
)
def test_action_taken_is_one_of_lumens_words(legal, world, decisions, taken):
    demand = order(legal, "@dailynews\n@priya\n@nobody_here")
    for action, raws in decisions:
        decide(demand, raws, action, legal)
    assert notice_of(demand)["action_taken"] == taken


def test_content_withheld_then_reinstated_was_still_acted_on(legal, world):
    demand = order(legal, "@priya")
    decide(demand, ["@priya"], "withhold", legal)
    do_lift_withholdings(
        list(Withholding.objects.all()), reason="appeal granted", acting_user=legal
    )
    notice = notice_of(demand)
    assert notice["action_taken"] == "Yes"
    assert "withheld, since reinstated" in json.dumps(notice)


def test_public_figures_are_works_with_urls_and_private_people_only_counts(legal, world):
    story, private_post = world["story"], world["private_post"]
    demand = order(
        legal,
        "\n".join(
            [
                "@dailynews",
                "@priya",
                f"http://localhost:8000/@reporter/{story.id}",
                f"http://localhost:8000/@kisan/{private_post.id}",
                "@ghost",
            ]
        ),
    )
    decide(demand, ["@dailynews", "@priya"], "withhold", legal)

    notice = notice_of(demand)
    works = notice["works_attributes"]
    urls = [u["url"] for w in works for u in w["infringing_urls_attributes"]]

    assert urls == [
        "http://localhost:8000/@dailynews",
        f"http://localhost:8000/@reporter/{story.id}",
    ]
    descriptions = [w["description"] for w in works]
    assert descriptions[0].startswith("Account of The Daily News (News outlet): Withheld in India")
    assert "1 account of private individuals (not named): withheld." in descriptions
    assert "1 post of private individuals (not named): under review." in descriptions
    assert "Also in the order: 1 line not identifying an account or post on this service." in (
        descriptions
    )
    text = json.dumps(notice)
    for private in ("priya", "Priya", "kisan", "Kisan", str(private_post.id), "marches"):
        assert private not in text


def test_no_reason_of_ours_appears_in_a_notice(legal, world):
    demand = order(legal, "@dailynews\n@priya")
    decide(demand, ["@priya"], "withhold", legal, reason="secret desk note")
    decide(demand, ["@dailynews"], "decline", legal, reason="another desk note")
    do_lift_withholdings(
        list(Withholding.objects.all()), reason="lifted for a private reason", acting_user=legal
    )
    text = json.dumps(notice_of(demand))
    assert "desk note" not in text and "private reason" not in text and "lex" not in text


def test_a_confidential_order_shows_counts_alone_until_it_is_published(
    legal, legal_admin, world, settings
):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = 180
    demand = order(legal, "@dailynews\n@priya\n@ghost", confidential=True)
    decide(demand, ["@dailynews", "@priya"], "withhold", legal)

    before = notice_of(demand)

    text = json.dumps(before)
    assert "MEITY/2021/1178" not in text and "Section 69A" not in text
    assert before["regulation_list"] == ["IN-ITA-69A"]
    assert "Reference" not in before["body"] and "confidential" in before["body"]
    assert before["works_attributes"] == [
        {
            "description": (
                "The order's 3 lines, counted (its details are not yet public): 2 lines "
                "withheld; 1 line not identifying an account or post on this service."
            ),
            "infringing_urls_attributes": [],
        }
    ]
    assert "dailynews" not in text and "Daily News" not in text

    do_publish_demand(demand, acting_user=legal_admin)
    after = notice_of(demand)

    assert "Reference: MEITY/2021/1178." in after["body"]
    assert after["regulation_list"] == [
        "Section 69A of the Information Technology Act, 2000 (IN-ITA-69A)"
    ]
    urls = [u["url"] for w in after["works_attributes"] for u in w["infringing_urls_attributes"]]
    assert urls == ["http://localhost:8000/@dailynews"]
    assert "priya" not in json.dumps(after)


def test_a_confidential_order_is_published_by_the_clock(legal, world, settings):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = 180
    demand = order(
        legal, "@dailynews", confidential=True, received_at=datetime(2021, 2, 1, tzinfo=UTC)
    )
    later = datetime(2021, 8, 1, tzinfo=UTC)
    assert "Reference: MEITY/2021/1178." in notice_of(demand, later)["body"]


def test_unfinished_and_discarded_imports_are_not_exported(
    legal, legal_admin, world, interrupted_import
):
    done = order(legal, "@dailynews", reference="DONE/1")
    importing = interrupted_import(legal, "@dailynews\n@priya\n@ghost", reference="HALF/1")
    given_up = interrupted_import(legal, "@dailynews\n@priya\n@ghost", reference="HALF/2")
    do_discard_import(given_up, reason="a corrected list came", acting_user=legal_admin)
    assert importing.status == "importing"

    notices = lumen_notices(exported_demands(), timezone.now())

    assert [d.id for d in exported_demands()] == [done.id]
    assert len(notices) == 1 and "HALF" not in json.dumps(notices)


def test_the_export_window_is_by_day_received(legal, world):
    first = order(
        legal, "@dailynews", reference="A", received_at=datetime(2021, 2, 1, 23, 59, tzinfo=UTC)
    )
    second = order(
        legal, "@dailynews", reference="B", received_at=datetime(2021, 2, 2, 0, 0, tzinfo=UTC)
    )
    assert [d.id for d in exported_demands(date(2021, 2, 1), date(2021, 2, 1))] == [first.id]
    assert [d.id for d in exported_demands(date(2021, 2, 2), None)] == [second.id]
    assert [d.id for d in exported_demands(None, date(2021, 2, 2))] == [first.id, second.id]
