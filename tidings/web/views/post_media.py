"""Post images, served only after ``tidings/visibility`` says the viewer may see their post.

An image is part of its post: hidden where the post is hidden (404), 451 with
the notice in ``Link`` where the post or its author is withheld for the viewer,
and its owner's alone until attached. The viewer is the session's, or the
bearer token's when a client sends one. The answer depends on who asks and
from where, so no shared cache may keep it (``Cache-Control: private``, ``Vary``
on the cookie, the token and the country signal), and a browser asks again
each time, so a withholding applies at once.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from tidings.api.auth import api_auth
from tidings.lib.errors import NotFound, TidingsError
from tidings.lib.security_headers import UPLOADED_IMAGE_POLICY
from tidings.visibility import Viewer, access_media
from tidings.web.views.base import error_response

CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-cache"
    vary = ["Cookie", "Authorization"]
    if settings.TIDINGS_COUNTRY_HEADER:
        vary.append(settings.TIDINGS_COUNTRY_HEADER)
    patch_vary_headers(response, vary)
    return response


def _viewer(request: HttpRequest) -> Viewer:
    if request.headers.get("Authorization"):
        return api_auth(request).viewer
    return request.viewer  # type: ignore[attr-defined]


@require_safe
def post_image(request: HttpRequest, media_id: int, name: str) -> HttpResponse:
    """The image (``original.*``) or its preview (``small.*``) if the viewer may see it."""
    try:
        media = access_media(_viewer(request), media_id)
        stored = next(
            (f for f in (media.file, media.thumbnail) if f and PurePosixPath(f.name).name == name),
            None,
        )
        if stored is None:
            raise NotFound("There is no such image.")
        try:
            file = stored.open("rb")
        except FileNotFoundError:
            raise NotFound("There is no such image.") from None
    except TidingsError as error:
        return _private(error_response(request, error))
    content_type = CONTENT_TYPES.get(PurePosixPath(name).suffix, "application/octet-stream")
    response = FileResponse(file, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = UPLOADED_IMAGE_POLICY
    return _private(response)
