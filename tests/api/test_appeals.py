"""Appeals through the API: the owner files and follows them; desk staff work the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tidings.legal.actions.appeals import do_file_appeal
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.models import Appeal, AppealStatus, Withholding

OWNER_PATH = "/api/v1/tidings/appeals"
DESK_PATH = "/api/v1/admin/legal/appeals"
ADMIN_SCOPES = "read admin:read admin:write"


@pytest.fixture(autouse=True)
def _country_header(settings) -> None:
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def owner(make_account):
    return make_account("kisanvoice", email="kisan@example.com")


@pytest.fixture
def withheld(owner, make_post, import_order, legal, run_on_commit) -> Withholding:
    post = make_post(owner, "March to the capital")
    demand = import_order(f"https://localhost:8000/@kisanvoice/{post.id}").demand
    with run_on_commit():
        do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    mail.outbox.clear()
    return Withholding.objects.get(post=post)


def post_json(client: Client, path: str, body: object = None):
    return client.post(path, body or {}, content_type="application/json")


def test_the_owner_files_an_appeal_and_lists_it_with_its_clocks(withheld, owner, api_client):
    client = api_client(owner, "read write")
    response = post_json(client, OWNER_PATH, {"withholding_id": withheld.id, "text": "News."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "filed" and body["withholding_id"] == str(withheld.id)
    assert body["rule_pack"] == "IN-69A"
    assert [c["key"] for c in body["clocks"]] == ["appeal_acknowledge", "appeal_decide"]
    assert all(c["state"] == "due" and c["law"] for c in body["clocks"])
    assert body["external_routes"][0]["url"] == "https://gac.gov.in/"
    [listed] = client.get(OWNER_PATH).json()
    assert listed["id"] == body["id"]


def test_a_form_body_works_too(withheld, owner, api_client):
    response = api_client(owner, "write").post(
        OWNER_PATH, {"withholding_id": str(withheld.id), "text": "News."}
    )
    assert response.status_code == 200


def test_someone_elses_withholding_is_404(withheld, make_account, api_client):
    client = api_client(make_account("stranger"), "read write")
    response = post_json(client, OWNER_PATH, {"withholding_id": withheld.id, "text": "mine?"})
    assert response.status_code == 404
    assert client.get(OWNER_PATH).json() == []


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"text": "x"}, 422, "withholding_id"),
        ({"withholding_id": "999999", "text": "x"}, 404, "no such withholding"),
        ({"withholding_id": "9" * 30, "text": "x"}, 404, "no such withholding"),
        ("big", 422, "at most 2,000"),
        ("nul", 400, "NUL"),
        ("surrogate", 422, ""),
        ({"withholding_id": "w", "text": ""}, 422, "Write the appeal"),
    ],
)
def test_bad_bodies_get_clear_errors(withheld, owner, api_client, body, status, words):
    if body == "big":
        body = {"withholding_id": withheld.id, "text": "x" * 1_000_000}
    elif body == "surrogate":
        body = {"withholding_id": withheld.id, "text": "broken \ud800 text"}
    elif body == "nul":
        body = {"withholding_id": withheld.id, "text": "a\u0000b"}
    elif body.get("withholding_id") == "w":
        body = {**body, "withholding_id": withheld.id}
    response = post_json(api_client(owner, "read write"), OWNER_PATH, body)
    assert response.status_code == status, response.content
    assert words in response.json()["error"]
    assert not Appeal.objects.exists()


def test_the_owner_api_needs_the_right_scopes(withheld, owner, api_client):
    assert api_client(owner, "read").post(OWNER_PATH, {}).status_code == 403
    assert api_client(owner, "write").get(OWNER_PATH).status_code == 403
    assert Client().get(OWNER_PATH).status_code == 401


# -- the desk ------------------------------------------------------------------------------------


def test_the_desk_lists_open_appeals_and_grants_one(withheld, owner, legal, api_client):
    appeal = do_file_appeal(withheld, text="News.", acting_user=owner)
    Appeal.objects.filter(id=appeal.id).update(filed_at=timezone.now() - timedelta(hours=30))
    desk = api_client(legal, ADMIN_SCOPES)
    [listed] = desk.get(DESK_PATH).json()
    assert listed["id"] == str(appeal.id) and listed["overdue"] is True
    assert listed["appellant_username"] == "kisanvoice"
    assert (
        Client().get(f"/@kisanvoice/{withheld.post_id}", HTTP_X_TEST_COUNTRY="IN").status_code
        == 451
    )
    acknowledged = post_json(desk, f"{DESK_PATH}/{appeal.id}/acknowledge")
    assert acknowledged.json()["status"] == "acknowledged"
    granted = post_json(desk, f"{DESK_PATH}/{appeal.id}/grant", {"reason": "Lawful."})
    assert granted.status_code == 200 and granted.json()["status"] == "granted"
    assert (
        Client().get(f"/@kisanvoice/{withheld.post_id}", HTTP_X_TEST_COUNTRY="IN").status_code
        == 200
    )
    assert desk.get(DESK_PATH).json() == []
    assert [a["id"] for a in desk.get(DESK_PATH, {"status": "all"}).json()] == [str(appeal.id)]


def test_the_desk_rejects_with_a_reason_and_cannot_decide_twice(withheld, owner, legal, api_client):
    appeal = do_file_appeal(withheld, text="News.", acting_user=owner)
    desk = api_client(legal, ADMIN_SCOPES)
    assert post_json(desk, f"{DESK_PATH}/{appeal.id}/reject", {"reason": ""}).status_code == 422
    rejected = post_json(desk, f"{DESK_PATH}/{appeal.id}/reject", {"reason": "Stands."})
    assert rejected.json()["status"] == "rejected"
    again = post_json(desk, f"{DESK_PATH}/{appeal.id}/grant", {"reason": "Oops."})
    assert again.status_code == 422 and "already rejected" in again.json()["error"]
    assert Appeal.objects.get().status == AppealStatus.REJECTED


def test_the_desk_api_is_for_desk_staff(withheld, owner, api_client, make_account, legal):
    appeal = do_file_appeal(withheld, text="News.", acting_user=owner)
    moderator = api_client(make_account("mod", role="moderator"), ADMIN_SCOPES)
    assert moderator.get(DESK_PATH).status_code == 403
    assert (
        post_json(moderator, f"{DESK_PATH}/{appeal.id}/grant", {"reason": "x"}).status_code == 403
    )
    reader = api_client(legal, "admin:read")
    assert post_json(reader, f"{DESK_PATH}/{appeal.id}/grant", {"reason": "x"}).status_code == 403
    desk = api_client(legal, ADMIN_SCOPES)
    assert desk.get(f"{DESK_PATH}/999999").status_code == 404
    assert desk.get(f"{DESK_PATH}/junk").status_code == 404
    assert desk.get(f"{DESK_PATH}/{'9' * 30}").status_code == 404


@pytest.mark.django_db
def test_the_openapi_document_describes_the_appeal_routes():
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths[OWNER_PATH])
    for path in (
        DESK_PATH,
        f"{DESK_PATH}/{{appeal_id}}",
        f"{DESK_PATH}/{{appeal_id}}/acknowledge",
        f"{DESK_PATH}/{{appeal_id}}/grant",
        f"{DESK_PATH}/{{appeal_id}}/reject",
    ):
        for operation in paths[path].values():
            assert operation["summary"]
            assert {"200", "403", "404", "422"} <= set(operation["responses"])
