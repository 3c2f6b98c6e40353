"""The one image pipeline: every uploaded picture (avatars and post images, web and API) goes through it.

Limits, the same at every door:

- at most ``IMAGE_MAX_BYTES`` (8 MB) of upload;
- a PNG, JPEG, GIF or WebP image, judged by its content (Pillow), never by its name;
- at most ``IMAGE_MAX_PIXELS`` (25 megapixels), checked from the header *before*
  any pixel is decoded, so a small file that unpacks to gigabytes (a
  decompression bomb) is refused cheaply.

What is stored is never the upload: the image is turned upright (EXIF
orientation), re-encoded without any metadata (EXIF, GPS, comments, ICC
profiles), and for avatars cropped to a square of ``AVATAR_SIZE`` pixels.
A refusal is ``InvalidInput`` (422) with a message that names the limit.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from tidings.lib.errors import InvalidInput

if TYPE_CHECKING:
    from tidings.social.models import Account

MB = 1024 * 1024
IMAGE_MAX_BYTES = 8 * MB
IMAGE_MAX_PIXELS = 25_000_000
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
AVATAR_SIZE = 400

NOT_AN_IMAGE = "The file is not a PNG, JPEG, GIF or WebP image."


@dataclass(frozen=True)
class StoredImage:
    """A re-encoded image ready to be saved: ``content.name`` carries the right extension."""

    content: ContentFile
    width: int
    height: int


def avatar_path(account: Account) -> str:
    """Where ``account``'s avatar is served (through the visibility check; the name changes per upload)."""
    return f"/avatars/{account.id}/{PurePosixPath(account.avatar.name).name}"


def _size_of(upload: object) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        stream = upload  # a plain file object
        position = stream.tell()  # type: ignore[attr-defined]
        stream.seek(0, io.SEEK_END)  # type: ignore[attr-defined]
        size = stream.tell()  # type: ignore[attr-defined]
        stream.seek(position)  # type: ignore[attr-defined]
    return int(size)


def check_upload_size(upload: object) -> None:
    """Refuse an upload over ``IMAGE_MAX_BYTES`` before opening it."""
    size = _size_of(upload)
    if size > IMAGE_MAX_BYTES:
        raise InvalidInput(
            f"The image is {size / MB:.1f} MB; the limit is {IMAGE_MAX_BYTES // MB} MB."
        )


def open_checked_image(upload: object) -> Image.Image:
    """The upload opened as an image within every limit; its pixels are not decoded yet."""
    check_upload_size(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)  # type: ignore[attr-defined]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our limit is lower
            image = Image.open(upload, formats=IMAGE_FORMATS)  # type: ignore[arg-type]
    except Image.DecompressionBombError:
        raise InvalidInput(_too_many_pixels_message()) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise InvalidInput(NOT_AN_IMAGE) from None
    width, height = image.size
    if width * height > IMAGE_MAX_PIXELS:
        raise InvalidInput(_too_many_pixels_message(width, height))
    if width < 1 or height < 1:
        raise InvalidInput(NOT_AN_IMAGE)
    return image


def _too_many_pixels_message(width: int | None = None, height: int | None = None) -> str:
    limit = f"the limit is {IMAGE_MAX_PIXELS // 1_000_000} megapixels"
    if width is None:
        return f"The image has too many pixels; {limit}."
    return f"The image is {width}x{height} pixels; {limit}."


def prepare_avatar(upload: object) -> StoredImage:
    """The upload as an avatar: upright, square, ``AVATAR_SIZE`` pixels, without metadata.

    Raises ``InvalidInput`` for anything over a limit or not an image.
    """
    image = open_checked_image(upload)
    try:
        if image.format == "JPEG":
            image.draft("RGB", (AVATAR_SIZE * 2, AVATAR_SIZE * 2))  # decode at a fraction of size
        image.seek(0)  # the first frame of an animation
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        raise InvalidInput(NOT_AN_IMAGE) from None
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    square = ImageOps.fit(
        upright.convert("RGBA" if has_alpha else "RGB"),
        (AVATAR_SIZE, AVATAR_SIZE),
        method=Image.Resampling.LANCZOS,
    )
    square.info.clear()  # no EXIF, GPS, ICC profile or comment survives
    out = io.BytesIO()
    if has_alpha:
        square.save(out, format="PNG", optimize=True)
        name = "avatar.png"
    else:
        square.save(out, format="JPEG", quality=88, optimize=True)
        name = "avatar.jpg"
    return StoredImage(ContentFile(out.getvalue(), name=name), AVATAR_SIZE, AVATAR_SIZE)


# -- post media ------------------------------------------------------------------

#: The long side of a post image's preview (Mastodon's "small").
THUMBNAIL_SIZE = 640
#: The long side of the stored original: larger images are scaled down to it.
ORIGINAL_MAX_SIZE = 4096
IMAGE_MIME_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


@dataclass(frozen=True)
class PreparedMedia:
    """A post image as it is stored: the re-encoded original, its preview and their facts."""

    original: StoredImage
    thumbnail: StoredImage
    blurhash: str

    def meta(self) -> dict[str, dict[str, object]]:
        """Mastodon's ``meta``: ``original`` and ``small``, each with size and aspect."""
        return {
            "original": _size_meta(self.original),
            "small": _size_meta(self.thumbnail),
        }


def _size_meta(image: StoredImage) -> dict[str, object]:
    return {
        "width": image.width,
        "height": image.height,
        "size": f"{image.width}x{image.height}",
        "aspect": round(image.width / image.height, 4),
    }


def _encode(image: Image.Image, stem: str, *, alpha: bool) -> StoredImage:
    image.info.clear()  # no EXIF, GPS, XMP, ICC profile or comment survives
    out = io.BytesIO()
    if alpha:
        image.save(out, format="PNG", optimize=True)
        name = f"{stem}.png"
    else:
        image.save(out, format="JPEG", quality=88, optimize=True)
        name = f"{stem}.jpg"
    return StoredImage(ContentFile(out.getvalue(), name=name), image.width, image.height)


def _blurhash(image: Image.Image) -> str:
    import blurhash  # imported here: only uploads need it

    small = image.convert("RGB")
    small.thumbnail((64, 64))
    x, y = (4, 3) if small.width >= small.height else (3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the encoder reads bands by getdata()
        return str(blurhash.encode(small, x_components=x, y_components=y))


def prepare_post_image(upload: object) -> PreparedMedia:
    """The upload as a post image: upright, at most ``ORIGINAL_MAX_SIZE`` on its long side,
    re-encoded without metadata, with a ``THUMBNAIL_SIZE`` preview and a blurhash.

    Raises ``InvalidInput`` for anything over a limit or not an image (the same
    messages as avatars). An animation keeps only its first frame.
    """
    image = open_checked_image(upload)
    try:
        image.seek(0)
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        raise InvalidInput(NOT_AN_IMAGE) from None
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    # A fresh image holds the pixels only: nothing of the upload's info or palette comments.
    pixels = upright.convert("RGBA" if has_alpha else "RGB")
    pixels.thumbnail((ORIGINAL_MAX_SIZE, ORIGINAL_MAX_SIZE), Image.Resampling.LANCZOS)
    preview = pixels.copy()
    preview.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
    return PreparedMedia(
        original=_encode(pixels, "original", alpha=has_alpha),
        thumbnail=_encode(preview, "small", alpha=has_alpha),
        blurhash=_blurhash(preview),
    )
