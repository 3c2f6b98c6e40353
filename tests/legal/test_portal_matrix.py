"""Who reaches which demand through every portal and desk route, on the web and in the API.

Routes are read from the URL map and the OpenAPI document, so a route added later
is walked too. The rules:

- authority A's member never reads or changes authority B's demands (404 there,
  as for a demand that does not exist), and never reaches the desk or the admin
  API (403 or 404), even with a token that carries ``admin:*``;
- a plain user and anonymous visitors get 403 (or the sign-in page) on the portal;
- desk staff read every demand, of every authority;
- whatever was refused changed nothing: demands, items, messages, attachments,
  withholdings, members and audit events are counted before and after.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client

from tests.legal.portal_world import SECRETS, World, world_fixture  # noqa: F401
from tidings.api.actions import do_create_app, do_issue_token
from tidings.api.api import api
from tidings.api.oauth import without_admin_scopes
from tidings.audit.models import AuditEvent
from tidings.legal.models import (
    Attachment,
    AuthorityMember,
    Correspondence,
    Demand,
    DemandItem,
    Withholding,
)
from tidings.social.models import Account
from tidings.web.urls import urlpatterns

ALL_SCOPES = "read write portal:read portal:write admin:read admin:write"
#: A body that would succeed on most routes if the caller were allowed: every field any of
#: them reads, aimed at the other authority's demand.
FORM = {
    "action": "withhold",
    "item_ids": "all_matched",
    "reason": "order withdrawn",
    "countries": "XX",
    "targets": ["@kisanvoice"],
    "text": "@kisanvoice\n",
    "authority": "PTA",
    "authority_kind": "ministry",
    "country": "PK",
    "reference": "EVIL/1",
    "kind": "other",
    "subject": "Injected",
    "body": "Injected",
    "withholding_ids": "all_active",
}


@pytest.fixture(autouse=True)
def _no_rate_limits(settings) -> None:
    settings.TIDINGS_RATE_LIMITS = False


def bearer(account: Account, scopes: str = ALL_SCOPES) -> Client:
    """A client whose token carries ``scopes`` as stored, whatever the account's role allows."""
    app = do_create_app(
        "Matrix", redirect_uris="urn:ietf:wg:oauth:2.0:oob", scopes=scopes, acting_user=None
    )
    raw = do_issue_token(account, app.app.application, scopes.split(), acting_user=account).raw
    return Client(headers={"Authorization": f"Bearer {raw}"})


def signed_in(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def record_counts() -> dict[str, int]:
    models = (
        Demand, DemandItem, Correspondence, Attachment, Withholding, AuthorityMember, AuditEvent
    )  # fmt: skip
    counts = {m.__name__: m.objects.count() for m in models}
    counts["roles"] = hash(tuple(Account.objects.order_by("id").values_list("role", flat=True)))
    return counts


# -- the routes ------------------------------------------------------------------------

_WEB_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_API_PARAM = re.compile(r"\{(\w+)\}")


def web_routes(prefix: str) -> list[str]:
    """Every web route under ``prefix`` ("desk/", "portal"), with its parameters as ``{name}``."""
    return [
        "/" + _WEB_PARAM.sub(r"{\1}", str(p.pattern))
        for p in urlpatterns
        if str(p.pattern).startswith(prefix)
    ]


def api_routes(prefix: str) -> list[tuple[str, str]]:
    """(method, path) of every API operation under ``prefix``, from the OpenAPI document."""
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith(prefix)
        for method in operations
    ]


def fill(route: str, ids: dict[str, int]) -> str:
    """``route`` with each ``{param}`` replaced by ``ids[param]`` (1 for one we do not know)."""
    return _API_PARAM.sub(lambda m: str(ids.get(m.group(1), 1)), route)


def b_ids(world: World) -> dict[str, int]:
    withholding = Withholding.objects.filter(demand_item__demand=world.demand_a).first()
    return {
        "demand_id": world.demand_b.id,
        "attachment_id": world.attachment_b,
        "withholding_id": withholding.id if withholding else 1,
        "item_id": DemandItem.objects.filter(demand=world.demand_b).first().id,
    }


