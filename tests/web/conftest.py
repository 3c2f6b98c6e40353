"""Helpers for the web UI tests: a signed-in client and reading pages as text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from tidings.social.models import Account

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Trending tags are cached briefly; each test starts from an empty cache."""
    cache.clear()


@pytest.fixture
def signed_in(client: Client) -> Callable[[Account], Client]:
    """``signed_in(account)``: the test client, signed in as ``account``."""

    def sign_in(account: Account) -> Client:
        client.force_login(account)
        return client

    return sign_in


def page_text(response) -> str:
    return response.content.decode()
