"""API calls always get JSON errors, whichever layer refused them."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize(
    ("method", "path"),
    [("put", "/api/v1/statuses"), ("delete", "/api/v1/instance"), ("get", "/oauth/token")],
)
def test_a_wrong_method_on_an_api_route_is_a_405_json_error(db, method, path):
    response = getattr(Client(), method)(path)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Method not allowed"}
    assert response["Allow"]


def test_an_unknown_api_route_is_a_404_json_error(db):
    response = Client().get("/api/v1/nothing_here")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


def test_web_pages_keep_their_html_errors(db):
    response = Client().put("/login")
    assert response.status_code == 405
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/accounts/lookup?acct=", "/api/v1/accounts/search?q=", "/api/v2/search?q="],
)
def test_a_one_megabyte_search_or_lookup_is_answered_not_a_500(db, path):
    response = Client().get(path + "x" * 1_000_000)
    assert response.status_code in (200, 401, 404)
    assert response["Content-Type"] == "application/json"
