"""A session cookie stops working on the very next request after whatever ends it, on any worker."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import TEST_PASSWORD
from tidings.social.actions.account_deletion import do_delete_own_account
from tidings.social.actions.accounts import do_suspend_account
from tidings.social.models import Account

pytestmark = pytest.mark.usefixtures("shared_stores")

PAGE = "/settings/profile"


def _signed_in(account: Account) -> tuple[Client, Client]:
    """Two clients with one session cookie (as two workers see it), each warmed up."""
    first = Client()
    first.force_login(account)
    second = Client()
    second.cookies[settings.SESSION_COOKIE_NAME] = first.cookies[settings.SESSION_COOKIE_NAME].value
    for client in (first, second, first, second):
        assert client.get(PAGE).status_code == 200
    return first, second


def _signed_out(client: Client) -> bool:
    answer = client.get(PAGE)
    return answer.status_code == 302 and answer["Location"].startswith("/login")


def test_a_session_signed_out_is_refused_on_the_next_request_everywhere(alice):
    first, second = _signed_in(alice)
    assert first.post("/logout").status_code == 302
    assert _signed_out(second)


def test_a_suspended_accounts_session_is_confined_on_the_next_request(alice, make_account):
    moderator = make_account("mod", role="moderator")
    _, second = _signed_in(alice)
    do_suspend_account(alice, reason="spam", acting_user=moderator)
    answer = second.get(PAGE)
    assert answer.status_code == 302 and answer["Location"] == "/suspended"


def test_a_deleted_accounts_session_is_refused_on_the_next_request(alice):
    _, second = _signed_in(alice)
    do_delete_own_account(acting_user=alice, password=TEST_PASSWORD)
    assert _signed_out(second)


def test_a_password_change_signs_out_the_other_sessions_on_the_next_request(alice):
    _, second = _signed_in(alice)
    account = Account.objects.get(id=alice.id)
    account.set_password("another-horse-battery-7")
    account.save(update_fields=["password"])
    assert _signed_out(second)


def test_a_deactivated_accounts_session_is_refused_on_the_next_request(alice):
    _, second = _signed_in(alice)
    Account.objects.filter(id=alice.id).update(is_active=False)
    assert _signed_out(second)


def test_a_profile_change_shows_on_the_sessions_next_page(alice):
    _, second = _signed_in(alice)
    Account.objects.filter(id=alice.id).update(display_name="Alice the Second")
    assert "Alice the Second" in second.get(PAGE).content.decode()


def test_a_session_cookie_on_an_api_request_loads_no_session(alice, django_assert_num_queries):
    first, _ = _signed_in(alice)
    with django_assert_num_queries(0):
        assert first.get("/api/v1/custom_emojis").status_code == 200


def test_a_known_session_and_its_account_are_read_in_one_query(
    alice, django_assert_max_num_queries
):
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    first, _ = _signed_in(alice)
    cookie = f"{settings.SESSION_COOKIE_NAME}={first.cookies[settings.SESSION_COOKIE_NAME].value}"
    seen = []
    chain = SessionMiddleware(
        AuthenticationMiddleware(lambda r: seen.append(r.user.id) or HttpResponse())
    )
    with django_assert_max_num_queries(1):
        chain(RequestFactory().get(PAGE, HTTP_COOKIE=cookie))
    assert seen == [alice.id]
