"""Appeals of moderators' actions through the API: the account files and lists; moderators decide."""

from __future__ import annotations

import pytest
from django.test import Client

from tidings.social.actions import do_limit_account, do_warn_account
from tidings.social.models import Account
from tidings.social.models_moderation import ModerationAppeal, ModerationNotice

OWNER_PATH = "/api/v1/tidings/moderation_appeals"
ADMIN_PATH = "/api/v1/admin/moderation/appeals"
ADMIN_SCOPES = "read admin:read admin:write"


@pytest.fixture
def moderator(make_account) -> Account:
    return make_account("mod", role="moderator")


def post_json(client: Client, path: str, body: object = None):
    return client.post(path, body or {}, content_type="application/json")


def _notice(account: Account) -> ModerationNotice:
    return ModerationNotice.objects.filter(recipient=account).latest("created_at")


def test_the_account_appeals_once_and_a_moderator_approves_it(bob, moderator, api_client):
    do_limit_account(bob, text="Too loud.", acting_user=moderator)
    notice = _notice(bob)
    client = api_client(bob, "read write")
    response = post_json(client, OWNER_PATH, {"notice_id": str(notice.id), "text": "I was quiet."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["action"], body["notice_id"]) == (
        "pending",
        "limit",
        str(notice.id),
    )
    again = post_json(client, OWNER_PATH, {"notice_id": notice.id, "text": "Again."})
    assert again.status_code == 422 and "already appealed" in again.json()["error"]
    [listed] = client.get(OWNER_PATH).json()
    assert listed["id"] == body["id"]

    mod = api_client(moderator, ADMIN_SCOPES)
    [queued] = mod.get(ADMIN_PATH).json()
    assert queued["id"] == body["id"] and queued["appellant_username"] == "bob"
    decided = post_json(mod, f"{ADMIN_PATH}/{body['id']}/approve", {"reason": "Fair."})
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved" and decided.json()["overturned"] is True
    bob.refresh_from_db()
    assert bob.limited_at is None
    late = post_json(mod, f"{ADMIN_PATH}/{body['id']}/reject", {"reason": "No."})
    assert late.status_code == 422 and "already approved by @mod" in late.json()["error"]
    assert mod.get(ADMIN_PATH).json() == []


def test_others_notices_are_not_found_and_bad_text_is_refused(alice, bob, moderator, api_client):
    do_warn_account(bob, text="No.", acting_user=moderator)
    notice = _notice(bob)
    other = post_json(api_client(alice, "write"), OWNER_PATH, {"notice_id": notice.id, "text": "x"})
    assert other.status_code == 404
    client = api_client(bob, "write")
    for body in (
        {"notice_id": notice.id, "text": "x" * 2001},
        {"notice_id": notice.id, "text": "   "},
        {"notice_id": notice.id, "text": "\ud800"},
    ):
        assert post_json(client, OWNER_PATH, body).status_code == 422
    assert post_json(client, OWNER_PATH, {"notice_id": "junk", "text": "x"}).status_code == 404
    assert post_json(client, OWNER_PATH, {"notice_id": "9" * 40, "text": "x"}).status_code == 404
    assert not ModerationAppeal.objects.exists()


@pytest.mark.parametrize("role", ["user", "legal", "legal_admin"])
def test_only_moderators_work_the_queue(bob, moderator, api_client, make_account, role):
    do_warn_account(bob, text="No.", acting_user=moderator)
    post_json(api_client(bob, "write"), OWNER_PATH, {"notice_id": _notice(bob).id, "text": "Why?"})
    appeal = ModerationAppeal.objects.get()
    someone = api_client(make_account("someone", role=role), ADMIN_SCOPES)
    assert someone.get(ADMIN_PATH).status_code == 403
    assert someone.get(f"{ADMIN_PATH}/{appeal.id}").status_code == 403
    assert (
        post_json(someone, f"{ADMIN_PATH}/{appeal.id}/approve", {"reason": "x"}).status_code == 403
    )
    appeal.refresh_from_db()
    assert appeal.is_pending
    assert api_client(moderator, ADMIN_SCOPES).get(f"{ADMIN_PATH}/junk").status_code == 404


@pytest.mark.django_db
def test_the_openapi_document_describes_the_moderation_appeal_routes():
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths[OWNER_PATH])
    for path in (
        ADMIN_PATH,
        f"{ADMIN_PATH}/{{appeal_id}}",
        f"{ADMIN_PATH}/{{appeal_id}}/approve",
        f"{ADMIN_PATH}/{{appeal_id}}/reject",
    ):
        for operation in paths[path].values():
            assert operation["summary"]
            assert {"200", "403", "404", "422"} <= set(operation["responses"])
