"""Security headers: CSP everywhere, HSTS and Secure cookies only over HTTPS we may believe."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import TEST_PASSWORD
from tidings.visibility.country import _trusted_networks

PROXY = "10.0.0.5"


@pytest.fixture
def trusted_proxy(settings):
    settings.TIDINGS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    _trusted_networks.cache_clear()
    yield
    _trusted_networks.cache_clear()


def sign_in(client: Client, **extra) -> object:
    return client.post("/login", {"username": "alice", "password": TEST_PASSWORD}, **extra)


@pytest.mark.parametrize("path", ["/public", "/login", "/api/v1/instance", "/nowhere"])
def test_every_answer_carries_the_content_security_policy(client, db, path):
    policy = client.get(path)["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy


def test_plain_http_gets_no_hsts_and_no_secure_cookies(client, alice):
    response = sign_in(client)
    assert "Strict-Transport-Security" not in response
    assert not response.cookies["sessionid"]["secure"]


def test_forwarded_https_from_a_trusted_proxy_gets_hsts_and_secure_cookies(
    client, alice, trusted_proxy
):
    response = sign_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.cookies["sessionid"]["secure"]


def test_forwarded_https_from_anyone_else_is_not_believed(client, alice, trusted_proxy):
    response = sign_in(client, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in response
    assert not response.cookies["sessionid"]["secure"]


def test_tidings_https_marks_every_request_secure(client, alice, settings):
    settings.TIDINGS_HTTPS = True
    response = sign_in(client)
    assert response["Strict-Transport-Security"].startswith("max-age=")
    assert response.cookies["sessionid"]["secure"]
    assert client.get("/public").wsgi_request.build_absolute_uri("/").startswith("https://")