def call(client: Client, method: str, path: str):
    """``method`` on ``path`` with ``FORM`` as the body (JSON for the API, a form on the web)."""
    if method == "GET":
        return client.get(path)
    if path.startswith("/api/"):
        return client.post(path, FORM, content_type="application/json")
    return client.post(path, {**FORM, "targets": "@kisanvoice"})


def web_attempts(client: Client, routes: list[str], ids: dict[str, int]) -> Iterator:
    """(method, path, response) for GET and POST on each route (405s left out)."""
    for route in routes:
        for method in ("GET", "POST"):
            path = fill(route, ids)
            response = call(client, method, path)
            if response.status_code != 405:
                yield method, path, response


def test_every_route_is_walked():
    portal_web = web_routes("portal")
    assert {"/portal", "/portal/orders/new", "/portal/demands/{demand_id}"} <= set(portal_web)
    assert "/portal/demands/{demand_id}/messages" in portal_web
    assert "/desk/demands/{demand_id}/decide" in web_routes("desk/")
    portal_api = api_routes("/api/v1/portal/")
    assert ("POST", "/api/v1/portal/demands") in portal_api
    assert ("POST", "/api/v1/portal/demands/{demand_id}/correspondence") in portal_api
    assert ("GET", "/api/v1/portal/demands/{demand_id}/items") in portal_api
    assert ("POST", "/api/v1/admin/legal/demands/{demand_id}/decisions") in api_routes(
        "/api/v1/admin/"
    )


# -- authority A against authority B -----------------------------------------------------


def assert_no_leak(response, world: World) -> None:
    text = response.content.decode(errors="replace")
    for secret in (*SECRETS, world.demand_b.reference, world.b.name + " ("):
        assert secret not in text, f"{secret!r} leaked in {response.request['PATH_INFO']}"


def test_a_member_never_reads_or_changes_another_authoritys_demand_on_the_web(world: World):
    client = signed_in(world.member_a)
    before = record_counts()
    routes = [r for r in web_routes("portal") if "{demand_id}" in r]
    tried = list(web_attempts(client, routes, b_ids(world)))
    assert len(tried) >= 3
    for method, path, response in tried:
        assert response.status_code == 404, (method, path, response.status_code)
        assert_no_leak(response, world)
    # B's attachment under A's own demand is not found either.
    path = f"/portal/demands/{world.demand_a.id}/attachments/{world.attachment_b}"
    assert client.get(path).status_code == 404
    assert record_counts() == before


def test_a_member_never_reads_or_changes_another_authoritys_demand_in_the_api(world: World):
    client = bearer(world.member_a)
    before = record_counts()
    routes = [(m, r) for m, r in api_routes("/api/v1/portal/") if "{demand_id}" in r]
    assert len(routes) >= 5
    for method, route in routes:
        response = call(client, method, fill(route, b_ids(world)))
        assert response.status_code == 404, (method, route, response.status_code)
        assert response.json() == {"error": "There is no such demand."}
    path = f"/api/v1/portal/demands/{world.demand_a.id}/attachments/{world.attachment_b}"
    assert client.get(path).status_code == 404
    assert record_counts() == before


def test_a_member_reads_its_own_demands_only_in_lists(world: World):
    web = signed_in(world.member_a).get("/portal")
    assert web.status_code == 200 and world.demand_a.reference in web.content.decode()
    assert_no_leak(web, world)
    listing = bearer(world.member_a).get("/api/v1/portal/demands")
    assert [d["id"] for d in listing.json()] == [str(world.demand_a.id)]


