"""Mastodon's rate limits: 429 with X-RateLimit-* headers, per account, per IP, per endpoint."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from mastodon import Mastodon, MastodonRatelimitError

from tests.api.conftest import SCOPES, unique_handle
from tests.conftest import TEST_PASSWORD
from tests.live_server import run_tidings
from tidings.api import ratelimit

PUBLIC = "/api/v1/timelines/public"
ELSEWHERE = "198.51.100.7"
HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


@pytest.fixture
def rules(settings) -> Callable[..., None]:
    """Shrink named limits to (requests, seconds) for one test."""

    def shrink(**limits: tuple[int, int]) -> None:
        settings.TIDINGS_RATE_LIMIT_RULES = limits

    return shrink


@pytest.fixture
def frozen_clock(monkeypatch) -> list[float]:
    """The limiter's clock, stopped at a window boundary; tests move it by changing ``[0]``."""
    now = [float(1_700_000_400)]  # a multiple of every window used here
    monkeypatch.setattr(ratelimit, "clock", lambda: now[0])
    return now


def reset_time(response) -> datetime:
    return datetime.strptime(response["X-RateLimit-Reset"], "%Y-%m-%dT%H:%M:%S.%f%z")


def assert_too_many(response, limit: int) -> None:
    assert response.status_code == 429
    assert response.json() == {"error": "Too many requests"}
    assert response["X-RateLimit-Limit"] == str(limit)
    assert response["X-RateLimit-Remaining"] == "0"
    assert reset_time(response) > datetime.now(UTC) - timedelta(seconds=1)


def register_app(client: Client) -> dict:
    return client.post(
        "/api/v1/apps",
        {
            "client_name": "Limits",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write",
        },
    ).json()


def app_token(client: Client, app: dict) -> str:
    return client.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "read write",
        },
    ).json()["access_token"]


def sign_up(client: Client, token: str, **request: str):
    handle = unique_handle("s")
    return client.post(
        "/api/v1/accounts",
        {
            "username": handle,
            "email": f"{handle}@example.com",
            "password": TEST_PASSWORD,
            "agreement": "1",
        },
        headers={"Authorization": f"Bearer {token}"},
        **request,
    )


def password_grant(client: Client, app: dict, password: str, **request: str):
    return client.post(
        "/oauth/token",
        {
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "victim",
            "password": password,
            "scope": "read",
        },
        **request,
    )


# -- the defaults --------------------------------------------------------------


def test_the_defaults_are_mastodons():
    assert ratelimit.DEFAULT_RULES == {
        "api": (300, 300),
        "sign_up": (5, 1800),
        "statuses": (300, 10800),
        "password_grant": (25, 300),
    }


@pytest.mark.django_db
def test_an_anonymous_call_reports_300_per_5_minutes_counting_down(frozen_clock):
    client = Client()
    first = client.get(PUBLIC)
    second = client.get(PUBLIC)
    assert first.status_code == second.status_code == 200
    assert first["X-RateLimit-Limit"] == "300"
    assert [first["X-RateLimit-Remaining"], second["X-RateLimit-Remaining"]] == ["299", "298"]
    assert first["X-RateLimit-Reset"] == "2023-11-14T22:25:00.000000Z"  # the window's end


def test_an_account_call_reports_300_per_5_minutes(alice, api_client):
    response = api_client(alice).get("/api/v1/timelines/home")
    assert response.status_code == 200
    assert response["X-RateLimit-Limit"] == "300"
    assert response["X-RateLimit-Remaining"] == "299"
    assert timedelta(0) < reset_time(response) - datetime.now(UTC) <= timedelta(minutes=5)


def test_errors_are_counted_and_carry_the_headers_too(alice, api_client):
    response = api_client(alice).get("/api/v1/statuses/999999")
    assert response.status_code == 404
    assert response["X-RateLimit-Remaining"] == "299"


@pytest.mark.django_db
def test_the_oauth_and_metadata_endpoints_are_not_api_calls():
    client = Client()
    response = client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    assert not any(header in response for header in HEADERS)


