"""Read markers: saved by POST, read by GET; the notifications marker marks notifications read."""

from __future__ import annotations

import json

from django.test import Client

from tidings.audit.models import AuditEvent
from tidings.social.actions import do_follow
from tidings.social.models import Notification


def test_no_marker_is_an_empty_object(alice, api_client):
    response = api_client(alice).get("/api/v1/markers", {"timeline[]": ["home", "notifications"]})
    assert response.status_code == 200
    assert response.json() == {}


def test_saving_and_reading_markers_as_json(alice, api_client, make_post):
    post = make_post(alice, "read up to here")
    client = api_client(alice)
    saved = client.post(
        "/api/v1/markers",
        data=json.dumps({"home": {"last_read_id": str(post.id)}}),
        content_type="application/json",
    )
    assert saved.status_code == 200
    home = saved.json()["home"]
    assert home["last_read_id"] == str(post.id)
    assert home["version"] == 1
    assert home["updated_at"].endswith("Z")
    again = client.post("/api/v1/markers", {"home[last_read_id]": str(post.id + 1)}).json()
    assert again["home"]["version"] == 2
    fetched = client.get("/api/v1/markers", {"timeline[]": ["home", "notifications"]}).json()
    assert fetched == {"home": again["home"]}


def test_the_notifications_marker_marks_notifications_up_to_it_read(
    alice, bob, carol, api_client, run_on_commit
):
    with run_on_commit():
        do_follow(alice, acting_user=bob)
    first = Notification.objects.get(recipient=alice)
    with run_on_commit():
        do_follow(alice, acting_user=carol)
    client = api_client(alice)
    client.post("/api/v1/markers", {"notifications[last_read_id]": str(first.id)})
    unread = Notification.objects.filter(recipient=alice, read_at__isnull=True)
    assert list(unread.values_list("actor_id", flat=True)) == [carol.id]
    event = AuditEvent.objects.order_by("seq").last()
    assert event.action == "markers.save"
    assert event.data["notifications_read"] == 1


def test_reading_markers_and_notifications_changes_nothing(alice, bob, api_client, run_on_commit):
    with run_on_commit():
        do_follow(alice, acting_user=bob)
    client = api_client(alice)
    events = AuditEvent.objects.count()
    for _ in range(2):
        client.get("/api/v1/notifications")
        client.get("/api/v1/markers", {"timeline[]": ["notifications"]})
    assert AuditEvent.objects.count() == events
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_a_bad_last_read_id_is_a_json_422(alice, api_client):
    client = api_client(alice)
    for bad in ("abc", "-5", str(2**63)):
        response = client.post("/api/v1/markers", {"home[last_read_id]": bad})
        assert response.status_code == 422, bad
        assert "last_read_id" in response.json()["error"]


def test_markers_need_a_user_token_with_the_scopes(alice, api_client):
    assert Client().get("/api/v1/markers").status_code == 401
    read_only = api_client(alice, scopes="read")
    assert read_only.get("/api/v1/markers").status_code == 200
    assert read_only.post("/api/v1/markers", {"home[last_read_id]": "1"}).status_code == 403


def test_the_openapi_document_lists_the_markers_routes(db):
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/markers"])


def test_markers_are_asked_for_with_or_without_brackets_and_unknown_names_are_ignored(
    alice, api_client, make_post
):
    post = make_post(alice, "here")
    client = api_client(alice)
    client.post("/api/v1/markers", {"home[last_read_id]": str(post.id)})
    assert set(client.get("/api/v1/markers?timeline=home").json()) == {"home"}
    assert client.get("/api/v1/markers?timeline[]=nonsense").json() == {}
    assert client.get("/api/v1/markers").json() == {}
