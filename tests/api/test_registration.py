"""Sign-up through the API under each registration policy, with and without e-mail confirmation."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client

from tests.conftest import TEST_PASSWORD
from tidings.social.actions.registration import do_approve_account
from tidings.social.models import Account


def app_token(client: Client, scopes: str = "read write follow push") -> str:
    app = client.post(
        "/api/v1/apps",
        {"client_name": "Signup", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scopes},
    ).json()
    return client.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": scopes,
        },
    ).json()["access_token"]


def sign_up(client: Client, handle: str, **extra) -> tuple[int, dict]:
    token = app_token(client)
    response = client.post(
        "/api/v1/accounts",
        {
            "username": handle,
            "email": f"{handle}@example.com",
            "password": TEST_PASSWORD,
            "agreement": "1",
            "locale": "en",
        }
        | extra,
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.status_code, response.json()


def me(client: Client, token: str):
    return client.get(
        "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"}
    )


@pytest.mark.django_db
def test_open_registration_gives_a_working_token():
    client = Client()
    status, body = sign_up(client, "newcomer")
    assert status == 200
    assert set(body["scope"].split()) == {"read", "write", "follow", "push"}
    assert me(client, body["access_token"]).json()["username"] == "newcomer"


@pytest.mark.django_db
def test_sign_up_needs_an_app_token():
    response = Client().post(
        "/api/v1/accounts",
        {"username": "x", "email": "x@example.com", "password": TEST_PASSWORD, "agreement": "1"},
    )
    assert response.status_code == 401


@pytest.mark.django_db
def test_sign_up_needs_the_agreement():
    status, body = sign_up(Client(), "disagreer", agreement="0")
    assert status == 422 and "Agreement" in body["error"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra, fragment",
    [
        ({"username": "no spaces"}, "handle"),
        ({"password": "short"}, "short"),
        ({"email": "not-an-email"}, "e-mail"),
    ],
)
def test_bad_sign_ups_are_422(extra, fragment):
    status, body = sign_up(Client(), "valid_name", **extra)
    assert status == 422
    assert fragment in body["error"]


@pytest.mark.django_db
def test_a_taken_handle_is_422():
    client = Client()
    assert sign_up(client, "twice")[0] == 200
    status, body = sign_up(client, "Twice", email="other@example.com")
    assert status == 422 and "taken" in body["error"]


@pytest.mark.django_db
def test_closed_registrations_refuse_sign_ups(settings):
    settings.TIDINGS_REGISTRATIONS = "closed"
    status, body = sign_up(Client(), "latecomer")
    assert status == 403 and body["error"]
    assert not Account.objects.filter(username="latecomer").exists()
    instance = Client().get("/api/v2/instance").json()
    assert instance["registrations"]["enabled"] is False


@pytest.mark.django_db
def test_approval_registrations_work_once_staff_approve(settings, make_account):
    settings.TIDINGS_REGISTRATIONS = "approval"
    client = Client()
    status, body = sign_up(client, "applicant", reason="I report on farming")
    assert status == 200
    refused = me(client, body["access_token"])
    assert refused.status_code == 403 and "approval" in refused.json()["error"]
    admin = make_account("admin1", role="admin")
    do_approve_account(Account.objects.get(username="applicant"), acting_user=admin)
    assert me(client, body["access_token"]).status_code == 200


@pytest.mark.django_db
def test_approval_registrations_ask_for_a_reason(settings):
    settings.TIDINGS_REGISTRATIONS = "approval"
    status, body = sign_up(Client(), "silent")
    assert status == 422 and body["error"]


@pytest.mark.django_db(transaction=True)
def test_email_confirmation_is_mailed_and_the_token_works_after_it(settings, run_tasks):
    settings.TIDINGS_CONFIRM_EMAIL = True
    client = Client()
    status, body = sign_up(client, "confirmer")
    assert status == 200
    assert mail.outbox == []  # queued with the sign-up, sent by a worker
    assert run_tasks() == 1
    refused = me(client, body["access_token"])
    assert refused.status_code == 403 and "confirmed" in refused.json()["error"]
    [message] = mail.outbox
    assert message.to == ["confirmer@example.com"]
    link = re.search(r"https?://\S+", message.body).group(0)
    page = client.get(link.split("testserver", 1)[1])
    assert page.status_code == 200
    assert "Confirm my e-mail address" in page.content.decode()
    opened = me(client, body["access_token"])  # opening the link confirms nothing
    assert opened.status_code == 403
    token = parse_qs(urlsplit(link).query)["confirmation_token"][0]
    confirmed = client.post("/auth/confirmation", {"confirmation_token": token})
    assert confirmed.status_code == 200
    assert "is confirmed" in confirmed.content.decode()
    assert me(client, body["access_token"]).status_code == 200


@pytest.mark.django_db
def test_a_forged_confirmation_link_is_refused():
    response = Client().get("/auth/confirmation?confirmation_token=forged")
    assert response.status_code == 404
    posted = Client().post("/auth/confirmation", {"confirmation_token": "forged"})
    assert posted.status_code == 404
