"""The desk's "Publish this order's notice" button: a legal admin publishes a confidential
order's details on its public notice before its delay runs out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.web.conftest import page_text
from tidings.audit.models import AuditEvent
from tidings.legal.models import Demand

BUTTON = "Publish this order's notice"


@pytest.fixture
def secret(import_order, desk_targets, settings):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = 180
    return import_order("@reporter_r", reference="SECRET/REF/42", confidential=True).demand


def _desk(demand: Demand, suffix: str = "") -> str:
    return f"/desk/demands/{demand.id}{suffix}"


def test_only_a_legal_admin_sees_the_button(signed_in, client: Client, legal, legal_admin, secret):
    as_legal = page_text(signed_in(legal).get(_desk(secret)))
    assert BUTTON not in as_legal
    assert "The public notice shows the reference, basis and targets from" in as_legal
    client.logout()
    as_admin = page_text(signed_in(legal_admin).get(_desk(secret)))
    assert BUTTON in as_admin
    form = as_admin[: as_admin.index(BUTTON)].rsplit("<form", 1)[1]
    assert 'method="post"' in form and f'action="{_desk(secret, "/publish")}"' in form
    assert "csrfmiddlewaretoken" in form


def test_a_legal_admin_publishes_and_the_notice_shows_the_details(
    signed_in, client: Client, legal_admin, secret
):
    assert "SECRET/REF/42" not in page_text(client.get(f"/transparency/notices/{secret.id}"))
    desk = signed_in(legal_admin)

    response = desk.post(_desk(secret, "/publish"), follow=True)

    assert response.status_code == 200
    text = page_text(response)
    assert "Published: the public notice now shows" in text
    assert BUTTON not in text
    secret.refresh_from_db()
    assert secret.published_by == legal_admin
    assert AuditEvent.objects.filter(action="legal.publish", subject_id=str(secret.id)).exists()
    notice = page_text(client.get(f"/transparency/notices/{secret.id}"))
    assert "SECRET/REF/42" in notice and "@reporter_r" in notice


def test_publishing_twice_is_refused_with_a_422(signed_in, legal_admin, secret):
    desk = signed_in(legal_admin)
    desk.post(_desk(secret, "/publish"))
    again = desk.post(_desk(secret, "/publish"))
    assert again.status_code == 422
    assert "already published" in page_text(again)
    assert AuditEvent.objects.filter(action="legal.publish").count() == 1


def test_a_legal_user_cannot_publish(signed_in, legal, secret):
    response = signed_in(legal).post(_desk(secret, "/publish"))
    assert response.status_code == 403
    secret.refresh_from_db()
    assert secret.published_at is None


def test_the_button_is_not_offered_for_an_open_order_or_once_the_delay_ran_out(
    signed_in, legal_admin, import_order, secret
):
    open_order = import_order("@reporter_r", confidential=False).demand
    desk = signed_in(legal_admin)
    assert BUTTON not in page_text(desk.get(_desk(open_order)))
    Demand.objects.filter(id=secret.id).update(received_at=timezone.now() - timedelta(days=181))
    text = page_text(desk.get(_desk(secret)))
    assert BUTTON not in text
    assert "the confidentiality delay has run out" in text


def test_publishing_is_post_only(signed_in, legal_admin, secret):
    assert signed_in(legal_admin).get(_desk(secret, "/publish")).status_code == 405
