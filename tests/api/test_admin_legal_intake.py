"""The admin API takes orders as ministries send them: workbooks, namesakes elsewhere, durations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.legal.order_documents import xlsx_order
from tidings.audit.models import AuditEvent
from tidings.legal.models import DemandItem, Withholding

DESK = "/api/v1/admin/legal"
ADMIN_SCOPES = "read admin:read admin:write"
ORDER = {
    "authority": "Ministry of Electronics and Information Technology",
    "country": "IN",
    "reference": "MEITY/2021/001",
    "kind": "order",
}


@pytest.fixture
def desk(legal, api_client) -> Client:
    return api_client(legal, ADMIN_SCOPES)


@pytest.fixture
def alice(make_account):
    return make_account("alice")


def import_targets(client: Client, targets: list[str], **fields):
    body = {**ORDER, **fields, "targets": targets}
    return client.post(f"{DESK}/demands", body, content_type="application/json")


def test_a_workbook_upload_becomes_one_item_per_row_with_its_place(desk, alice):
    data = xlsx_order({"Orders": [("S.No", "URL"), (1, "@alice"), (2, "@ghost")]})
    upload = SimpleUploadedFile("order.xlsx", data, "application/octet-stream")
    response = desk.post(f"{DESK}/demands", {**ORDER, "file": upload})
    assert response.status_code == 201, response.json()
    items = response.json()["items"]
    assert [(i["target"], i["match_status"]) for i in items] == [
        ("@alice", "matched"),
        ("@ghost", "unknown"),
    ]
    places = DemandItem.objects.order_by("line_number").values_list("place", flat=True)
    assert list(places) == ["sheet Orders, row 2", "sheet Orders, row 3"]


def test_a_zip_bomb_upload_is_a_422_and_creates_nothing(desk):
    from tests.legal.order_documents import zip_bomb_xlsx

    upload = SimpleUploadedFile("order.xlsx", zip_bomb_xlsx(), "application/octet-stream")
    response = desk.post(f"{DESK}/demands", {**ORDER, "file": upload})
    assert response.status_code == 422
    assert "zip bomb" in response.json()["error"]
    assert not DemandItem.objects.exists()


def test_an_item_shows_its_suggestion_and_a_desk_user_accepts_it(desk, alice):
    body = import_targets(desk, ["https://example.social/@alice"]).json()
    (item,) = body["items"]
    assert item["match_status"] == "unknown" and item["account"] is None
    assert item["suggested_account"] == {"id": str(alice.id), "handle": "alice"}
    url = f"{DESK}/demands/{body['demand']['id']}/items/{item['id']}/accept_suggestion"
    response = desk.post(url)
    assert response.status_code == 200, response.json()
    accepted = response.json()
    assert (accepted["match_status"], accepted["account"]["id"]) == ("matched", str(alice.id))
    assert accepted["match_reason"] == "accepted suggestion by @lex"
    assert AuditEvent.objects.filter(action="legal.item.accept_suggestion").count() == 1
    again = desk.post(url)
    assert again.status_code == 422


def test_accepting_needs_a_desk_write_token(desk, alice, api_client, make_account):
    body = import_targets(desk, ["@alice@example.social"]).json()
    url = f"{DESK}/demands/{body['demand']['id']}/items/{body['items'][0]['id']}/accept_suggestion"
    assert (
        api_client(make_account("mod", role="moderator"), ADMIN_SCOPES).post(url).status_code == 403
    )
    assert (
        api_client(make_account("lexr", role="legal"), "read admin:read").post(url).status_code
        == 403
    )
    assert DemandItem.objects.get().match_status == "unknown"


def test_an_item_of_another_demand_is_404(desk, alice):
    first = import_targets(desk, ["@alice@example.social"]).json()
    second = import_targets(desk, ["@bob"], reference="R-2").json()
    url = (
        f"{DESK}/demands/{second['demand']['id']}/items/{first['items'][0]['id']}/accept_suggestion"
    )
    assert desk.post(url).status_code == 404
    assert (
        desk.post(f"{DESK}/demands/{second['demand']['id']}/items/x1/accept_suggestion").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("until", "span"),
    [
        ("6 hours", timedelta(hours=6)),
        ("PT6H", timedelta(hours=6)),
        ("P2D", timedelta(days=2)),
        ("P1DT12H", timedelta(hours=36)),
    ],
)
def test_until_may_be_a_duration(desk, alice, until, span):
    demand_id = import_targets(desk, ["@alice"]).json()["demand"]["id"]
    before = timezone.now()
    response = desk.post(
        f"{DESK}/demands/{demand_id}/decisions",
        {"item_ids": "all_matched", "action": "withhold", "reason": "order", "until": until},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    ends_at = Withholding.objects.get().ends_at
    assert before + span <= ends_at <= timezone.now() + span


@pytest.mark.parametrize(
    ("until", "message"),
    [("P1Y", "years or months"), ("PT", "ISO 8601 duration"), ("P" * 100_000, "Cannot read")],
)
def test_an_unreadable_until_is_a_422(desk, alice, until, message):
    demand_id = import_targets(desk, ["@alice"]).json()["demand"]["id"]
    response = desk.post(
        f"{DESK}/demands/{demand_id}/decisions",
        {"item_ids": "all_matched", "action": "withhold", "reason": "order", "until": until},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert message in response.json()["error"]


def test_a_nul_byte_in_until_is_refused_with_a_clear_error(desk, alice):
    demand_id = import_targets(desk, ["@alice"]).json()["demand"]["id"]
    response = desk.post(
        f"{DESK}/demands/{demand_id}/decisions",
        {"item_ids": "all_matched", "action": "withhold", "reason": "order", "until": "6\x00h"},
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert response.json()["error"]
    assert not Withholding.objects.exists()


def test_the_counts_say_expired_once_the_withholdings_end(desk, alice, make_account):
    make_account("bob")
    demand_id = import_targets(desk, ["@alice", "@bob"]).json()["demand"]["id"]
    desk.post(
        f"{DESK}/demands/{demand_id}/decisions",
        {"item_ids": "all_matched", "action": "withhold", "reason": "order", "until": "PT6H"},
        content_type="application/json",
    )
    # The clock passes the end of both withholdings (as six hours later).
    Withholding.objects.update(ends_at=timezone.now() - timedelta(minutes=1))
    counts = desk.get(f"{DESK}/demands/{demand_id}").json()["counts"]
    assert (counts["withheld"], counts["expired"]) == (0, 2)
    items = desk.get(f"{DESK}/demands/{demand_id}/items").json()
    assert [i["review_state"] for i in items] == ["expired", "expired"]


def test_a_received_at_in_the_future_is_a_422(desk, alice):
    later = (timezone.now() + timedelta(hours=2)).isoformat()
    response = import_targets(desk, ["@alice"], received_at=later)
    assert response.status_code == 422
    assert "received in the future" in response.json()["error"]


def test_a_header_only_order_is_a_422(desk):
    upload = SimpleUploadedFile("order.csv", b"S.No,URL\n", "text/csv")
    response = desk.post(f"{DESK}/demands", {**ORDER, "file": upload})
    assert response.status_code == 422
    assert "no target" in response.json()["error"]
