"""The instance documents are served from a cache, and every change they show is in the next one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tidings.legal.actions.withholding import do_lift_withholding, do_withhold
from tidings.social.actions.accounts import (
    do_suspend_account,
    do_unsuspend_account,
    do_update_profile,
)
from tidings.social.models import Account


def _contact(version: str) -> dict | None:
    document = Client().get(f"/api/{version}/instance").json()
    return document["contact_account"] if version == "v1" else document["contact"]["account"]


@pytest.fixture
def boss(make_account) -> Account:
    return make_account("boss", role="admin", display_name="The Boss")


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_repeated_instance_request_asks_the_database_one_query(
    boss, version, django_assert_num_queries
):
    first = Client().get(f"/api/{version}/instance")
    with django_assert_num_queries(1):
        again = Client().get(f"/api/{version}/instance")
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_withholding_the_contact_everywhere_and_lifting_it_show_on_the_next_request(
    boss, legal_admin, version
):
    assert _contact(version)["id"] == str(boss.id)
    withholding = do_withhold(
        account=boss, countries=["XX"], reason="court order", acting_user=legal_admin
    )
    assert _contact(version) is None
    do_lift_withholding(withholding, reason="order set aside", acting_user=legal_admin)
    assert _contact(version)["id"] == str(boss.id)


def test_a_withholding_of_the_contact_that_ends_by_the_clock_ends_in_the_document(
    boss, legal_admin, monkeypatch
):
    now = timezone.now()
    do_withhold(
        account=boss,
        countries=["XX"],
        until=now + timedelta(hours=1),
        reason="interim order",
        acting_user=legal_admin,
    )
    assert _contact("v1") is None
    later = now + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # no write: only the clock moved
    assert _contact("v1")["id"] == str(boss.id)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_profile_change_of_the_contact_shows_on_the_next_request(boss, version):
    assert _contact(version)["display_name"] == "The Boss"
    do_update_profile(boss, display_name="The New Boss", bio="Hello", acting_user=boss)
    contact = _contact(version)
    assert contact["display_name"] == "The New Boss"
    assert "Hello" in contact["note"]


def test_the_contacts_post_count_shows_on_the_next_request(boss, make_post):
    assert _contact("v1")["statuses_count"] == 0
    make_post(boss, "first words")
    assert _contact("v1")["statuses_count"] == 1


def test_suspending_the_contact_and_lifting_it_show_on_the_next_request(boss, make_account):
    second = make_account("second", role="admin")
    assert _contact("v1")["id"] == str(boss.id)
    do_suspend_account(boss, reason="compromised", acting_user=second)
    assert _contact("v1")["id"] == str(second.id)
    do_unsuspend_account(boss, reason="restored", acting_user=second)
    assert _contact("v2")["id"] == str(boss.id)


def test_a_new_first_admin_shows_on_the_next_request(make_account):
    assert _contact("v1") is None
    boss = make_account("boss", role="admin")
    assert _contact("v1")["id"] == str(boss.id)


def test_a_change_of_instance_settings_shows_on_the_next_request(boss, settings):
    assert Client().get("/api/v1/instance").json()["registrations"] is True
    settings.TIDINGS_REGISTRATIONS = "approval"
    document = Client().get("/api/v1/instance").json()
    assert document["registrations"] is True and document["approval_required"] is True
    settings.TIDINGS_REGISTRATIONS = "closed"
    assert Client().get("/api/v2/instance").json()["registrations"]["enabled"] is False
    settings.DEFAULT_FROM_EMAIL = "desk@example.org"
    assert Client().get("/api/v1/instance").json()["email"] == "desk@example.org"
    settings.DOMAIN = "social.example.org"
    assert Client().get("/api/v2/instance").json()["domain"] == "social.example.org"


def test_the_document_names_the_scheme_the_request_came_on(boss, settings):
    settings.TIDINGS_HTTPS = True
    settings.SECURE_SSL_REDIRECT = False
    secure = Client().get("/api/v1/instance", secure=True).json()
    assert secure["thumbnail"].startswith("https://")