def test_a_member_reads_its_own_demand_without_internal_notes(world: World):
    page = signed_in(world.member_a).get(f"/portal/demands/{world.demand_a.id}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Withheld in India until" in text and "Declined" in text
    assert "Status update" in text and "after review, we did not find" in text
    assert world.legal.username not in text and "@lex" not in text
    assert_no_leak(page, world)
    client = bearer(world.member_a)
    for path in ("", "/items", "/correspondence"):
        response = client.get(f"/api/v1/portal/demands/{world.demand_a.id}{path}")
        assert response.status_code == 200, path
        body = response.content.decode()
        assert not any(s in body for s in SECRETS)
        assert "reviewer" not in body and "decision_reason" not in body
        assert "match_reason" not in body and str(world.legal.id) not in body
    download = signed_in(world.member_a).get(
        f"/portal/demands/{world.demand_a.id}/attachments/{world.attachment_a}"
    )
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")


# -- authorities and the desk ------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["desk/"])
def test_a_member_never_reaches_the_desk(world: World, prefix: str):
    client = signed_in(world.member_a)
    before = record_counts()
    for ids in (b_ids(world), {**b_ids(world), "demand_id": world.demand_a.id}):
        tried = list(web_attempts(client, web_routes(prefix), ids))
        assert len(tried) >= len(web_routes(prefix))
        for method, path, response in tried:
            assert response.status_code in (403, 404), (method, path, response.status_code)
            assert_no_leak(response, world)
    assert record_counts() == before


def test_a_member_never_reaches_the_admin_api_even_with_admin_scopes(world: World):
    client = bearer(world.member_a)
    before = record_counts()
    routes = api_routes("/api/v1/admin/")
    assert routes
    for ids in (b_ids(world), {**b_ids(world), "demand_id": world.demand_a.id}):
        for method, route in routes:
            response = call(client, method, fill(route, ids))
            assert response.status_code in (403, 404), (method, route, response.status_code)
    assert record_counts() == before


def test_an_authority_is_never_granted_admin_scopes(world: World, legal):
    asked = ["read", "admin:read", "admin:write", "portal:read", "portal:write"]
    assert without_admin_scopes(asked, world.member_a) == ["read", "portal:read", "portal:write"]
    assert without_admin_scopes(asked, legal) == ["read", "admin:read", "admin:write"]
    assert without_admin_scopes(asked, None) == ["read"]


# -- everyone else on the portal ----------------------------------------------------------


def test_a_plain_user_is_refused_everywhere_in_the_portal(world: World, make_account):
    plain = make_account("plain")
    web, client = signed_in(plain), bearer(plain)
    before = record_counts()
    for ids in (b_ids(world), {**b_ids(world), "demand_id": world.demand_a.id}):
        for method, path, response in web_attempts(web, web_routes("portal"), ids):
            assert response.status_code == 403, (method, path, response.status_code)
            assert_no_leak(response, world)
        for method, route in api_routes("/api/v1/portal/"):
            response = call(client, method, fill(route, ids))
            assert response.status_code == 403, (method, route, response.status_code)
    assert record_counts() == before


def test_anonymous_visitors_are_sent_to_sign_in_or_refused(world: World):
    before = record_counts()
    for method, path, response in web_attempts(Client(), web_routes("portal"), b_ids(world)):
        assert response.status_code == 302, (method, path)
        assert response["Location"].startswith("/login")
    for method, route in api_routes("/api/v1/portal/"):
        response = call(Client(), method, fill(route, b_ids(world)))
        assert response.status_code == 401, (method, route)
    assert record_counts() == before


@pytest.mark.parametrize("staff", ["legal", "legal_admin"])
def test_desk_staff_read_every_authoritys_demands(world: World, staff: str):
    account: Account = getattr(world, staff)
    web, token = signed_in(account), bearer(account, "read admin:read")
    listing = web.get("/desk/demands").content.decode()
    assert world.demand_a.reference in listing and world.demand_b.reference in listing
    for demand in (world.demand_a, world.demand_b):
        assert web.get(f"/desk/demands/{demand.id}").status_code == 200
        for method, route in api_routes("/api/v1/admin/legal/demands"):
            if method == "GET" and set(_API_PARAM.findall(route)) <= {"demand_id"}:
                response = token.get(fill(route, {"demand_id": demand.id}))
                assert response.status_code == 200, route


def test_desk_staff_do_not_use_the_portal(world: World):
    assert signed_in(world.legal).get("/portal").status_code == 403
    assert bearer(world.legal).get("/api/v1/portal/demands").status_code == 403
