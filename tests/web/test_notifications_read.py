"""Reading notifications changes nothing; only the "Mark all as read" POST marks them read."""

from __future__ import annotations

from django.test import Client

from tests.web.conftest import page_text
from tidings.audit.models import AuditEvent
from tidings.social.actions import do_follow
from tidings.social.models import Account, Marker, Notification


def unread(account: Account) -> int:
    return Notification.objects.filter(recipient=account, read_at__isnull=True).count()


def signed_in_client(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def test_opening_the_notifications_page_twice_changes_nothing(alice, bob, carol, run_on_commit):
    with run_on_commit():
        do_follow(alice, acting_user=bob)
        do_follow(alice, acting_user=carol)
    client = signed_in_client(alice)
    events = AuditEvent.objects.count()
    for _ in range(2):
        page = page_text(client.get("/notifications"))
        assert page.count("New: ") == 1  # the two follows are one group
        assert "and 1 other\n        followed you" in page
        assert 'id="unread-count">2<' in page
        assert "Mark all as read" in page
    assert unread(alice) == 2
    assert AuditEvent.objects.count() == events
    assert not Marker.objects.exists()


def test_mark_all_as_read_is_a_post_that_marks_them_read_and_records_it(
    alice, bob, carol, run_on_commit
):
    with run_on_commit():
        do_follow(alice, acting_user=bob)
        do_follow(alice, acting_user=carol)
    client = signed_in_client(alice)
    response = client.post("/notifications/read", {"next": "/notifications"})
    assert response.status_code == 302
    assert response["Location"] == "/notifications"
    assert unread(alice) == 0
    event = AuditEvent.objects.order_by("seq").last()
    assert (event.action, event.data["count"]) == ("notifications.read", 2)
    page = page_text(client.get("/notifications"))
    assert "New: " not in page
    assert "Mark all as read" not in page
    newest = Notification.objects.filter(recipient=alice).latest("id")
    marker = Marker.objects.get(account=alice, timeline="notifications")
    assert marker.last_read_id == newest.id


def test_mark_all_as_read_keeps_what_arrived_after_the_page_was_shown(
    alice, bob, carol, run_on_commit
):
    with run_on_commit():
        do_follow(alice, acting_user=bob)
    shown = Notification.objects.get(recipient=alice)
    with run_on_commit():
        do_follow(alice, acting_user=carol)
    signed_in_client(alice).post("/notifications/read", {"up_to_id": str(shown.id)})
    assert unread(alice) == 1


def test_the_page_sends_the_newest_shown_id_with_the_button(alice, bob, run_on_commit):
    with run_on_commit():
        do_follow(alice, acting_user=bob)
    shown = Notification.objects.get(recipient=alice)
    page = page_text(signed_in_client(alice).get("/notifications"))
    assert f'name="up_to_id" value="{shown.id}"' in page


def test_marking_read_needs_a_post_and_a_csrf_token(alice, bob, run_on_commit):
    with run_on_commit():
        do_follow(alice, acting_user=bob)
    assert signed_in_client(alice).get("/notifications/read").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post("/notifications/read").status_code == 403
    assert unread(alice) == 1


def test_a_bad_up_to_id_is_a_clear_error(alice):
    response = signed_in_client(alice).post("/notifications/read", {"up_to_id": "12abc"})
    assert response.status_code == 422
    assert "up_to_id" in page_text(response)
