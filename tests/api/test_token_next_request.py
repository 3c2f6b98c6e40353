"""A token stops working on the very next request after whatever ends it, however warm the path."""

from __future__ import annotations

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Application

from tidings.api.actions import do_create_app, do_issue_token
from tidings.social.actions.account_deletion import do_delete_own_account
from tidings.social.actions.accounts import do_suspend_account, do_unsuspend_account
from tidings.social.models import Account

pytestmark = pytest.mark.usefixtures("shared_stores")

ME = "/api/v1/accounts/verify_credentials"


def _issue(account: Account, scopes: str = "read write") -> tuple[Client, Application, str, str]:
    """A warmed-up client with a new token of ``account``; its app, the app's secret, the token."""
    made = do_create_app(
        "Client", redirect_uris="urn:ietf:wg:oauth:2.0:oob", scopes=scopes, acting_user=None
    )
    application = made.app.application
    raw = do_issue_token(account, application, scopes.split(), acting_user=account).raw
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    for _ in range(2):  # warm: whatever could be remembered of the token is
        assert client.get(ME).status_code == 200
    return client, application, made.client_secret, raw


def test_a_revoked_token_is_refused_on_the_next_request(alice):
    client, application, secret, raw = _issue(alice)
    revoked = Client().post(
        "/oauth/revoke",
        {"client_id": application.client_id, "client_secret": secret, "token": raw},
    )
    assert revoked.status_code == 200, revoked.content
    assert not AccessToken.objects.filter(user=alice).exists()
    assert client.get(ME).status_code == 401


def test_a_deleted_apps_tokens_are_refused_on_the_next_request(alice):
    client, application, _, _ = _issue(alice)
    application.delete()
    assert client.get(ME).status_code == 401


def test_a_suspended_accounts_token_is_refused_on_the_next_request_and_works_after(
    alice, make_account
):
    moderator = make_account("mod", role="moderator")
    client, _, _, _ = _issue(alice)
    do_suspend_account(alice, reason="spam", acting_user=moderator)
    refused = client.get(ME)
    assert refused.status_code == 403
    assert refused.json()["error"] == "Your login is currently disabled"
    do_unsuspend_account(alice, reason="appeal granted", acting_user=moderator)
    assert client.get(ME).status_code == 200


def test_a_deleted_accounts_token_is_refused_on_the_next_request(alice):
    from tests.conftest import TEST_PASSWORD

    client, _, _, _ = _issue(alice)
    do_delete_own_account(acting_user=alice, password=TEST_PASSWORD)
    assert client.get(ME).status_code == 401


def test_a_read_token_may_not_write_however_often_it_has_read(alice):
    client, _, _, _ = _issue(alice, scopes="read")
    posted = client.post("/api/v1/statuses", {"status": "hi"}, content_type="application/json")
    assert posted.status_code == 403


def test_a_profile_change_shows_in_the_next_requests_own_account(alice):
    client, _, _, _ = _issue(alice)
    changed = client.patch(
        "/api/v1/accounts/update_credentials",
        {"display_name": "Alice A."},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert client.get(ME).json()["display_name"] == "Alice A."
