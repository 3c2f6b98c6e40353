"""While a 100,000-line order is imported, the server keeps taking writes.

A real ``tidings serve`` (2 gunicorn workers; on SQLite a file database, as
deployed) and ``tidings demands import`` in its own process; meanwhile a
client signs in and posts once a second. Every sign-in and every post must
succeed promptly: a long import must never hold the database for long.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.api.conftest import unique_handle
from tests.conftest import TEST_PASSWORD

LINES = 100_000
#: How much longer than with no import running one write may take (a chunk is ~0.1 s).
EXTRA_WAIT_BUDGET_SECONDS = 1.0


def _order_file(path, known_handles: list[str]) -> None:
    rows = ["S.No,Link"]
    for n in range(1, LINES + 1):
        target = f"@{known_handles[n % len(known_handles)]}" if n % 10 == 0 else f"@gone_{n}"
        rows.append(f"{n},{target}")
    path.write_text("\r\n".join(rows) + "\r\n")


@pytest.fixture
def poster(live_tidings):
    """(app credentials, handle) of a fresh account signed up through the API."""
    base = live_tidings.url
    app = requests.post(
        f"{base}/api/v1/apps",
        data={
            "client_name": "load",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write",
        },
        timeout=30,
    ).json()
    handle = unique_handle("load")
    signup = requests.post(
        f"{base}/api/v1/accounts",
        headers={"Authorization": f"Bearer {_app_token(base, app)}"},
        data={
            "username": handle,
            "email": f"{handle}@example.com",
            "password": TEST_PASSWORD,
            "agreement": "true",
        },
        timeout=30,
    )
    assert signup.status_code == 200, signup.text
    return app, handle


def _app_token(base: str, app: dict) -> str:
    response = requests.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "read write",
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _sign_in_and_post(base: str, app: dict, handle: str, n: int) -> tuple[list[int], float, float]:
    """POST /oauth/token, then POST /api/v1/statuses: (status codes, seconds each took)."""
    started = time.monotonic()
    token = requests.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": handle,
            "password": TEST_PASSWORD,
            "scope": "read write",
        },
        timeout=30,
    )
    signed_in = time.monotonic() - started
    if token.status_code != 200:
        return [token.status_code], signed_in, 0.0
    started = time.monotonic()
    post = requests.post(
        f"{base}/api/v1/statuses",
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        data={"status": f"still here, post {n}"},
        timeout=30,
    )
    return [token.status_code, post.status_code], signed_in, time.monotonic() - started


@pytest.mark.live_timing
def test_signing_in_and_posting_stay_prompt_during_a_100000_line_import(
    live_tidings, poster, tmp_path
):
    app, handle = poster
    staff = unique_handle("lex")
    made = live_tidings.manage(
        "createuser",
        staff,
        "--email",
        f"{staff}@example.com",
        "--password",
        TEST_PASSWORD,
        "--role",
        "legal_admin",
    )
    assert made.returncode == 0, made.stderr
    order = tmp_path / "order.csv"
    _order_file(order, [handle, staff])
    # The same writes with no import running: password hashing alone takes a while here.
    quiet = [_sign_in_and_post(live_tidings.url, app, handle, -k) for k in range(3)]
    quiet_sign_in = max(t for _, t, _ in quiet)
    quiet_post = max(t for _, _, t in quiet)
    result: dict = {}

    def run_import() -> None:
        result["done"] = live_tidings.manage(
            "demands",
            "import",
            str(order),
            "--authority",
            "MeitY",
            "--country",
            "IN",
            "--reference",
            "LOAD-1",
            "--as",
            staff,
        )

    importer = threading.Thread(target=run_import)
    importer.start()
    writes: list[tuple[list[int], float, float]] = []
    n = 0
    while importer.is_alive():
        n += 1
        tick = time.monotonic()
        writes.append(_sign_in_and_post(live_tidings.url, app, handle, n))
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    importer.join()
    done = result["done"]
    assert done.returncode == 0, done.stderr
    assert f"{LINES} items" in done.stdout
    assert len(writes) >= 3, "the import finished before the writes could overlap it"
    assert [codes for codes, _, _ in writes if codes != [200, 200]] == []
    waited = max(max(sign_in - quiet_sign_in, post - quiet_post) for _, sign_in, post in writes)
    print(
        f"{len(writes)} sign-ins and posts during the import; quiet: sign-in {quiet_sign_in:.2f} s, "
        f"post {quiet_post:.2f} s; longest extra wait {waited:.2f} s"
    )
    assert waited < EXTRA_WAIT_BUDGET_SECONDS, f"a write waited {waited:.2f} s longer than usual"
