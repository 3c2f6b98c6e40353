"""Posting images from the web composer, and how cards show them."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.lib.test_images import bomb_png, jpeg_with_gps_rotated, png_bytes
from tests.web.conftest import HTMX, page_text
from tidings.social.actions import do_follow
from tidings.social.models import MediaAttachment, Post


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _photo(name: str = "field.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or jpeg_with_gps_rotated(), content_type="image/jpeg")


def test_the_composer_offers_four_image_slots_each_with_an_alt_text_field(signed_in, alice):
    page = page_text(signed_in(alice).get("/compose"))
    assert 'enctype="multipart/form-data"' in page
    for slot in range(1, 5):
        assert f'name="image_{slot}"' in page
        assert f"Description of image {slot} (alt text)" in page
    assert 'name="image_5"' not in page


def test_two_described_photos_are_posted_and_a_follower_sees_them_with_their_alt_text(
    signed_in, alice, bob, run_on_commit
):
    do_follow(alice, acting_user=bob)
    with run_on_commit():
        response = signed_in(alice).post(
            "/compose",
            {
                "text": "Two photos from the march",
                "visibility": "public",
                "image_1": _photo("one.jpg"),
                "alt_1": "Tractors lined up on the highway",
                "image_2": _photo("two.png", png_bytes(80, 40)),
                "alt_2": "A crowd holding <banners>",
            },
        )
    assert response.status_code == 302
    post = Post.objects.get(author=alice)
    media = list(post.media_attachments.order_by("position"))
    assert [m.description for m in media] == [
        "Tractors lined up on the highway",
        "A crowd holding <banners>",
    ]
    home = page_text(signed_in(bob).get("/"))
    assert 'alt="Tractors lined up on the highway"' in home
    assert 'alt="A crowd holding &lt;banners&gt;"' in home
    assert f'<a href="/media/{media[0].id}/original.jpg">' in home
    assert f'src="/media/{media[1].id}/small.jpg"' in home
    full = signed_in(bob).get(f"/media/{media[0].id}/original.jpg")
    assert full.status_code == 200 and full["Content-Type"] == "image/jpeg"


def test_a_photo_without_alt_text_is_posted_with_a_visible_reminder(signed_in, alice):
    client = signed_in(alice)
    response = client.post(
        "/compose",
        {"text": "No words", "visibility": "public", "image_1": _photo()},
        **HTMX,
    )
    assert response.status_code == 200
    body = page_text(response)
    assert 'role="status"' in body
    assert "Posted, but 1 image has no description" in body
    assert Post.objects.get(author=alice).media_attachments.count() == 1
    without_js = client.post(
        "/compose",
        {"text": "Again", "visibility": "public", "image_1": _photo(), "image_3": _photo()},
        follow=True,
    )
    assert "2 images have no description" in page_text(without_js)


def test_a_described_photo_gets_no_reminder(signed_in, alice):
    response = signed_in(alice).post(
        "/compose",
        {"text": "Words", "visibility": "public", "image_1": _photo(), "alt_1": "A field"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Posted, but" not in page_text(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bomb_png(), "The image has too many pixels; the limit is 25 megapixels."),
        (b"plain text", "The file is not a PNG, JPEG, GIF or WebP image."),
    ],
)
def test_a_refused_image_is_a_422_with_the_pipelines_message_and_nothing_is_posted(
    signed_in, alice, data, message
):
    response = signed_in(alice).post(
        "/compose",
        {"text": "Keep my words", "visibility": "public", "image_1": _photo("x.png", data)},
    )
    assert response.status_code == 422
    body = page_text(response)
    assert message in body
    assert "Keep my words" in body
    assert not Post.objects.filter(author=alice).exists()
    assert not MediaAttachment.objects.exists()


def test_a_megabyte_alt_text_is_refused_and_a_nul_byte_is_a_400(signed_in, alice):
    client = signed_in(alice)
    long = client.post(
        "/compose",
        {"text": "t", "visibility": "public", "image_1": _photo(), "alt_1": "x" * 1_000_000},
    )
    assert long.status_code == 422
    assert "A description is at most 1500 characters" in page_text(long)
    nul = client.post(
        "/compose", {"text": "t", "visibility": "public", "image_1": _photo(), "alt_1": "a\x00"}
    )
    assert nul.status_code == 400
    assert not MediaAttachment.objects.exists()


def test_a_post_of_images_alone_is_allowed(signed_in, alice):
    response = signed_in(alice).post(
        "/compose", {"text": "", "visibility": "public", "image_1": _photo(), "alt_1": "A field"}
    )
    assert response.status_code == 302
    assert Post.objects.get(author=alice).media_attachments.count() == 1


def test_an_image_of_a_followers_only_post_is_not_shown_to_strangers(signed_in, alice, bob):
    signed_in(alice).post(
        "/compose",
        {"text": "friends", "visibility": "followers", "image_1": _photo(), "alt_1": "x"},
    )
    media = MediaAttachment.objects.get()
    stranger = Client()
    stranger.force_login(bob)
    assert stranger.get(f"/media/{media.id}/original.jpg").status_code == 404
    assert Client().get(f"/media/{media.id}/small.jpg").status_code == 404
    stored = io.BytesIO(b"".join(signed_in(alice).get(f"/media/{media.id}/small.jpg")))
    assert stored.getvalue()[:2] == b"\xff\xd8"
