"""The image pipeline for post images: what is stored carries no metadata, and refusals match avatars'."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.lib.test_images import bomb_png, jpeg_with_gps_rotated, png_bytes, upload
from tidings.lib.errors import InvalidInput
from tidings.lib.images import (
    IMAGE_MAX_BYTES,
    NOT_AN_IMAGE,
    ORIGINAL_MAX_SIZE,
    THUMBNAIL_SIZE,
    prepare_avatar,
    prepare_post_image,
)


def _open(stored) -> Image.Image:
    return Image.open(io.BytesIO(stored.content.read()))


def test_a_gps_tagged_jpeg_is_stored_upright_without_exif_or_gps():
    prepared = prepare_post_image(upload(jpeg_with_gps_rotated(), "trip.jpg"))
    for stored in (prepared.original, prepared.thumbnail):
        data = stored.content.read()
        stored.content.seek(0)
        assert b"Exif" not in data and b"GPS" not in data
        with _open(stored) as image:
            assert image.format == "JPEG"
            assert not image.getexif()
            assert image.size == (30, 60)  # EXIF said "rotate 90°": turned upright
    assert prepared.meta()["original"] == {
        "width": 30,
        "height": 60,
        "size": "30x60",
        "aspect": 0.5,
    }


def test_xmp_icc_and_comments_do_not_survive():
    out = io.BytesIO()
    image = Image.new("RGB", (40, 40), "navy")
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">home address</x:xmpmeta>'
    image.save(out, "JPEG", icc_profile=b"ICCPROFILE-secret", comment=b"shot at home", xmp=xmp)
    assert b"home address" in out.getvalue()
    prepared = prepare_post_image(upload(out.getvalue(), "x.jpg"))
    stored = prepared.original.content.read()
    for secret in (b"ICCPROFILE-secret", b"shot at home", b"home address", b"xmpmeta"):
        assert secret not in stored


def test_a_large_image_gets_a_640_pixel_preview_and_the_ratio_is_kept():
    prepared = prepare_post_image(upload(png_bytes(2000, 1000), "wide.png"))
    assert prepared.meta()["small"]["width"] == THUMBNAIL_SIZE
    assert prepared.meta()["small"]["height"] == THUMBNAIL_SIZE // 2
    assert prepared.meta()["original"]["aspect"] == 2.0
    assert prepared.original.content.name == "original.jpg"
    assert prepared.thumbnail.content.name == "small.jpg"


def test_a_very_large_image_is_scaled_down_to_the_stored_maximum():
    prepared = prepare_post_image(upload(png_bytes(ORIGINAL_MAX_SIZE + 904, 100), "pano.png"))
    assert prepared.meta()["original"]["width"] == ORIGINAL_MAX_SIZE


def test_a_transparent_image_stays_a_png():
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(out, "PNG")
    prepared = prepare_post_image(upload(out.getvalue(), "cut.png"))
    assert prepared.original.content.name == "original.png"


def test_every_image_gets_a_blurhash():
    prepared = prepare_post_image(upload(png_bytes(64, 48, "orange"), "o.png"))
    assert 6 <= len(prepared.blurhash) <= 40


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bomb_png(), "too many pixels"),
        (b"GIF89a but not really", NOT_AN_IMAGE),
        (b"%PDF-1.4 a document", NOT_AN_IMAGE),
        (b"\x00" * 100, NOT_AN_IMAGE),
        (b"x" * (IMAGE_MAX_BYTES + 1), "the limit is 8 MB"),
    ],
    ids=["decompression bomb", "wrong type", "pdf", "nul bytes", "over 8 MB"],
)
def test_refusals_are_the_same_as_for_avatars(data, message):
    with pytest.raises(InvalidInput) as post_refusal:
        prepare_post_image(upload(data, "x.png"))
    with pytest.raises(InvalidInput) as avatar_refusal:
        prepare_avatar(upload(data, "x.png"))
    assert message.lower() in post_refusal.value.message.lower()
    assert post_refusal.value.message == avatar_refusal.value.message
    assert post_refusal.value.status == 422
