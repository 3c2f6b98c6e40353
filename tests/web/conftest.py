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


# -- the legal desk ---------------------------------------------------------------


@pytest.fixture
def moderator(make_account) -> Account:
    return make_account("mod", role="moderator")


@pytest.fixture
def desk_targets(make_account, make_post) -> dict[str, object]:
    """Two accounts with posts (one a journalist with many followers) and one named post."""
    farmer = make_account("kisanvoice", display_name="Kisan Voice")
    reporter = make_account("reporter_r", display_name="R. Reporter", kind="journalist")
    Account.objects.filter(id=reporter.id).update(followers_count=5000)
    Account.objects.filter(id=farmer.id).update(followers_count=12)
    farmer_post = make_post(farmer, "March to the capital #FarmersProtest")
    make_post(farmer, "Tea at the border #FarmersProtest")
    reporter_post = make_post(reporter, "Live from the protest site")
    return {
        "farmer": farmer,
        "reporter": reporter,
        "farmer_post": farmer_post,
        "reporter_post": reporter_post,
    }
