"""The admin API for a demand's thread: messages with attachments, letters, notices, withdrawal."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.models import Correspondence, Demand, DemandItem, Withholding

DESK = "/api/v1/admin/legal"
ADMIN_SCOPES = "read admin:read admin:write"
PDF = b"%PDF-1.4\n% the ministry's notice\n"


@pytest.fixture
def desk(legal, api_client) -> Client:
    return api_client(legal, ADMIN_SCOPES)


@pytest.fixture
def demand(import_order, make_account) -> Demand:
    make_account("kisanvoice")
    make_account("reporter_r")
    return import_order("@kisanvoice\n@reporter_r").demand


def post_json(client: Client, path: str, body: object):
    return client.post(path, body, content_type="application/json")


def thread(demand: Demand) -> str:
    return f"{DESK}/demands/{demand.id}"


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def test_recording_a_message_with_base64_attachments_and_reading_it_back(desk, demand):
    response = post_json(
        desk,
        f"{thread(demand)}/correspondence",
        {
            "direction": "inbound",
            "kind": "clarification_request",
            "channel": "email",
            "subject": "Line 2?",
            "received_at": "2021-02-02T10:00:00Z",
            "attachments": [{"filename": "letter.pdf", "content_base64": b64(PDF)}],
        },
    )
    assert response.status_code == 201, response.content
    message = response.json()
    assert message["kind"] == "clarification_request"
    assert message["received_at"] == "2021-02-02T10:00:00.000Z"
    (attachment,) = message["attachments"]
    assert attachment["content_type"] == "application/pdf"
    download = desk.get(attachment["url"])
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    listed = desk.get(f"{thread(demand)}/correspondence").json()
    assert [m["id"] for m in listed] == [message["id"]]


def test_recording_a_message_with_multipart_files(desk, demand):
    response = desk.post(
        f"{thread(demand)}/correspondence",
        {
            "direction": "inbound",
            "kind": "order",
            "channel": "letter",
            "attachments": [SimpleUploadedFile("scan.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)],
        },
    )
    assert response.status_code == 201, response.content
    assert [a["filename"] for a in response.json()["attachments"]] == ["scan.pdf", "b.pdf"]


@pytest.mark.parametrize(
    ("attachments", "error"),
    [
        ([{"filename": "x.pdf", "content_base64": b64(b"MZ exe")}], "not a PDF"),
        ([{"filename": "x.pdf", "content_base64": "%%%"}], "not valid base64"),
        ([{"filename": "x.pdf", "content_base64": b64(PDF)}] * 11, "At most 10 attachments"),
    ],
)
def test_bad_attachments_are_a_422_and_record_nothing(desk, demand, attachments, error):
    response = post_json(
        desk,
        f"{thread(demand)}/correspondence",
        {"direction": "inbound", "kind": "order", "channel": "email", "attachments": attachments},
    )
    assert response.status_code == 422
    assert error in response.json()["error"]
    assert not Correspondence.objects.exists()


def test_letters_through_the_api(desk, demand, legal):
    item = DemandItem.objects.get(demand=demand, line_number=1)
    do_decide_items(demand, [item.id], action="withhold", reason="s69A", acting_user=legal)
    ack = desk.post(f"{thread(demand)}/acknowledge")
    assert ack.status_code == 201
    assert ack.json()["attachments"][0]["content_type"] == "application/pdf"
    assert desk.post(f"{thread(demand)}/acknowledge").status_code == 422
    update = post_json(desk, f"{thread(demand)}/status_update", {"note": "Done."})
    assert update.status_code == 201
    assert "Withheld in India" in update.json()["document_html"]
    notice = post_json(
        desk, f"{thread(demand)}/noncompliance", {"body": "Comply.", "channel": "letter"}
    )
    assert notice.status_code == 201
    assert Demand.objects.get(id=demand.id).status == "noncompliance_notice"
    answer = post_json(desk, f"{thread(demand)}/noncompliance_response", {"body": "We have."})
    assert answer.status_code == 201
    assert Demand.objects.get(id=demand.id).status == "in_review"


def test_withdrawal_through_the_api_lifts_the_withholdings(desk, demand, legal):
    item = DemandItem.objects.get(demand=demand, line_number=1)
    do_decide_items(demand, [item.id], action="withhold", reason="s69A", acting_user=legal)
    response = post_json(desk, f"{thread(demand)}/withdraw", {"body": "Withdrawn."})
    assert response.status_code == 201
    assert response.json()["kind"] == "withdrawal"
    assert Withholding.objects.get(demand_item=item).lift_reason == "order withdrawn"
    assert Demand.objects.get(id=demand.id).status == "withdrawn"


def test_a_short_notice_hearing_through_the_api_is_flagged(desk, demand):
    received = timezone.now() - timedelta(hours=1)
    response = post_json(
        desk,
        f"{thread(demand)}/hearing",
        {
            "received_at": received.isoformat(),
            "hearing_at": (received + timedelta(hours=30)).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["short_notice"] == "short notice: 30 h given, Rule 8 requires 48 h"


@pytest.mark.parametrize("role", ["moderator", "user"])
def test_moderators_and_users_are_refused(api_client, make_account, demand, role):
    client = api_client(make_account(f"some_{role}", role=role), ADMIN_SCOPES)
    assert client.get(f"{thread(demand)}/correspondence").status_code == 403
    for act in ("acknowledge", "status_update", "noncompliance", "withdraw", "hearing"):
        assert client.post(f"{thread(demand)}/{act}").status_code == 403, act
    assert not Correspondence.objects.exists()


def test_a_read_token_cannot_write(api_client, legal, demand):
    client = api_client(legal, "read admin:read")
    assert client.get(f"{thread(demand)}/correspondence").status_code == 200
    assert client.post(f"{thread(demand)}/acknowledge").status_code == 403


def test_an_unknown_attachment_is_404(desk, demand):
    url = f"{thread(demand)}/correspondence/1/attachments/99999999999999999999999"
    assert desk.get(url).status_code == 404


@pytest.mark.django_db
def test_the_openapi_document_describes_the_thread_endpoints():
    document = Client().get("/api/openapi.json").json()
    paths = document["paths"]
    base = "/api/v1/admin/legal/demands/{demand_id}"
    for path in (
        "/correspondence",
        "/correspondence/{message_id}/attachments/{attachment_id}",
        "/acknowledge",
        "/status_update",
        "/noncompliance",
        "/noncompliance_response",
        "/withdraw",
        "/hearing",
    ):
        operations = paths[base + path]
        for operation in operations.values():
            assert operation["summary"]
            assert {"403", "404", "422"} <= set(operation["responses"])
    body = paths[base + "/correspondence"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)


@pytest.mark.parametrize(
    ("act", "body"),
    [
        ("correspondence", {"direction": "sideways", "kind": "order", "channel": "email"}),
        ("correspondence", {"direction": "inbound", "kind": "order", "channel": "fax"}),
        ("correspondence", {"direction": "inbound", "kind": "order", "channel": "email"}),
        ("correspondence", {"direction": "inbound", "kind": "withdrawal", "channel": "email"}),
        ("correspondence", {"direction": "inbound", "kind": "order", "attachments": "x.pdf"}),
        ("correspondence", {"direction": "inbound", "kind": "order", "channel": "email",
                            "subject": "s" * 301}),
        ("noncompliance", {"received_at": "yesterday"}),
        ("noncompliance", {"body": "x", "attachments": [{"content_base64": ""}]}),
        ("hearing", {"body": "no date"}),
        ("hearing", {"hearing_at": "2020-01-01T00:00:00Z"}),
        ("noncompliance_response", {"body": "nothing to answer"}),
        ("status_update", {"note": "n" * 20_001}),
        ("withdraw", {"channel": "pigeon"}),
    ],
)  # fmt: skip
def test_malformed_requests_are_a_422_with_a_reason(desk, demand, act, body):
    response = post_json(desk, f"{thread(demand)}/{act}", body)
    assert response.status_code == 422, response.content
    assert response.json()["error"]
    assert not Correspondence.objects.exists()
    assert Demand.objects.get(id=demand.id).status == "received"
