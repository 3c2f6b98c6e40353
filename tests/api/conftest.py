"""Fixtures for the client API: Mastodon.py clients against a live server, and bearer tokens for the test client."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable

import pytest
from django.test import Client
from mastodon import Mastodon

from tests.conftest import TEST_PASSWORD
from tidings.api.actions import do_create_app, do_issue_token
from tidings.social.models import Account

SCOPES = ["read", "write", "follow", "push"]
_serial = itertools.count(1)


def unique_handle(prefix: str = "u") -> str:
    return f"{prefix}{next(_serial)}_{secrets.token_hex(3)}"


@pytest.fixture(scope="session")
def registered_app(live_tidings) -> tuple[str, str]:
    """(client_id, client_secret) of one app registered the way Mastodon.py does it."""
    return Mastodon.create_app(
        "Tidings tests", api_base_url=live_tidings.url, scopes=SCOPES, website="https://example.org"
    )


@pytest.fixture
def new_user(live_tidings, registered_app) -> Callable[..., Mastodon]:
    """A Mastodon.py client signed up as a fresh account (create_account, as an app would)."""

    def make(prefix: str = "u") -> Mastodon:
        client_id, client_secret = registered_app
        client = Mastodon(
            client_id=client_id, client_secret=client_secret, api_base_url=live_tidings.url
        )
        handle = unique_handle(prefix)
        client.create_account(
            handle, TEST_PASSWORD, f"{handle}@example.com", agreement=True, scopes=SCOPES
        )
        client.handle = handle  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def token_for(db) -> Callable[..., str]:
    """A bearer token for ``account`` with ``scopes``, issued through a registered app."""

    def issue(account: Account, scopes: str = "read write follow push") -> str:
        app = do_create_app(
            "Test client",
            redirect_uris="urn:ietf:wg:oauth:2.0:oob",
            scopes=scopes,
            acting_user=None,
        )
        return do_issue_token(account, app.app.application, scopes.split(), acting_user=account).raw

    return issue


@pytest.fixture
def api_client(token_for) -> Callable[..., Client]:
    """A Django test client that sends ``Authorization: Bearer`` for ``account``."""

    def make(account: Account | None = None, scopes: str = "read write follow push") -> Client:
        if account is None:
            return Client()
        return Client(headers={"Authorization": f"Bearer {token_for(account, scopes)}"})

    return make


def pytest_collection_modifyitems(config, items) -> None:
    """The schemathesis fuzzing run only when asked for (``-m schemathesis``); ``make test`` leaves it out."""
    if "schemathesis" in (config.getoption("markexpr") or ""):
        return
    kept = [item for item in items if item.get_closest_marker("schemathesis") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
