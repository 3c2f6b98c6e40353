"""Two app servers and a worker against one PostgreSQL and one Redis behave as one site.

What one machine does is seen by the other on the very next request: posts
(once the worker fanned them out), withholdings and their lifting, revoked
tokens, signed-out sessions, uploaded images, stream events and rate-limit
counts. Each machine
answers from two gunicorn workers, so every check repeats its request enough
times to reach both.

Run with ``-m scaling`` (``make test-scaling``); ``make test`` leaves it out,
since a fresh machine may have no PostgreSQL or Redis. When either is missing
the test fails: it never skips.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import requests
from PIL import Image

from tests.scaling.cluster import COUNTRY_HEADER, Cluster, Machine, run_cluster
from tests.sse import SseReader

pytestmark = pytest.mark.scaling

PASSWORD = "correct-horse-battery-9"
SCOPES = "read write follow admin:read admin:write"
#: Enough requests to reach both gunicorn workers of a machine (they take turns on accept).
TRIES = 6
FANOUT_DEADLINE = 30.0


@dataclass
class App:
    client_id: str
    client_secret: str


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with run_cluster(tmp_path_factory.mktemp("scaling")) as running:
        yield running


@pytest.fixture(scope="module")
def app(cluster: Cluster) -> App:
    response = requests.post(
        cluster.a.url + "/api/v1/apps",
        data={
            "client_name": "Scaling test",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": SCOPES,
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    return App(body["client_id"], body["client_secret"])


@pytest.fixture(scope="module")
def accounts(cluster: Cluster) -> dict[str, str]:
    """Handles of an author, a follower and a legal admin, created by an operator's shell."""
    roles = {"author": "user", "follower": "user", "desk": "legal_admin"}
    handles = {who: f"sc_{who}" for who in roles}
    # One Django start for the three (createuser, as an operator runs it).
    code = "from django.core.management import call_command\n" + "".join(
        f"call_command('createuser', {handles[who]!r}, email='{handles[who]}@example.com', "
        f"password={PASSWORD!r}, role={role!r})\n"
        for who, role in roles.items()
    )
    created = cluster.manage("shell", "-c", code)
    assert created.returncode == 0, created.stderr
    return handles


