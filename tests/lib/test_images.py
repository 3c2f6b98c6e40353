"""The image pipeline, and both avatar doors (web settings form and API) giving the same answers."""

from __future__ import annotations

import io
import struct
import zlib

import orjson
import pytest
from django.test import Client
from PIL import Image

from tidings.lib.errors import InvalidInput
from tidings.lib.images import AVATAR_SIZE, IMAGE_MAX_BYTES, prepare_avatar

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def png_bytes(width: int = 32, height: int = 16, colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid PNG header claiming ``width`` x ``height`` pixels, with a tiny compressed body."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * (width // 8 + 1) * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def jpeg_with_gps_rotated() -> bytes:
    """A 60x30 JPEG whose EXIF says "rotate 90°" and carries a GPS position."""
    image = Image.new("RGB", (60, 30), "red")
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (28.0, 36.0, 50.0), 3: "E", 4: (77.0, 12.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(data: bytes, name: str = "me.png") -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


# -- the pipeline --------------------------------------------------------------


def test_a_decompression_bomb_is_refused_before_its_pixels_are_decoded():
    with pytest.raises(InvalidInput, match="too many pixels; the limit is 25 megapixels"):
        prepare_avatar(upload(bomb_png()))


def test_an_image_over_25_megapixels_is_refused_naming_its_size():
    with pytest.raises(InvalidInput, match="6000x5000 pixels; the limit is 25 megapixels"):
        prepare_avatar(upload(bomb_png(6000, 5000)))


def test_an_image_over_8_mb_is_refused_by_its_size():
    oversized = png_bytes() + b"\x00" * IMAGE_MAX_BYTES
    with pytest.raises(InvalidInput, match="the limit is 8 MB"):
        prepare_avatar(upload(oversized))


def test_a_text_file_named_png_is_not_an_image():
    with pytest.raises(InvalidInput, match="not a PNG, JPEG, GIF or WebP image"):
        prepare_avatar(upload(b"<svg onload=alert(1)>", "me.png"))


def test_exif_and_gps_are_stripped_and_the_orientation_applied():
    stored = prepare_avatar(upload(jpeg_with_gps_rotated(), "me.jpg"))
    data = stored.content.read()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (AVATAR_SIZE, AVATAR_SIZE)
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"Exif" not in data


def test_a_wide_avatar_is_cropped_to_a_square_and_keeps_transparency():
    out = io.BytesIO()
    Image.new("RGBA", (900, 300), (0, 0, 0, 0)).save(out, "PNG")
    stored = prepare_avatar(upload(out.getvalue()))
    with Image.open(stored.content) as image:
        assert image.size == (AVATAR_SIZE, AVATAR_SIZE)
        assert image.mode == "RGBA"
    assert stored.content.name == "avatar.png"


# -- both doors ------------------------------------------------------------------

CASES = {
    "bomb": (bomb_png(), "The image has too many pixels; the limit is 25 megapixels."),
    "not an image": (b"GIF89a but not really", "The file is not a PNG, JPEG, GIF or WebP image."),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_web_form_and_the_api_refuse_an_avatar_with_the_same_message(
    case, alice, token_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    data, message = CASES[case]
    api = Client(headers={"Authorization": f"Bearer {token_for(alice)}"})
    api_answer = api.patch(
        "/api/v1/accounts/update_credentials",
        data=_multipart("avatar", "me.png", data),
        content_type="multipart/form-data; boundary=B",
    )
    assert api_answer.status_code == 422
    assert orjson.loads(api_answer.content) == {"error": message}

    web = Client()
    web.force_login(alice)
    web_answer = web.post("/settings/profile", {"country": "", "avatar": upload(data)})
    assert web_answer.status_code == 422
    assert message in web_answer.content.decode()
    alice.refresh_from_db()
    assert not alice.avatar


def test_an_oversized_avatar_gets_the_same_422_through_the_api_and_the_form(
    alice, token_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    data = png_bytes() + b"\x00" * (IMAGE_MAX_BYTES + 1)
    api = Client(headers={"Authorization": f"Bearer {token_for(alice)}"})
    api_answer = api.post(
        "/api/v1/accounts/update_credentials",
        {"avatar": upload(data)},
        REQUEST_METHOD="PATCH",
    )
    assert api_answer.status_code == 422
    message = orjson.loads(api_answer.content)["error"]
    assert message.endswith("the limit is 8 MB.")
    web = Client()
    web.force_login(alice)
    web_answer = web.post("/settings/profile", {"country": "", "avatar": upload(data)})
    assert web_answer.status_code == 422
    assert message in web_answer.content.decode()


def test_an_api_avatar_is_stored_re_encoded_and_square(alice, token_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    api = Client(headers={"Authorization": f"Bearer {token_for(alice)}"})
    answer = api.patch(
        "/api/v1/accounts/update_credentials",
        data=_multipart("avatar", "me.jpg", jpeg_with_gps_rotated()),
        content_type="multipart/form-data; boundary=B",
    )
    assert answer.status_code == 200
    alice.refresh_from_db()
    with alice.avatar.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (AVATAR_SIZE, AVATAR_SIZE)
        assert not image.getexif()
    assert orjson.loads(answer.content)["avatar"].endswith(
        f"/avatars/{alice.id}/{alice.avatar.name.rsplit('/', 1)[-1]}"
    )


def _multipart(field: str, filename: str, data: bytes) -> bytes:
    return (
        b'--B\r\nContent-Disposition: form-data; name="'
        + field.encode()
        + b'"; filename="'
        + filename.encode()
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + data
        + b"\r\n--B--\r\n"
    )
