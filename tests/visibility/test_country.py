"""Resolving the countries a request is seen from."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from tidings.visibility import country
from tidings.visibility.country import client_address, request_countries
from tidings.visibility.viewer import viewer_for_account

INDIAN_ADDRESS = "49.44.0.1"
US_ADDRESS = "8.8.8.8"


@pytest.fixture
def rf() -> RequestFactory:
    return RequestFactory()


@pytest.fixture(autouse=True)
def _fresh_proxy_cache():
    country._trusted_networks.cache_clear()
    yield
    country._trusted_networks.cache_clear()


def test_geoip_of_the_client_address_names_its_country(rf, settings):
    settings.TIDINGS_GEOIP = True
    assert request_countries(rf.get("/", REMOTE_ADDR=INDIAN_ADDRESS)) == {"IN"}


def test_loopback_and_malformed_addresses_name_no_country(rf, settings):
    settings.TIDINGS_GEOIP = True
    assert request_countries(rf.get("/", REMOTE_ADDR="127.0.0.1")) == frozenset()
    assert request_countries(rf.get("/", REMOTE_ADDR="not-an-ip")) == frozenset()


def test_forwarded_for_is_ignored_from_an_untrusted_peer(rf, settings):
    settings.TIDINGS_TRUSTED_PROXIES = []
    request = rf.get("/", REMOTE_ADDR=US_ADDRESS, HTTP_X_FORWARDED_FOR=INDIAN_ADDRESS)
    assert client_address(request) == US_ADDRESS


def test_forwarded_for_is_honoured_behind_a_trusted_proxy(rf, settings):
    settings.TIDINGS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = rf.get(
        "/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR=f"1.1.1.1, {INDIAN_ADDRESS}, 10.0.0.9"
    )
    assert client_address(request) == INDIAN_ADDRESS
    assert "IN" in request_countries(request)


def test_country_header_counts_only_when_configured(rf, settings):
    settings.TIDINGS_GEOIP = False
    request = rf.get("/", HTTP_X_VIEWER_COUNTRY="in")
    settings.TIDINGS_COUNTRY_HEADER = ""
    assert request_countries(request) == frozenset()
    settings.TIDINGS_COUNTRY_HEADER = "X-Viewer-Country"
    assert request_countries(request) == {"IN"}


def test_unknown_codes_in_the_header_are_ignored(rf, settings):
    settings.TIDINGS_GEOIP = False
    settings.TIDINGS_COUNTRY_HEADER = "X-Viewer-Country"
    assert request_countries(rf.get("/", HTTP_X_VIEWER_COUNTRY="ZZ, <x>, de")) == {"DE"}


def test_signals_that_disagree_all_count_so_the_most_restrictive_wins(rf, settings, make_account):
    settings.TIDINGS_GEOIP = True
    settings.TIDINGS_COUNTRY_HEADER = "X-Viewer-Country"
    request = rf.get("/", REMOTE_ADDR=US_ADDRESS, HTTP_X_VIEWER_COUNTRY="DE")
    account = make_account("ravi", country="IN")
    assert viewer_for_account(account, request_countries(request)).countries == {"US", "DE", "IN"}
