"""The input guard: NUL bytes, broken UTF-8 and oversized bodies get one clear 400/413, never a 500."""

from __future__ import annotations

import orjson
import pytest
from django.test import Client

SIX_MB_JSON = orjson.dumps({"status": "x" * (6 * 1024 * 1024)})


@pytest.fixture
def author_client(alice, token_for) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_for(alice)}"})


@pytest.mark.parametrize(
    "path", ["/api/v1/statuses", "/oauth/token", "/api/v1/admin/legal/demands", "/api/v1/apps"]
)
def test_a_six_megabyte_json_body_is_a_413_json_error_on_every_api_route(author_client, path):
    response = author_client.post(path, data=SIX_MB_JSON, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert orjson.loads(response.content) == {
        "error": "The request body is too large (the limit is 5 MB); "
        "send long text, such as an order, as a file upload."
    }


def test_a_six_megabyte_form_on_a_web_page_is_a_413_page(client, alice):
    client.force_login(alice)
    response = client.post(
        "/compose",
        data=b"text=" + b"x" * (6 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b"The request body is too large (the limit is 5 MB)" in response.content


def test_a_nul_in_a_status_is_refused_and_nothing_is_posted(author_client, alice):
    response = author_client.post(
        "/api/v1/statuses", {"status": "a\x00b"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert orjson.loads(response.content) == {"error": "The JSON body contains a NUL character."}
    assert not alice.posts.exists()


@pytest.mark.parametrize(
    "path",
    ["/api/v2/search?q=a%00b", "/api/v1/accounts/lookup?acct=a%00b", "/api/v1/timelines/tag/a%00b"],
)
def test_a_nul_in_an_api_address_is_a_400_json_error(client, db, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL character" in orjson.loads(response.content)["error"]


@pytest.mark.parametrize("path", ["/tags/a%00b", "/@a%00b", "/search?q=a%00b"])
def test_a_nul_in_a_web_address_is_a_400_page(client, db, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"contains a NUL character" in response.content


def test_a_nul_in_a_form_encoded_token_request_is_refused(client, db):
    response = client.post(
        "/oauth/token",
        data="grant_type=password&username=a%00b&password=x&client_id=c",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert orjson.loads(response.content) == {"error": "The form body contains a NUL character."}


def test_a_nul_in_a_multipart_profile_update_is_refused(author_client, alice):
    body = b'--B\r\nContent-Disposition: form-data; name="display_name"\r\n\r\na\x00b\r\n--B--\r\n'
    response = author_client.patch(
        "/api/v1/accounts/update_credentials",
        data=body,
        content_type="multipart/form-data; boundary=B",
    )
    assert response.status_code == 400
    alice.refresh_from_db()
    assert "\x00" not in alice.display_name


def test_a_query_string_that_is_not_utf8_is_a_400(client, db):
    response = client.get("/api/v2/search?q=caf%E9")
    assert response.status_code == 400
    assert orjson.loads(response.content) == {"error": "The query string is not valid UTF-8."}


def test_ordinary_text_with_accents_and_emoji_passes(author_client, alice):
    response = author_client.post(
        "/api/v1/statuses", {"status": "café ☕ — ok"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert alice.posts.get().text == "café ☕ — ok"
