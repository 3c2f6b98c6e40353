"""Admin API: a legal admin publishes a confidential order's details on its public notice
(``POST /api/v1/admin/legal/demands/{id}/publish``), and every demand says when its details
are public."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils.dateparse import parse_datetime

from tidings.audit.models import AuditEvent

DESK = "/api/v1/admin/legal"
ADMIN_SCOPES = "read admin:read admin:write"
ORDER = {
    "authority": "Ministry of Electronics and Information Technology",
    "country": "IN",
    "reference": "SECRET/REF/42",
    "legal_basis_code": "IN-ITA-69A",
    "received_at": "2026-11-01T10:00:00Z",
    "targets": ["@kisanvoice"],
}


@pytest.fixture(autouse=True)
def _delay(settings):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = 180


@pytest.fixture
def desk(legal, api_client) -> Client:
    return api_client(legal, ADMIN_SCOPES)


@pytest.fixture
def desk_admin(legal_admin, api_client) -> Client:
    return api_client(legal_admin, ADMIN_SCOPES)


def _import(client: Client, *, confidential: bool) -> dict:
    response = client.post(
        f"{DESK}/demands", {**ORDER, "confidential": confidential}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()["demand"]


def test_a_demand_says_when_its_details_become_public(desk, make_account):
    make_account("kisanvoice")
    secret = _import(desk, confidential=True)
    assert secret["published_at"] is None
    assert parse_datetime(secret["details_public_at"]) == parse_datetime(
        ORDER["received_at"]
    ) + timedelta(days=180)
    public = _import(desk, confidential=False)
    assert public["details_public_at"] == public["received_at"]


def test_a_confidential_demand_that_waits_for_a_legal_admin_has_no_date(
    desk, make_account, settings
):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = None
    make_account("kisanvoice")
    assert _import(desk, confidential=True)["details_public_at"] is None


def test_a_legal_admin_publishes_once_and_the_notice_shows_the_details(
    desk, desk_admin, make_account, client: Client
):
    make_account("kisanvoice")
    demand_id = _import(desk, confidential=True)["id"]
    url = f"{DESK}/demands/{demand_id}/publish"
    assert "SECRET/REF/42" not in client.get(f"/transparency/notices/{demand_id}").content.decode()

    published = desk_admin.post(url)

    assert published.status_code == 200
    body = published.json()
    assert body["published_at"] and body["details_public_at"] == body["published_at"]
    assert AuditEvent.objects.filter(action="legal.publish", subject_id=demand_id).count() == 1
    assert "SECRET/REF/42" in client.get(f"/transparency/notices/{demand_id}").content.decode()
    again = desk_admin.post(url)
    assert again.status_code == 422
    assert "already published" in again.json()["error"]
    assert desk.get(f"{DESK}/demands/{demand_id}").json()["published_at"] == body["published_at"]


def test_a_legal_user_may_not_publish(desk, make_account):
    make_account("kisanvoice")
    demand_id = _import(desk, confidential=True)["id"]
    refused = desk.post(f"{DESK}/demands/{demand_id}/publish")
    assert refused.status_code == 403
    assert refused.json()["error"]
    assert desk.get(f"{DESK}/demands/{demand_id}").json()["published_at"] is None


def test_an_open_order_has_nothing_to_publish(desk, desk_admin, make_account):
    make_account("kisanvoice")
    demand_id = _import(desk, confidential=False)["id"]
    refused = desk_admin.post(f"{DESK}/demands/{demand_id}/publish")
    assert refused.status_code == 422
    assert "not confidential" in refused.json()["error"]


@pytest.mark.parametrize("demand_id", ["12345", "abc", "9" * 40])
def test_publishing_an_unknown_demand_is_a_404(desk_admin, demand_id):
    assert desk_admin.post(f"{DESK}/demands/{demand_id}/publish").status_code == 404


def test_the_openapi_document_describes_publishing(client: Client, db):
    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/v1/admin/legal/demands/{demand_id}/publish"]["post"]
    assert {"200", "403", "404", "422"} <= set(operation["responses"])
    properties = document["components"]["schemas"]["DemandOut"]["properties"]
    assert {"published_at", "details_public_at"} <= set(properties)
