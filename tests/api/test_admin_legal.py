"""The legal desk's admin API: intake, review, withholding by country, lifting, confirming.

Desk staff call it with ``admin:read``/``admin:write`` tokens; users and moderators
are refused. What it decides shows in the client API: a viewer in the ordering
country no longer sees withheld content, a viewer elsewhere still does.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from mastodon import Mastodon

from tests.api.conftest import unique_handle
from tests.conftest import TEST_PASSWORD
from tidings.api.admin_legal import ItemsQuery
from tidings.legal.models import (
    Authority,
    Demand,
    DemandItem,
    LegalNotice,
    MatchStatus,
    ReviewState,
    Withholding,
)

DESK = "/api/v1/admin/legal"
ADMIN_SCOPES = "read admin:read admin:write"
ORDER = {
    "authority": "Ministry of Electronics and Information Technology",
    "country": "IN",
    "reference": "MEITY/2021/001",
    "legal_basis": "Information Technology Act, 2000",
    "legal_basis_code": "s69A",
    "kind": "order",
    "received_at": "2021-02-01T10:00:00Z",
    "confidential": False,
}


@pytest.fixture(autouse=True)
def _country_header(settings) -> None:
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def desk(legal, api_client) -> Client:
    return api_client(legal, ADMIN_SCOPES)


@pytest.fixture
def desk_admin(legal_admin, api_client) -> Client:
    return api_client(legal_admin, ADMIN_SCOPES)


@pytest.fixture
def kisan(make_account):
    return make_account("kisanvoice", kind="activist")


@pytest.fixture
def reporter(make_account):
    return make_account("reporter", kind="journalist", verified=True)


def post_json(client: Client, path: str, body: object):
    return client.post(path, body, content_type="application/json")


def import_targets(client: Client, targets: list[str], **fields):
    return post_json(client, f"{DESK}/demands", {**ORDER, **fields, "targets": targets})


def test_an_order_sent_as_a_json_list_keeps_every_line_with_its_match(desk, kisan, reporter):
    response = import_targets(
        desk, ["@kisanvoice", "@nobody_here", "https://example.org/", "@kisanvoice", "reporter"]
    )
    assert response.status_code == 201
    body = response.json()
    demand = body["demand"]
    assert demand["authority"]["name"] == ORDER["authority"]
    assert demand["authority"]["kind"] == "ministry"
    assert (demand["country"], demand["reference"], demand["kind"]) == (
        "IN",
        "MEITY/2021/001",
        "order",
    )
    assert demand["legal_basis_code"] == "s69A" and demand["status"] == "received"
    assert demand["received_at"] == "2021-02-01T10:00:00.000Z" and demand["due_at"]
    assert demand["counts"] == {
        "matched": 2, "unknown": 1, "invalid": 1, "duplicate": 1,
        "pending": 2, "withheld": 0, "declined": 0, "escalated": 0, "lifted": 0,
        "expired": 0,
    }  # fmt: skip
    assert demand["public_notice_url"].endswith(f"/transparency/notices/{demand['id']}")
    assert [i["raw"] for i in body["items"]] == [
        "@kisanvoice", "@nobody_here", "https://example.org/", "@kisanvoice", "reporter",
    ]  # fmt: skip
    assert [i["line_number"] for i in body["items"]] == [1, 2, 3, 4, 5]
    first, last = body["items"][0], body["items"][4]
    assert first["match_status"] == "matched" and first["review_state"] == "pending"
    assert first["account"] == {
        "id": str(kisan.id), "acct": "kisanvoice", "display_name": "",
        "followers_count": 0, "kind": "activist", "verified": False,
    }  # fmt: skip
    assert last["account"]["verified"] is True and last["status_id"] is None
    assert body["items"][1]["account"] is None and body["items"][1]["match_reason"]


def test_an_order_uploaded_as_a_file_reads_the_chosen_column(desk, kisan, reporter):
    csv = b"serial,handle,note\n1,@kisanvoice,farm\n2,@reporter,press\n\n3,@ghost,none\n"
    response = desk.post(
        f"{DESK}/demands",
        {
            **ORDER,
            "confidential": "true",
            "column": "2",
            "file": SimpleUploadedFile("order.csv", csv, "text/csv"),
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["demand"]["confidential"] is True
    assert body["blank_lines"] == 1
    assert [(i["target"], i["match_status"]) for i in body["items"]] == [
        ("@kisanvoice", "matched"), ("@reporter", "matched"), ("@ghost", "unknown"),
    ]  # fmt: skip
    demand = Demand.objects.get(id=body["demand"]["id"])
    assert bytes(demand.original_bytes) == csv and demand.original_filename == "order.csv"


def test_an_unreadable_file_is_a_422_and_creates_nothing(desk):
    upload = SimpleUploadedFile("order.pdf", b"%PDF-1.4 binary stuff", "application/pdf")
    response = desk.post(f"{DESK}/demands", {**ORDER, "file": upload})
    assert response.status_code == 422
    assert "PDF" in response.json()["error"]
    assert not Demand.objects.exists() and not Authority.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(desk, monkeypatch):
    monkeypatch.setattr("tidings.api.admin_legal.DEFAULT_MAX_BYTES", 1024)
    upload = SimpleUploadedFile("order.txt", b"@someone\n" * 500, "text/plain")
    response = desk.post(f"{DESK}/demands", {**ORDER, "file": upload})
    assert response.status_code == 422 and "limit" in response.json()["error"]
    assert not Demand.objects.exists()


@pytest.mark.parametrize(
    "body, message",
    [
        ({**ORDER}, "targets"),
        ({**ORDER, "targets": []}, "empty"),
        ({**ORDER, "targets": ["", "  "]}, "blank"),
        ({**ORDER, "targets": ["@a\n@b"]}, "one line"),
        ({**ORDER, "targets": ["@a"], "authority": ""}, "authority"),
        ({**ORDER, "targets": ["@a"], "country": "ZZ"}, "ZZ"),
        ({**ORDER, "targets": ["@a"], "kind": "decree"}, "kind"),
        ({**ORDER, "targets": "@a", "received_at": "yesterday"}, "received_at"),
        ({**ORDER, "targets": [1, 2]}, "targets"),
        ({**ORDER, "targets": ["@a"], "confidential": "perhaps"}, "confidential"),
    ],
)
def test_a_bad_order_is_a_422_naming_the_problem(desk, body, message):
    response = post_json(desk, f"{DESK}/demands", body)
    assert response.status_code == 422
    assert message in response.json()["error"]
    assert not Demand.objects.exists()


@pytest.mark.parametrize("role", ["user", "moderator"])
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/demands"),
        ("post", "/demands"),
        ("get", "/withholdings"),
        ("post", "/withholdings/1/lift"),
        ("post", "/demands/1/decisions"),
    ],
)
def test_users_and_moderators_are_refused_with_403(make_account, api_client, role, method, path):
    client = api_client(make_account(role=role), ADMIN_SCOPES)
    response = getattr(client, method)(DESK + path)
    assert response.status_code == 403
    assert response.json()["error"] == "The legal desk is for the legal team only."


def test_a_desk_token_without_admin_scopes_is_403(legal, api_client):
    client = api_client(legal, "read write")
    assert client.get(f"{DESK}/demands").status_code == 403
    response = import_targets(client, ["@someone"])
    assert response.status_code == 403 and response.json()["error"]
    reader = api_client(legal, "admin:read")
    assert reader.get(f"{DESK}/demands").status_code == 200
    assert import_targets(reader, ["@someone"]).status_code == 403
    assert not Demand.objects.exists()


@pytest.mark.django_db
def test_no_token_is_401():
    response = Client().get(f"{DESK}/demands")
    assert response.status_code == 401 and response.json()["error"]


def test_demands_are_listed_newest_first_with_a_link_to_older_ones(desk):
    ids = [import_targets(desk, ["@x"], reference=f"R{i}").json()["demand"]["id"] for i in range(3)]
    response = desk.get(f"{DESK}/demands?limit=2")
    assert response.status_code == 200
    assert [d["id"] for d in response.json()] == [ids[2], ids[1]]
    assert f"max_id={ids[1]}" in response["Link"] and 'rel="next"' in response["Link"]
    older = desk.get(f"{DESK}/demands?limit=2&max_id={ids[1]}").json()
    assert [d["reference"] for d in older] == ["R0"]
    assert older[0]["counts"]["unknown"] == 1


def test_a_demand_is_fetched_by_id_and_unknown_ids_are_404(desk):
    demand_id = import_targets(desk, ["@x"]).json()["demand"]["id"]
    response = desk.get(f"{DESK}/demands/{demand_id}")
    assert response.status_code == 200 and response.json()["id"] == demand_id
    for bad in ("12345", "not-a-number", "9" * 30):
        missing = desk.get(f"{DESK}/demands/{bad}")
        assert missing.status_code == 404 and missing.json()["error"]


def test_items_are_paged_like_every_list_and_filtered(desk, kisan):
    targets = ["@kisanvoice"] + [f"@missing{i}" for i in range(5)]
    demand_id = import_targets(desk, targets).json()["demand"]["id"]
    items_url = f"{DESK}/demands/{demand_id}/items"
    first = desk.get(f"{items_url}?limit=4")
    assert [i["line_number"] for i in first.json()] == [6, 5, 4, 3]
    last_id = first.json()[-1]["id"]
    assert f"max_id={last_id}" in first["Link"] and 'rel="next"' in first["Link"]
    rest = desk.get(f"{items_url}?limit=4&max_id={last_id}").json()
    assert [i["line_number"] for i in rest] == [2, 1]
    from_the_top = desk.get(f"{items_url}?limit=2&min_id=0")
    assert [i["line_number"] for i in from_the_top.json()] == [2, 1]
    newer_id = from_the_top.json()[0]["id"]
    assert f"min_id={newer_id}" in from_the_top["Link"] and 'rel="prev"' in from_the_top["Link"]
    following = desk.get(f"{items_url}?limit=2&min_id={newer_id}").json()
    assert [i["line_number"] for i in following] == [4, 3]
    unknown = desk.get(f"{items_url}?match=unknown").json()
    assert [i["line_number"] for i in unknown] == [6, 5, 4, 3, 2]
    matched_pending = desk.get(f"{items_url}?match=matched&state=pending").json()
    assert [i["target"] for i in matched_pending] == ["@kisanvoice"]
    assert desk.get(f"{items_url}?state=withheld").json() == []


def test_pages_cost_the_same_queries_for_2_or_40_rows(
    desk, make_account, django_assert_max_num_queries
):
    accounts = [make_account(f"named{i}") for i in range(40)]
    demand_id = import_targets(desk, [f"@{a.username}" for a in accounts]).json()["demand"]["id"]
    post_json(
        desk,
        f"{DESK}/demands/{demand_id}/decisions",
        {"item_ids": "all_matched", "action": "withhold", "reason": "order"},
    )
    for i in range(3):
        import_targets(desk, ["@named1"], reference=f"R{i}")
    for path in ("/demands", f"/demands/{demand_id}/items", "/withholdings"):
        with CaptureQueriesContext(connection) as small:
            assert len(desk.get(f"{DESK}{path}?limit=2").json()) == 2
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert len(desk.get(f"{DESK}{path}?limit=40").json()) >= 4


def test_the_intake_answer_shows_the_first_40_lines_in_line_order(desk):
    body = import_targets(desk, [f"@missing{i}" for i in range(45)]).json()
    assert [i["line_number"] for i in body["items"]] == list(range(1, 41))
    assert body["demand"]["counts"]["unknown"] == 45


@pytest.mark.parametrize("query", ["match=perfect", "state=gone", "match="])
def test_an_unknown_item_filter_is_a_422(desk, query):
    demand_id = import_targets(desk, ["@x"]).json()["demand"]["id"]
    response = desk.get(f"{DESK}/demands/{demand_id}/items?{query}")
    assert response.status_code == 422 and response.json()["error"]


def test_the_item_filters_offer_exactly_the_model_values():
    fields = ItemsQuery.model_json_schema()["properties"]
    assert set(fields["match"]["anyOf"][0]["enum"]) == set(MatchStatus.values)
    assert set(fields["state"]["anyOf"][0]["enum"]) == set(ReviewState.values)


def public_timeline(country: str) -> list[str]:
    response = Client().get("/api/v1/timelines/public", headers={"X-Test-Country": country})
    assert response.status_code == 200
    return [s["content"] for s in response.json()]


def test_withholding_all_matched_items_hides_them_in_the_ordering_country_only(
    desk, kisan, reporter, make_post
):
    make_post(kisan, "tractor rally today")
    make_post(reporter, "border dispatch")
    demand_id = import_targets(desk, ["@kisanvoice", "@reporter", "@ghost"]).json()["demand"]["id"]
    until = timezone.now() + timedelta(days=2)
    response = post_json(
        desk,
        f"{DESK}/demands/{demand_id}/decisions",
        {
            "item_ids": "all_matched",
            "action": "withhold",
            "until": until.isoformat(),
            "reason": "s69A order",
        },
    )
    assert response.status_code == 200, response.json()
    decided = response.json()
    assert [i["target"] for i in decided] == ["@kisanvoice", "@reporter"]
    assert {i["review_state"] for i in decided} == {"withheld"}
    assert decided[0]["decision_reason"] == "s69A order" and decided[0]["decided_at"]
    rows = Withholding.objects.order_by("id")
    assert [w.account_id for w in rows] == [kisan.id, reporter.id]
    assert all(
        w.countries == ["IN"] and abs(w.ends_at - until) < timedelta(seconds=1) for w in rows
    )
    assert "<p>tractor rally today</p>" not in public_timeline("IN")
    assert "<p>border dispatch</p>" not in public_timeline("IN")
    assert {"<p>tractor rally today</p>", "<p>border dispatch</p>"} <= set(public_timeline("US"))
    demand = desk.get(f"{DESK}/demands/{demand_id}").json()
    assert demand["status"] == "actioned"
    assert (demand["counts"]["withheld"], demand["counts"]["pending"]) == (2, 0)
    listed = desk.get(f"{DESK}/withholdings?active=true").json()
    assert [w["account_id"] for w in listed] == [str(reporter.id), str(kisan.id)]
    assert listed[0]["scope"] == "account" and listed[0]["country_codes"] == ["IN"]
    assert listed[0]["demand_id"] == demand_id and listed[0]["active"] is True


def test_single_items_are_declined_or_escalated_by_id(desk, kisan, reporter):
    body = import_targets(desk, ["@kisanvoice", "@reporter"]).json()
    demand_id, items = body["demand"]["id"], body["items"]
    url = f"{DESK}/demands/{demand_id}/decisions"
    declined = post_json(
        desk, url, {"item_ids": [items[1]["id"]], "action": "decline", "reason": "journalism"}
    )
    assert declined.status_code == 200
    assert [(i["target"], i["review_state"]) for i in declined.json()] == [
        ("@reporter", "declined")
    ]
    escalated = post_json(
        desk, url, {"item_ids": [int(items[0]["id"])], "action": "escalate", "reason": "unclear"}
    )
    assert escalated.json()[0]["review_state"] == "escalated"
    assert not Withholding.objects.exists()


@pytest.mark.parametrize(
    "body, status",
    [
        ({"item_ids": "all_matched", "action": "withhold"}, 422),
        ({"item_ids": "all_matched", "action": "withhold", "reason": "   "}, 422),
        ({"item_ids": "all_matched", "action": "delete", "reason": "x"}, 422),
        ({"item_ids": "some", "action": "withhold", "reason": "x"}, 422),
        ({"item_ids": [{"id": 1}], "action": "withhold", "reason": "x"}, 422),
        ({"item_ids": ["9" * 30], "action": "withhold", "reason": "x"}, 422),
        ({"item_ids": [424242], "action": "withhold", "reason": "x"}, 422),
        (
            {"item_ids": "all_matched", "action": "withhold", "reason": "x", "countries": ["Q1"]},
            422,
        ),
        ({"item_ids": "all_matched", "action": "withhold", "reason": "x", "countries": [7]}, 422),
        ({"item_ids": "all_matched", "action": "withhold", "reason": "x", "until": "soon"}, 422),
        (
            {
                "item_ids": "all_matched",
                "action": "withhold",
                "reason": "x",
                "until": "2001-01-01T00:00:00",
            },
            422,
        ),
        ({"action": "withhold", "reason": "x"}, 422),
    ],
)
def test_a_bad_decision_is_a_422_and_changes_nothing(desk, kisan, body, status):
    demand_id = import_targets(desk, ["@kisanvoice"]).json()["demand"]["id"]
    response = post_json(desk, f"{DESK}/demands/{demand_id}/decisions", body)
    assert response.status_code == status
    assert response.json()["error"]
    assert not Withholding.objects.exists()
    assert DemandItem.objects.get().review_state == "pending"


def test_a_decision_without_a_reason_is_a_422(desk, kisan):
    demand_id = import_targets(desk, ["@kisanvoice"]).json()["demand"]["id"]
    response = post_json(
        desk,
        f"{DESK}/demands/{demand_id}/decisions",
        {"item_ids": "all_matched", "action": "withhold"},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "A reason is required for every decision."


def test_withholding_everywhere_needs_a_legal_admin(desk, desk_admin, kisan, make_post):
    make_post(kisan, "tractor rally today")
    demand_id = import_targets(desk, ["@kisanvoice"]).json()["demand"]["id"]
    url = f"{DESK}/demands/{demand_id}/decisions"
    body = {
        "item_ids": "all_matched",
        "action": "withhold",
        "countries": ["XX"],
        "reason": "global order",
    }
    refused = post_json(desk, url, body)
    assert refused.status_code == 403
    assert refused.json()["error"] == "Only a legal admin can withhold content everywhere."
    assert not Withholding.objects.exists()
    allowed = post_json(desk_admin, url, body)
    assert allowed.status_code == 200
    assert Withholding.objects.get().countries == ["XX"]
    assert "<p>tractor rally today</p>" not in public_timeline("US")


def test_countries_may_be_sent_as_a_form_list(desk, kisan):
    demand_id = import_targets(desk, ["@kisanvoice"]).json()["demand"]["id"]
    response = desk.post(
        f"{DESK}/demands/{demand_id}/decisions",
        {
            "item_ids": "all_matched",
            "action": "withhold",
            "countries[]": ["in", "PK"],
            "reason": "order",
        },
    )
    assert response.status_code == 200
    assert Withholding.objects.get().countries == ["IN", "PK"]


def test_lifting_a_withholding_restores_the_content(desk, kisan, make_post):
    make_post(kisan, "tractor rally today")
    demand_id = import_targets(desk, ["@kisanvoice"]).json()["demand"]["id"]
    post_json(
        desk,
        f"{DESK}/demands/{demand_id}/decisions",
        {"item_ids": "all_matched", "action": "withhold", "reason": "order"},
    )
    assert "<p>tractor rally today</p>" not in public_timeline("IN")
    withholding = Withholding.objects.get()
    lift_url = f"{DESK}/withholdings/{withholding.id}/lift"
    assert post_json(desk, lift_url, {}).status_code == 422
    response = post_json(desk, lift_url, {"reason": "order withdrawn"})
    assert response.status_code == 200
    lifted = response.json()
    assert lifted["active"] is False and lifted["lifted_at"]
    assert lifted["lift_reason"] == "order withdrawn"
    assert "<p>tractor rally today</p>" in public_timeline("IN")
    assert DemandItem.objects.get().review_state == "lifted"
    assert desk.get(f"{DESK}/withholdings?active=true").json() == []
    inactive = desk.get(f"{DESK}/withholdings?active=false").json()
    assert [w["id"] for w in inactive] == [str(withholding.id)]
    again = post_json(desk, lift_url, {"reason": "order withdrawn"})
    assert again.status_code == 422


@pytest.mark.parametrize("query", ["active=perhaps", "demand_id=abc", "demand_id=" + "9" * 30])
def test_a_bad_withholding_filter_is_a_422(desk, query):
    response = desk.get(f"{DESK}/withholdings?{query}")
    assert response.status_code == 422 and response.json()["error"]


def test_lifting_an_unknown_withholding_is_404(desk):
    for bad in ("424242", "nope"):
        response = post_json(desk, f"{DESK}/withholdings/{bad}/lift", {"reason": "x"})
        assert response.status_code == 404 and response.json()["error"]


def test_withholdings_are_paged_newest_first(desk, kisan, reporter):
    demand_id = import_targets(desk, ["@kisanvoice", "@reporter"]).json()["demand"]["id"]
    post_json(
        desk,
        f"{DESK}/demands/{demand_id}/decisions",
        {"item_ids": "all_matched", "action": "withhold", "reason": "order"},
    )
    first = desk.get(f"{DESK}/withholdings?limit=1&demand_id={demand_id}")
    newest = first.json()[0]
    assert newest["account_id"] == str(reporter.id)
    assert f"max_id={newest['id']}" in first["Link"]
    older = desk.get(f"{DESK}/withholdings?limit=1&max_id={newest['id']}").json()
    assert [w["account_id"] for w in older] == [str(kisan.id)]


def test_confirming_an_order_that_is_not_an_emergency_is_a_422(desk_admin):
    demand_id = import_targets(desk_admin, ["@x"]).json()["demand"]["id"]
    response = desk_admin.post(f"{DESK}/demands/{demand_id}/confirm")
    assert response.status_code == 422
    assert response.json()["error"] == "Only emergency orders need confirming."


def test_an_emergency_order_is_confirmed_by_a_legal_admin_only(desk, desk_admin, kisan):
    received = timezone.now() - timedelta(hours=1)
    demand_id = import_targets(
        desk, ["@kisanvoice"], kind="emergency_order", received_at=received.isoformat()
    ).json()["demand"]["id"]
    post_json(
        desk,
        f"{DESK}/demands/{demand_id}/decisions",
        {"item_ids": "all_matched", "action": "withhold", "reason": "interim order"},
    )
    assert Withholding.objects.get().ends_at is not None  # lapses 48 h after receipt
    refused = desk.post(f"{DESK}/demands/{demand_id}/confirm")
    assert refused.status_code == 403
    assert refused.json()["error"] == "Only a legal admin can confirm an emergency order."
    confirmed = desk_admin.post(f"{DESK}/demands/{demand_id}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_at"]
    assert Withholding.objects.get().ends_at is None
    assert desk_admin.post(f"{DESK}/demands/{demand_id}/confirm").status_code == 422


def test_notices_of_a_confidential_order_are_released_by_a_legal_admin_once(
    desk, desk_admin, kisan, run_on_commit
):
    demand_id = import_targets(desk, ["@kisanvoice"], confidential=True).json()["demand"]["id"]
    post_json(
        desk,
        f"{DESK}/demands/{demand_id}/decisions",
        {"item_ids": "all_matched", "action": "withhold", "reason": "order"},
    )
    assert LegalNotice.objects.get().sent_at is None
    url = f"{DESK}/demands/{demand_id}/release_notices"
    assert desk.post(url).status_code == 403
    with run_on_commit():
        released = desk_admin.post(url)
    assert released.status_code == 200 and released.json()["notices_released_at"]
    assert LegalNotice.objects.get().sent_at is not None
    assert desk_admin.post(url).status_code == 422


@pytest.mark.parametrize("path", ["/demands", "/demands/1/decisions", "/withholdings/1/lift"])
@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"'])
def test_a_malformed_json_body_is_a_422_never_a_500(desk, path, body):
    response = desk.post(DESK + path, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]


def test_a_json_body_over_the_memory_limit_is_refused_with_a_json_error(desk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = import_targets(desk, ["@someone"] * 500)
    assert response.status_code == 413
    assert "file" in response.json()["error"]
    assert not Demand.objects.exists()


@pytest.mark.django_db
def test_the_openapi_document_describes_the_desk_api():
    document = Client().get("/api/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/admin/legal/demands",
        "/api/v1/admin/legal/demands/{demand_id}",
        "/api/v1/admin/legal/demands/{demand_id}/items",
        "/api/v1/admin/legal/demands/{demand_id}/decisions",
        "/api/v1/admin/legal/demands/{demand_id}/confirm",
        "/api/v1/admin/legal/demands/{demand_id}/release_notices",
        "/api/v1/admin/legal/withholdings",
        "/api/v1/admin/legal/withholdings/{withholding_id}/lift",
    ):
        assert path in paths, path
    schemas = document["components"]["schemas"]
    assert {"DemandOut", "DemandItemOut", "WithholdingOut", "ImportOut"} <= set(schemas)
    assert set(schemas["DemandOut"]["properties"]) >= {"authority", "counts", "public_notice_url"}
    intake = paths["/api/v1/admin/legal/demands"]["post"]["requestBody"]["content"]
    assert "file" in intake["multipart/form-data"]["schema"]["properties"]


def test_a_desk_client_uploads_an_order_and_pages_its_items_with_mastodon_py(
    live_tidings, new_user
):
    targets = [new_user("target") for _ in range(3)]
    handle = unique_handle("lex")
    created = live_tidings.manage(
        "createuser", handle, "--email", f"{handle}@example.com",
        "--password", TEST_PASSWORD, "--role", "legal",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    scopes = ["read", "admin:read", "admin:write"]
    client_id, client_secret = Mastodon.create_app(
        "Desk client", api_base_url=live_tidings.url, scopes=scopes
    )
    desk = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=live_tidings.url)
    desk.log_in(handle, TEST_PASSWORD, scopes=scopes, allow_http=True)
    request = desk._Mastodon__api_request  # Mastodon.py's raw request helper
    order = "\n".join(f"@{t.handle}" for t in targets).encode()
    body = request(
        "POST",
        "/api/v1/admin/legal/demands",
        {**ORDER, "confidential": "false"},
        files={"file": ("order.txt", order, "text/plain")},
    )
    assert body["demand"]["counts"]["matched"] == 3
    items_url = f"/api/v1/admin/legal/demands/{body['demand']['id']}/items"
    first = request("GET", items_url, {"limit": 2})
    cursor = first._pagination_next  # what Mastodon.py read from our Link header
    second = request("GET", items_url, {"limit": 2, "max_id": cursor["max_id"]})
    assert [i["line_number"] for i in first + second] == [3, 2, 1]
    decided = request(
        "POST",
        f"/api/v1/admin/legal/demands/{body['demand']['id']}/decisions",
        {"item_ids": "all_matched", "action": "withhold", "reason": "s69A order"},
        use_json=True,
    )
    assert [i["review_state"] for i in decided] == ["withheld"] * 3
    in_india = requests.get(
        f"{live_tidings.url}/api/v1/accounts/lookup",
        params={"acct": targets[0].handle},
        headers={"X-Test-Country": "IN"},
        timeout=10,
    )
    assert in_india.status_code == 451
