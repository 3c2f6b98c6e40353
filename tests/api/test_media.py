"""Media through the API: upload, describe, attach to a post, and the served files."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from tests.lib.test_images import bomb_png, jpeg_with_gps_rotated, png_bytes
from tidings.audit.models import AuditEvent
from tidings.legal.actions.withholding import do_withhold
from tidings.social.models import MediaAttachment


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


def _file(data: bytes, name: str = "photo.jpg") -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def upload(client: Client, data: bytes | None = None, **fields):
    return client.post("/api/v2/media", {"file": _file(data or jpeg_with_gps_rotated()), **fields})


def test_an_upload_answers_the_mastodon_media_entity(alice, api_client, settings):
    answer = upload(api_client(alice), description="A red square", focus="0.5,-0.25")
    assert answer.status_code == 200, answer.content
    media = answer.json()
    base = f"http://{settings.DOMAIN}/media/{media['id']}/"
    assert media["type"] == "image"
    assert media["url"] == base + "original.jpg"
    assert media["preview_url"] == base + "small.jpg"
    assert media["description"] == "A red square"
    assert media["blurhash"]
    assert media["meta"]["original"] == {"width": 30, "height": 60, "size": "30x60", "aspect": 0.5}
    assert media["meta"]["small"]["size"] == "30x60"
    assert media["meta"]["focus"] == {"x": 0.5, "y": -0.25}


def test_v1_upload_works_too(alice, api_client):
    answer = api_client(alice).post("/api/v1/media", {"file": _file(png_bytes(), "a.png")})
    assert answer.status_code == 200
    assert answer.json()["description"] is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bomb_png(), "The image has too many pixels; the limit is 25 megapixels."),
        (b"hello, I am text", "The file is not a PNG, JPEG, GIF or WebP image."),
    ],
)
def test_a_refused_upload_is_a_422_with_the_pipelines_message(alice, api_client, data, message):
    answer = upload(api_client(alice), data)
    assert answer.status_code == 422
    assert answer.json() == {"error": message}
    assert not MediaAttachment.objects.exists()


def test_an_upload_without_a_file_is_a_422(alice, api_client):
    answer = api_client(alice).post("/api/v2/media", {"description": "nothing"})
    assert answer.status_code == 422
    assert "file" in answer.json()["error"].lower()


def test_a_megabyte_description_is_refused_and_a_nul_byte_is_a_400(alice, api_client):
    client = api_client(alice)
    long = upload(client, description="x" * 1_000_000)
    assert long.status_code == 422
    assert "at most 1500 characters" in long.json()["error"]
    nul = upload(client, description="a\x00b")
    assert nul.status_code == 400
    assert "NUL" in nul.json()["error"]
    assert not MediaAttachment.objects.exists()


def test_a_bad_focus_is_a_422(alice, api_client):
    answer = upload(api_client(alice), focus="left")
    assert answer.status_code == 422
    assert "focus" in answer.json()["error"]


def test_only_the_owner_reads_and_describes_an_upload(alice, bob, api_client):
    media_id = upload(api_client(alice)).json()["id"]
    owner = api_client(alice)
    assert owner.get(f"/api/v1/media/{media_id}").json()["id"] == media_id
    changed = owner.put(
        f"/api/v1/media/{media_id}",
        {"description": "Now described"},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["description"] == "Now described"
    other = api_client(bob)
    assert other.get(f"/api/v1/media/{media_id}").status_code == 404
    refused = other.put(
        f"/api/v1/media/{media_id}", {"description": "mine"}, content_type="application/json"
    )
    assert refused.status_code == 404
    assert MediaAttachment.objects.get(id=media_id).description == "Now described"
    assert AuditEvent.objects.filter(action="media.describe").count() == 1


def test_a_status_with_media_ids_carries_its_attachments_in_order(alice, api_client):
    client = api_client(alice)
    first = upload(client, description="first").json()["id"]
    second = upload(client, png_bytes(), description="second").json()["id"]
    answer = client.post(
        "/api/v1/statuses", {"status": "Two photos", "media_ids[]": [second, first]}
    )
    assert answer.status_code == 200, answer.content
    status = answer.json()
    assert [m["id"] for m in status["media_attachments"]] == [second, first]
    assert [m["description"] for m in status["media_attachments"]] == ["second", "first"]
    fetched = client.get(f"/api/v1/statuses/{status['id']}").json()
    assert fetched["media_attachments"] == status["media_attachments"]
    event = AuditEvent.objects.filter(action="post.create").latest("seq")
    assert event.data["media"] == [int(second), int(first)]


def test_a_status_of_images_alone_needs_no_text(alice, api_client):
    client = api_client(alice)
    media_id = upload(client).json()["id"]
    answer = client.post("/api/v1/statuses", {"status": "", "media_ids[]": [media_id]})
    assert answer.status_code == 200
    assert len(answer.json()["media_attachments"]) == 1


def test_a_status_with_both_a_poll_and_images_is_a_422_and_the_upload_stays_unattached(
    alice, api_client
):
    client = api_client(alice)
    media_id = upload(client).json()["id"]
    answer = client.post(
        "/api/v1/statuses",
        {
            "status": "Tea or coffee?",
            "media_ids": [media_id],
            "poll": {"options": ["Tea", "Coffee"], "expires_in": 3600},
        },
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "A post can have a poll or images, not both." in answer.json()["error"]
    assert client.get("/api/v1/accounts/verify_credentials").json()["statuses_count"] == 0
    assert MediaAttachment.objects.get(id=media_id).post_id is None


def test_a_repost_carries_the_images_in_the_reposted_status(alice, bob, api_client):
    client = api_client(alice)
    media_id = upload(client).json()["id"]
    status = client.post("/api/v1/statuses", {"status": "hi", "media_ids[]": [media_id]}).json()
    repost = api_client(bob).post(f"/api/v1/statuses/{status['id']}/reblog").json()
    assert repost["media_attachments"] == []
    assert repost["reblog"]["media_attachments"][0]["id"] == media_id


@pytest.mark.parametrize("case", ["five images", "someone else's", "already attached", "unknown"])
def test_media_ids_that_cannot_be_attached_are_a_422_and_nothing_is_posted(
    alice, bob, api_client, case
):
    client = api_client(alice)
    mine = [upload(client).json()["id"] for _ in range(5 if case == "five images" else 1)]
    if case == "someone else's":
        mine = [upload(api_client(bob)).json()["id"]]
    elif case == "already attached":
        client.post("/api/v1/statuses", {"status": "first", "media_ids[]": mine})
    elif case == "unknown":
        mine = ["12345"]
    before = alice.posts.count()
    answer = client.post("/api/v1/statuses", {"status": "again", "media_ids[]": mine})
    assert answer.status_code == 422
    assert "error" in answer.json()
    assert alice.posts.count() == before


def test_the_instance_document_states_the_media_limits(db, client):
    config = client.get("/api/v2/instance").json()["configuration"]
    assert config["statuses"]["max_media_attachments"] == 4
    media = config["media_attachments"]
    assert media["image_size_limit"] == 8 * 1024 * 1024
    assert media["image_matrix_limit"] == 25_000_000
    assert "image/jpeg" in media["supported_mime_types"]
    assert media["description_limit"] == 1500


# -- serving --------------------------------------------------------------------


def _posted_image(client: Client, **status) -> tuple[dict, str]:
    media = upload(client, description="Tractors on the highway").json()
    post = client.post(
        "/api/v1/statuses", {"status": "Rally", "media_ids[]": [media["id"]], **status}
    ).json()
    return post, media["url"].split("://", 1)[1].split("/", 1)[1]


def test_served_bytes_carry_no_exif_or_gps(alice, api_client):
    post, path = _posted_image(api_client(alice))
    served = Client().get("/" + path)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Security-Policy"].startswith("default-src 'none'")
    data = b"".join(served.streaming_content)
    assert b"Exif" not in data and b"GPS" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()


def test_an_upload_is_its_owners_alone_until_it_is_attached(alice, bob, api_client):
    media = upload(api_client(alice)).json()
    path = "/" + media["url"].split("://", 1)[1].split("/", 1)[1]
    assert Client().get(path).status_code == 404
    stranger = Client()
    stranger.force_login(bob)
    assert stranger.get(path).status_code == 404
    assert api_client(bob).get(path).status_code == 404
    assert api_client(alice).get(path).status_code == 200
    owner = Client()
    owner.force_login(alice)
    assert owner.get(path).status_code == 200


def test_an_image_of_a_followers_only_post_is_hidden_from_others(alice, bob, api_client):
    post, path = _posted_image(api_client(alice), visibility="private")
    assert Client().get("/" + path).status_code == 404
    assert api_client(bob).get("/" + path).status_code == 404
    assert api_client(alice).get("/" + path).status_code == 200


def test_an_image_of_a_withheld_post_is_451_in_india_and_200_in_the_us(
    alice, api_client, legal_admin
):
    post, path = _posted_image(api_client(alice))
    withheld = alice.posts.get(id=post["id"])
    do_withhold(post=withheld, countries=["IN"], reason="order", acting_user=legal_admin)
    in_india = Client().get("/" + path, HTTP_X_TEST_COUNTRY="IN")
    assert in_india.status_code == 451
    assert 'rel="blocked-by"' in in_india["Link"]
    assert "withheld in India" in in_india.content.decode()
    in_us = Client().get("/" + path, HTTP_X_TEST_COUNTRY="US")
    assert in_us.status_code == 200
    for answer in (in_india, in_us):
        assert answer["Cache-Control"].startswith("private")
        vary = answer["Vary"].lower()
        assert "cookie" in vary and "authorization" in vary and "x-test-country" in vary


def test_an_image_of_a_withheld_account_is_451_in_india(alice, api_client, legal_admin):
    post, path = _posted_image(api_client(alice))
    do_withhold(account=alice, countries=["IN"], reason="order", acting_user=legal_admin)
    assert Client().get("/" + path, HTTP_X_TEST_COUNTRY="IN").status_code == 451
    assert Client().get("/" + path, HTTP_X_TEST_COUNTRY="US").status_code == 200


def test_an_image_of_a_deleted_post_is_gone(alice, api_client):
    client = api_client(alice)
    post, path = _posted_image(client)
    client.delete(f"/api/v1/statuses/{post['id']}")
    assert Client().get("/" + path).status_code == 404


def test_a_wrong_file_name_or_media_root_path_is_not_served(alice, api_client):
    post, path = _posted_image(api_client(alice))
    media_id = post["media_attachments"][0]["id"]
    assert Client().get(f"/media/{media_id}/other.jpg").status_code == 404
    assert Client().get(f"/media/media/{media_id}/original.jpg").status_code == 404


def test_uploads_left_unattached_for_a_day_are_purged_with_their_files(
    alice, api_client, run_periodic_tasks, settings, django_capture_on_commit_callbacks
):
    client = api_client(alice)
    stale = MediaAttachment.objects.get(id=upload(client).json()["id"])
    kept = upload(client).json()["id"]
    attached = upload(client).json()["id"]
    client.post("/api/v1/statuses", {"status": "kept", "media_ids[]": [attached]})
    old = timezone.now() - timedelta(days=2)
    MediaAttachment.objects.filter(id__in=[stale.id, attached]).update(created_at=old)
    stale_file = settings.MEDIA_ROOT / stale.file.name
    assert stale_file.exists()
    with django_capture_on_commit_callbacks(execute=True):
        run_periodic_tasks()
    assert set(MediaAttachment.objects.values_list("id", flat=True)) == {int(kept), int(attached)}
    assert not stale_file.exists()
    assert AuditEvent.objects.filter(action="media.purge").latest("seq").data["count"] == 1
