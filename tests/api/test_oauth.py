"""OAuth: app registration, grants, scopes (admin scopes for staff only), revocation, metadata."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import TEST_PASSWORD


def register_app(client: Client, scopes: str = "read write follow push", **extra) -> dict:
    response = client.post(
        "/api/v1/apps",
        {"client_name": "Test", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scopes}
        | extra,
    )
    assert response.status_code == 200, response.content
    return response.json()


def password_token(client: Client, app: dict, username: str, scope: str) -> tuple[int, dict]:
    response = client.post(
        "/oauth/token",
        {
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": username,
            "password": TEST_PASSWORD,
            "scope": scope,
        },
    )
    return response.status_code, response.json()


@pytest.mark.django_db
def test_registering_an_app_returns_its_credentials_and_scopes():
    app = register_app(Client(), scopes="read write")
    assert app["client_id"] and app["client_secret"]
    assert app["scopes"] == ["read", "write"]
    assert app["redirect_uris"] == ["urn:ietf:wg:oauth:2.0:oob"]


@pytest.mark.django_db
def test_registering_an_app_accepts_a_json_body():
    response = Client().post(
        "/api/v1/apps",
        {"client_name": "Json", "redirect_uris": ["https://app.example/cb"], "scopes": "read"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["redirect_uris"] == ["https://app.example/cb"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"client_name": "", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
        {"client_name": "x", "redirect_uris": "not a uri"},
        {"client_name": "x", "redirect_uris": "javascript:alert(1)"},
        {
            "client_name": "x",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read nonsense",
        },
    ],
)
def test_a_bad_app_registration_is_a_422_with_an_error(fields):
    response = Client().post("/api/v1/apps", fields)
    assert response.status_code == 422
    assert "error" in response.json()


def test_password_grant_gives_the_requested_scopes(make_account):
    make_account("pat")
    client = Client()
    app = register_app(client)
    status, body = password_token(client, app, "pat", "read write")
    assert status == 200
    assert set(body["scope"].split()) == {"read", "write"}
    assert body["token_type"].lower() == "bearer"


def test_admin_scopes_are_dropped_for_ordinary_users(make_account):
    make_account("ordinary")
    client = Client()
    app = register_app(client, scopes="read admin:read")
    status, body = password_token(client, app, "ordinary", "read admin:read")
    assert status == 200
    assert body["scope"] == "read"


def test_admin_scopes_are_granted_to_staff(make_account):
    make_account("moddy", role="moderator")
    client = Client()
    app = register_app(client, scopes="read admin:read admin:write")
    status, body = password_token(client, app, "moddy", "read admin:read")
    assert status == 200
    assert set(body["scope"].split()) == {"read", "admin:read"}


def test_a_scope_the_app_did_not_register_is_refused(make_account):
    make_account("narrow")
    client = Client()
    app = register_app(client, scopes="read")
    status, body = password_token(client, app, "narrow", "write")
    assert status == 400
    assert body["error"] == "invalid_scope"


def test_operators_can_turn_the_password_grant_off(make_account, settings):
    settings.TIDINGS_OAUTH_PASSWORD_GRANT = False
    make_account("nopass")
    client = Client()
    app = register_app(client)
    status, body = password_token(client, app, "nopass", "read")
    assert status == 400
    assert body["error"] == "unsupported_grant_type"
    metadata = client.get("/.well-known/oauth-authorization-server").json()
    assert "password" not in metadata["grant_types_supported"]


@pytest.mark.django_db
def test_client_credentials_give_an_app_token_that_verifies_the_app():
    client = Client()
    app = register_app(client)
    response = client.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "read",
        },
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    verified = client.get(
        "/api/v1/apps/verify_credentials", headers={"Authorization": f"Bearer {token}"}
    )
    assert verified.status_code == 200 and verified.json()["name"] == "Test"
    home = client.get("/api/v1/timelines/home", headers={"Authorization": f"Bearer {token}"})
    assert home.status_code == 422  # an app token has no user


def test_refresh_token_gives_a_new_working_token(make_account):
    make_account("refresher")
    client = Client()
    app = register_app(client)
    _, first = password_token(client, app, "refresher", "read")
    response = client.post(
        "/oauth/token",
        {
            "grant_type": "refresh_token",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "refresh_token": first["refresh_token"],
        },
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    assert token != first["access_token"]
    me = client.get(
        "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"}
    )
    assert me.json()["username"] == "refresher"


def test_revoking_a_token_makes_it_401(make_account):
    make_account("revoker")
    client = Client()
    app = register_app(client)
    _, body = password_token(client, app, "revoker", "read")
    response = client.post(
        "/oauth/revoke",
        {
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "token": body["access_token"],
        },
    )
    assert response.status_code == 200 and response.json() == {}
    me = client.get(
        "/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert me.status_code == 401 and "error" in me.json()


@pytest.mark.django_db
def test_the_metadata_advertises_endpoints_scopes_and_grants():
    metadata = Client().get("/.well-known/oauth-authorization-server").json()
    assert metadata["token_endpoint"].endswith("/oauth/token")
    assert metadata["authorization_endpoint"].endswith("/oauth/authorize")
    assert metadata["revocation_endpoint"].endswith("/oauth/revoke")
    assert metadata["app_registration_endpoint"].endswith("/api/v1/apps")
    assert set(metadata["grant_types_supported"]) == {
        "authorization_code",
        "client_credentials",
        "refresh_token",
        "password",
    }
    for scope in ("read", "write", "follow", "push", "read:statuses", "write:media", "admin:read"):
        assert scope in metadata["scopes_supported"]


def test_the_authorize_page_asks_to_sign_in_first(make_account):
    client = Client()
    app = register_app(client)
    response = client.get(
        "/oauth/authorize",
        {
            "response_type": "code",
            "client_id": app["client_id"],
            "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
            "scope": "read",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/oauth/sign_in?next=")


def test_authorization_code_flow_with_the_oob_redirect(make_account):
    make_account("coder")
    client = Client()
    app = register_app(client)
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
        "scope": "read write",
    }
    client.post("/oauth/sign_in", {"username": "coder", "password": TEST_PASSWORD, "next": "/"})
    page = client.get("/oauth/authorize", query)
    assert page.status_code == 200 and b"Authorize" in page.content
    form = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    shown = client.post(
        "/oauth/authorize?" + "&".join(f"{k}={v}" for k, v in query.items()),
        form | {"allow": "Authorize"},
    )
    code = shown.context["code"]
    assert code
    response = client.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "code": code,
            "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
        },
    )
    assert response.status_code == 200
    assert set(response.json()["scope"].split()) == {"read", "write"}


@pytest.mark.django_db
@pytest.mark.parametrize("scope", [[None], [{"a": 1}], {"read": True}])
def test_a_json_token_request_with_a_malformed_scope_is_a_422(make_account, scope):
    make_account("alice")
    app = register_app(Client())
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "alice",
            "password": TEST_PASSWORD,
            "scope": scope,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {"error": "Validation failed: scope must be a string"}


@pytest.mark.django_db
def test_a_json_token_request_may_list_its_scopes(make_account):
    make_account("alice")
    app = register_app(Client())
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "alice",
            "password": TEST_PASSWORD,
            "scope": ["read", "write"],
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "read write"