# -- the general API limit -----------------------------------------------------


def test_an_account_past_its_limit_gets_429_with_the_headers(alice, api_client, rules):
    rules(api=(3, 300))
    client = api_client(alice)
    remaining = [client.get(PUBLIC)["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    assert_too_many(client.get("/api/v1/timelines/home"), limit=3)


def test_an_account_is_counted_across_its_tokens_not_per_token(alice, api_client, rules):
    rules(api=(2, 300))
    assert api_client(alice).get(PUBLIC).status_code == 200
    assert api_client(alice).get(PUBLIC).status_code == 200
    assert api_client(alice).get(PUBLIC).status_code == 429


def test_another_account_is_not_affected(alice, bob, api_client, rules):
    rules(api=(2, 300))
    client = api_client(alice)
    for _ in range(3):
        client.get(PUBLIC)
    assert client.get(PUBLIC).status_code == 429
    response = api_client(bob).get(PUBLIC)
    assert response.status_code == 200
    assert response["X-RateLimit-Remaining"] == "1"


def test_an_account_is_not_limited_by_anonymous_calls_from_its_address(alice, api_client, rules):
    rules(api=(2, 300))
    anonymous = Client()
    for _ in range(3):
        anonymous.get(PUBLIC)
    assert anonymous.get(PUBLIC).status_code == 429
    assert api_client(alice).get(PUBLIC).status_code == 200


@pytest.mark.django_db
def test_anonymous_calls_are_counted_per_ip(rules):
    rules(api=(2, 300))
    client = Client()
    for _ in range(2):
        assert client.get(PUBLIC).status_code == 200
    assert_too_many(client.get(PUBLIC), limit=2)
    elsewhere = client.get(PUBLIC, REMOTE_ADDR=ELSEWHERE)
    assert elsewhere.status_code == 200
    assert elsewhere["X-RateLimit-Remaining"] == "1"


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(rules, settings):
    rules(api=(1, 300))
    settings.TIDINGS_TRUSTED_PROXIES = ["127.0.0.1"]
    from tidings.visibility.country import _trusted_networks

    _trusted_networks.cache_clear()
    try:
        client = Client()
        assert client.get(PUBLIC, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 200
        assert client.get(PUBLIC, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
        assert client.get(PUBLIC, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200
    finally:
        settings.TIDINGS_TRUSTED_PROXIES = []
        _trusted_networks.cache_clear()


def test_the_window_resets_at_the_reported_time(alice, api_client, rules, frozen_clock):
    rules(api=(2, 60))
    client = api_client(alice)
    client.get(PUBLIC)
    client.get(PUBLIC)
    limited = client.get(PUBLIC)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    reset = reset_time(limited).timestamp()
    frozen_clock[0] = reset - 1
    assert client.get(PUBLIC).status_code == 429
    frozen_clock[0] = reset
    fresh = client.get(PUBLIC)
    assert fresh.status_code == 200
    assert fresh["X-RateLimit-Remaining"] == "1"
    assert reset_time(fresh).timestamp() == reset + 60


def test_operators_can_turn_the_limits_off(alice, api_client, rules, settings):
    rules(api=(1, 300))
    settings.TIDINGS_RATE_LIMITS = False
    client = api_client(alice)
    for _ in range(3):
        response = client.get(PUBLIC)
        assert response.status_code == 200
        assert not any(header in response for header in HEADERS)


# -- sign-up: 5 per 30 minutes per IP ------------------------------------------


@pytest.mark.django_db
def test_a_sixth_sign_up_from_one_address_in_30_minutes_gets_429():
    client = Client()
    token = app_token(client, register_app(client))
    responses = [sign_up(client, token) for _ in range(5)]
    assert [r.status_code for r in responses] == [200] * 5
    assert [r["X-RateLimit-Remaining"] for r in responses] == ["4", "3", "2", "1", "0"]
    assert {r["X-RateLimit-Limit"] for r in responses} == {"5"}
    limited = sign_up(client, token)
    assert_too_many(limited, limit=5)
    assert reset_time(limited) - datetime.now(UTC) <= timedelta(minutes=30)


@pytest.mark.django_db
def test_sign_ups_from_another_address_are_not_affected(rules):
    rules(sign_up=(1, 1800))
    client = Client()
    token = app_token(client, register_app(client))
    assert sign_up(client, token).status_code == 200
    assert sign_up(client, token).status_code == 429
    assert sign_up(client, token, REMOTE_ADDR=ELSEWHERE).status_code == 200


@pytest.mark.django_db
def test_the_other_api_calls_of_a_limited_address_still_work(rules):
    rules(sign_up=(1, 1800))
    client = Client()
    token = app_token(client, register_app(client))
    sign_up(client, token)
    assert sign_up(client, token).status_code == 429
    response = client.get(PUBLIC)
    assert response.status_code == 200
    assert response["X-RateLimit-Limit"] == "300"


# -- posting: 300 per 3 hours per account --------------------------------------


def test_posting_reports_300_per_3_hours(alice, api_client):
    response = api_client(alice).post("/api/v1/statuses", {"status": "hello"})
    assert response.status_code == 200
    assert response["X-RateLimit-Limit"] == "300"
    assert response["X-RateLimit-Remaining"] == "299"
    assert reset_time(response).timestamp() % (3 * 60 * 60) == 0  # the 3-hour window's end


def test_an_account_past_its_posting_limit_gets_429_but_may_still_read(alice, api_client, rules):
    rules(statuses=(2, 10800))
    client = api_client(alice)
    for n in range(2):
        assert client.post("/api/v1/statuses", {"status": f"post {n}"}).status_code == 200
    assert_too_many(client.post("/api/v1/statuses", {"status": "one too many"}), limit=2)
    assert client.get("/api/v1/timelines/home").status_code == 200


def test_another_account_may_still_post(alice, bob, api_client, rules):
    rules(statuses=(1, 10800))
    alices = api_client(alice)
    alices.post("/api/v1/statuses", {"status": "first"})
    assert alices.post("/api/v1/statuses", {"status": "second"}).status_code == 429
    assert api_client(bob).post("/api/v1/statuses", {"status": "mine"}).status_code == 200


def test_the_tighter_of_two_limits_is_reported(alice, api_client, rules):
    rules(api=(10, 300), statuses=(3, 10800))
    client = api_client(alice)
    posted = client.post("/api/v1/statuses", {"status": "hello"})
    assert (posted["X-RateLimit-Limit"], posted["X-RateLimit-Remaining"]) == ("3", "2")
    read = client.get(PUBLIC)
    assert (read["X-RateLimit-Limit"], read["X-RateLimit-Remaining"]) == ("10", "8")


# -- the password grant: 25 per 5 minutes per IP -------------------------------


@pytest.mark.django_db
def test_a_26th_password_attempt_in_5_minutes_gets_429(make_account):
    make_account("victim")
    client = Client()
    app = register_app(client)
    attempts = [password_grant(client, app, f"guess-{n}") for n in range(25)]
    assert {r.status_code for r in attempts} == {400}
    assert attempts[-1]["X-RateLimit-Remaining"] == "0"
    limited = password_grant(client, app, TEST_PASSWORD)
    assert_too_many(limited, limit=25)
    assert "access_token" not in limited.json()


@pytest.mark.django_db
def test_password_attempts_from_another_address_are_not_affected(make_account, rules):
    rules(password_grant=(1, 300))
    make_account("victim")
    client = Client()
    app = register_app(client)
    password_grant(client, app, "wrong")
    assert password_grant(client, app, TEST_PASSWORD).status_code == 429
    response = password_grant(client, app, TEST_PASSWORD, REMOTE_ADDR=ELSEWHERE)
    assert response.status_code == 200
    assert "access_token" in response.json()


@pytest.mark.django_db
def test_other_grants_are_not_counted_as_password_attempts(rules):
    rules(password_grant=(1, 300))
    client = Client()
    app = register_app(client)
    for _ in range(3):
        response = client.post(
            "/oauth/token",
            {
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        )
        assert response.status_code == 200
        assert "X-RateLimit-Limit" not in response


# -- counters shared between processes ----------------------------------------

COUNT_200 = """
import django
django.setup()
from django.conf import settings
from tidings.api import ratelimit
assert settings.CACHES["ratelimit"]["BACKEND"] == "tidings.lib.shared_counters.SharedCounterCache"
for _ in range(200):
    hit = ratelimit.count_request("statuses", "account:1")
print(hit.count)
"""


def test_two_processes_counting_at_once_lose_no_count(tmp_path):
    env = {
        **os.environ,
        "TIDINGS_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "tidings.settings",
    }
    env.pop("TIDINGS_REDIS_URL", None)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", COUNT_200], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    finals = [int(worker.communicate(timeout=120)[0]) for worker in workers]
    assert max(finals) == 400
    assert (tmp_path / "ratelimit").is_dir()


# -- a real server: 2 worker processes share the counters ----------------------


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``tidings serve`` (gunicorn, 2 workers) with the limits on, as operators run it."""
    with run_tidings(
        tmp_path_factory.mktemp("tidings-limited"), TIDINGS_RATE_LIMITS="1", TIDINGS_REDIS_URL=""
    ) as live:
        yield live.url


def test_both_workers_count_into_the_same_window_that_mastodon_py_reads(limited_server):
    client = Mastodon(api_base_url=limited_server, ratelimit_method="throw")
    seen = []
    for _ in range(20):
        client.timeline_public(limit=1)
        seen.append(client.ratelimit_remaining)
    assert seen == list(range(seen[0], seen[0] - 20, -1))  # per-process counters would repeat
    assert client.ratelimit_limit == 300
    assert 0 < client.ratelimit_reset - time.time() <= 5 * 60 + 5


def test_mastodon_py_raises_past_the_sign_up_limit(limited_server):
    client_id, client_secret = Mastodon.create_app(
        "Limits", api_base_url=limited_server, scopes=SCOPES
    )

    def sign_up() -> None:
        client = Mastodon(
            client_id=client_id, client_secret=client_secret, api_base_url=limited_server
        )
        handle = unique_handle("live")
        client.create_account(
            handle, TEST_PASSWORD, f"{handle}@example.com", agreement=True, scopes=SCOPES
        )

    for _ in range(5):
        sign_up()
    with pytest.raises(MastodonRatelimitError):
        sign_up()


# -- sign-in pages share the password budget -------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/oauth/sign_in"])
@pytest.mark.django_db
def test_a_26th_sign_in_attempt_on_a_page_gets_a_429_page_with_retry_after(
    make_account, frozen_clock, path
):
    make_account("victim")
    client = Client()
    for n in range(25):
        wrong = client.post(path, {"username": "victim", "password": f"guess-{n}"})
        assert wrong.status_code in (401, 422)
    limited = client.post(path, {"username": "victim", "password": TEST_PASSWORD})
    assert limited.status_code == 429
    assert limited["Content-Type"].startswith("text/html")
    assert limited["Retry-After"] == "300"
    assert "Too many sign-in attempts from your address. Try again in 5 minutes." in (
        limited.content.decode()
    )
    assert "_auth_user_id" not in client.session
    frozen_clock[0] += 300
    assert client.post(path, {"username": "victim", "password": TEST_PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_guesses_spread_over_the_sign_in_doors_share_one_budget(make_account, rules):
    rules(password_grant=(2, 300))
    make_account("victim")
    client = Client()
    app = register_app(client)
    client.post("/login", {"username": "victim", "password": "wrong"})
    client.post("/oauth/sign_in", {"username": "victim", "password": "wrong"})
    assert password_grant(client, app, TEST_PASSWORD).status_code == 429
    assert (
        client.post("/login", {"username": "victim", "password": TEST_PASSWORD}).status_code == 429
    )


@pytest.mark.django_db
def test_showing_the_sign_in_page_is_not_an_attempt(rules, db):
    rules(password_grant=(1, 300))
    client = Client()
    for _ in range(3):
        assert client.get("/login").status_code == 200