def token(machine: Machine, app: App, handle: str) -> str:
    response = requests.post(
        machine.url + "/oauth/token",
        data={
            "grant_type": "password",
            "username": handle,
            "password": PASSWORD,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "scope": SCOPES if handle == "sc_desk" else "read write follow",
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def bearer(value: str, country: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {value}"}
    if country:
        headers[COUNTRY_HEADER] = country
    return headers


def statuses(machine: Machine, path: str, headers: dict[str, str]) -> list[int]:
    """Every answer's status code for ``TRIES`` requests in a row (reaching both workers)."""
    return [
        requests.get(machine.url + path, headers=headers, timeout=10).status_code
        for _ in range(TRIES)
    ]


def eventually(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


@pytest.fixture(scope="module")
def tokens(cluster: Cluster, app: App, accounts: dict[str, str]) -> dict[str, str]:
    """Tokens of the author (from A) and of the follower (from B), the follower following."""
    author = token(cluster.a, app, accounts["author"])
    follower = token(cluster.b, app, accounts["follower"])
    author_id = requests.get(
        cluster.b.url + "/api/v1/accounts/verify_credentials", headers=bearer(author), timeout=10
    ).json()["id"]
    followed = requests.post(
        f"{cluster.a.url}/api/v1/accounts/{author_id}/follow", headers=bearer(follower), timeout=10
    )
    assert followed.status_code == 200 and followed.json()["following"] is True
    return {"author": author, "follower": follower}


def test_the_serve_instances_run_no_task_worker_of_their_own(cluster: Cluster, tokens):
    """With the worker host stopped, a post is queued and reaches no follower until one runs."""
    author, follower = tokens["author"], tokens["follower"]
    cluster.stop_worker()
    try:
        queued_but_not_delivered(cluster, author, follower)
    finally:
        cluster.start_worker()


def queued_but_not_delivered(cluster: Cluster, author: str, follower: str) -> None:
    post = requests.post(
        cluster.a.url + "/api/v1/statuses",
        data={"status": "queued while no worker runs"},
        headers=bearer(author),
        timeout=10,
    ).json()
    time.sleep(3)  # longer than a worker's look at the queue, were serve running one
    home = requests.get(
        cluster.b.url + "/api/v1/timelines/home", headers=bearer(follower), timeout=10
    )
    assert post["id"] not in [s["id"] for s in home.json()]
    queued = cluster.manage(
        "shell", "-c", "from django_tasks_db.models import DBTaskResult as T; "
        "print(T.objects.filter(status='READY').count())",
    )  # fmt: skip
    assert int(queued.stdout.strip().splitlines()[-1]) >= 1, queued.stderr
    ran = cluster.manage("worker", "--until-idle")
    assert ran.returncode == 0, ran.stderr
    home = requests.get(
        cluster.b.url + "/api/v1/timelines/home", headers=bearer(follower), timeout=10
    )
    assert post["id"] in [s["id"] for s in home.json()]


def test_a_post_made_on_a_reaches_a_followers_home_and_stream_on_b(cluster: Cluster, tokens):
    author, follower = tokens["author"], tokens["follower"]
    reader = SseReader(cluster.b.streaming_url + "/api/v1/streaming/user", headers=bearer(follower))
    assert reader.response.status_code == 200, reader.response.text
    try:
        time.sleep(1)  # the stream has subscribed
        post = requests.post(
            cluster.a.url + "/api/v1/statuses",
            data={"status": "written on machine A"},
            headers=bearer(author),
            timeout=10,
        )
        assert post.status_code == 200, post.text
        post_id = post.json()["id"]

        def in_home_on_b() -> bool:
            home = requests.get(
                cluster.b.url + "/api/v1/timelines/home", headers=bearer(follower), timeout=10
            )
            return post_id in [s["id"] for s in home.json()]

        assert eventually(in_home_on_b, FANOUT_DEADLINE)
        update = reader.until("update", lambda data: json.loads(data)["id"] == post_id, 20)
        assert update is not None and json.loads(update)["content"] == "<p>written on machine A</p>"
    finally:
        reader.close()


def test_a_withholding_decided_on_a_is_451_on_b_and_a_lift_on_b_restores_it_on_a(
    cluster: Cluster, app, accounts
):
    author = token(cluster.a, app, accounts["author"])
    desk_on_a = bearer(token(cluster.a, app, accounts["desk"]))
    post_id = requests.post(
        cluster.a.url + "/api/v1/statuses",
        data={"status": "farmers march on the capital"},
        headers=bearer(author),
        timeout=10,
    ).json()["id"]
    path = f"/api/v1/statuses/{post_id}"
    # Both machines have loaded the withheld set (and its version) before the decision.
    assert statuses(cluster.b, path, {COUNTRY_HEADER: "IN"}) == [200] * TRIES
    assert statuses(cluster.a, path, {COUNTRY_HEADER: "IN"}) == [200] * TRIES

    order = requests.post(
        cluster.a.url + "/api/v1/admin/legal/demands",
        json={
            "authority": "Ministry of Electronics and Information Technology",
            "country": "IN",
            "reference": "MEITY/2021/scaling",
            "legal_basis": "Information Technology Act, 2000",
            "legal_basis_code": "s69A",
            "kind": "order",
            "received_at": "2021-02-01T10:00:00Z",
            "confidential": False,
            "targets": [f"@{accounts['author']}"],
        },
        headers=desk_on_a,
        timeout=10,
    )
    assert order.status_code == 201, order.text
    demand_id = order.json()["demand"]["id"]
    decided = requests.post(
        f"{cluster.a.url}/api/v1/admin/legal/demands/{demand_id}/decisions",
        json={"item_ids": "all_matched", "action": "withhold", "reason": "s69A order"},
        headers=desk_on_a,
        timeout=10,
    )
    assert decided.status_code == 200, decided.text

    assert statuses(cluster.b, path, {COUNTRY_HEADER: "IN"}) == [451] * TRIES
    assert statuses(cluster.b, path, {COUNTRY_HEADER: "US"}) == [200] * TRIES
    blocked = requests.get(cluster.b.url + path, headers={COUNTRY_HEADER: "IN"}, timeout=10)
    assert 'rel="blocked-by"' in blocked.headers["Link"]

    desk_on_b = bearer(token(cluster.b, app, accounts["desk"]))
    active = requests.get(
        cluster.b.url + "/api/v1/admin/legal/withholdings?active=true",
        headers=desk_on_b,
        timeout=10,
    ).json()
    assert [w["demand_id"] for w in active] == [demand_id]
    lifted = requests.post(
        f"{cluster.b.url}/api/v1/admin/legal/withholdings/{active[0]['id']}/lift",
        json={"reason": "order withdrawn"},
        headers=desk_on_b,
        timeout=10,
    )
    assert lifted.status_code == 200, lifted.text
    assert statuses(cluster.a, path, {COUNTRY_HEADER: "IN"}) == [200] * TRIES


def test_a_token_revoked_on_a_is_refused_on_b(cluster: Cluster, app, accounts):
    value = token(cluster.a, app, accounts["follower"])
    me = "/api/v1/accounts/verify_credentials"
    assert statuses(cluster.b, me, bearer(value)) == [200] * TRIES
    revoked = requests.post(
        cluster.a.url + "/oauth/revoke",
        data={"token": value, "client_id": app.client_id, "client_secret": app.client_secret},
        timeout=10,
    )
    assert revoked.status_code == 200, revoked.text
    assert statuses(cluster.b, me, bearer(value)) == [401] * TRIES


def sign_in(machine: Machine, handle: str) -> requests.Session:
    session = requests.Session()
    session.get(machine.url + "/login", timeout=10)
    signed_in = session.post(
        machine.url + "/login",
        data={
            "username": handle,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": machine.url + "/login"},
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    return session


def test_a_session_opened_on_a_works_on_b_until_it_signs_out_on_a(cluster: Cluster, accounts):
    session = sign_in(cluster.a, accounts["follower"])
    settings_page = "/settings/profile"

    def codes(machine: Machine) -> list[int]:
        return [
            session.get(machine.url + settings_page, allow_redirects=False, timeout=10).status_code
            for _ in range(TRIES)
        ]

    assert codes(cluster.b) == [200] * TRIES
    signed_out = session.post(
        cluster.a.url + "/logout",
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": cluster.a.url + "/"},
        allow_redirects=False,
        timeout=10,
    )
    assert signed_out.status_code == 302
    assert codes(cluster.b) == [302] * TRIES  # to the sign-in page


def test_an_image_uploaded_on_a_is_served_by_b(cluster: Cluster, app, accounts):
    author = bearer(token(cluster.a, app, accounts["author"]))
    picture = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(picture, "PNG")
    uploaded = requests.post(
        cluster.a.url + "/api/v2/media",
        files={"file": ("red.png", picture.getvalue(), "image/png")},
        headers=author,
        timeout=30,
    )
    assert uploaded.status_code in (200, 202), uploaded.text
    media = uploaded.json()
    posted = requests.post(
        cluster.a.url + "/api/v1/statuses",
        data={"status": "a red square", "media_ids[]": media["id"]},
        headers=author,
        timeout=10,
    )
    assert posted.status_code == 200, posted.text
    path = "/" + media["url"].split("/", 3)[3]
    on_b = requests.get(cluster.b.url + path, timeout=10)
    assert on_b.status_code == 200
    assert on_b.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(on_b.content)).size == (32, 24)


def test_rate_limit_counters_are_shared_by_both_machines(cluster: Cluster, tokens):
    """A call on B counts after one on A: a client cannot double its limit by switching machines."""
    me = "/api/v1/accounts/verify_credentials"
    for _ in range(3):  # a fixed window may end between the two calls: try again in the next
        on_a = requests.get(cluster.a.url + me, headers=bearer(tokens["follower"]), timeout=10)
        on_b = requests.get(cluster.b.url + me, headers=bearer(tokens["follower"]), timeout=10)
        if on_a.headers["X-RateLimit-Reset"] == on_b.headers["X-RateLimit-Reset"]:
            break
    assert (on_a.status_code, on_b.status_code) == (200, 200)
    assert on_a.headers["X-RateLimit-Reset"] == on_b.headers["X-RateLimit-Reset"]
    remaining_a = int(on_a.headers["X-RateLimit-Remaining"])
    assert int(on_b.headers["X-RateLimit-Remaining"]) == remaining_a - 1
