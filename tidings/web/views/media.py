"""Account images, served only after ``tidings/visibility`` says the viewer may see the account.

An avatar is part of the account: where the account is withheld it answers 451
(with the notice in ``Link``), where it is hidden 404, like the profile. The
answer depends on who asks and from where, so it is never stored by a shared
cache (``Cache-Control: private``; ``Vary`` names the signals it depends on).
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from tidings.lib.errors import NotFound, TidingsError
from tidings.visibility import access_account
from tidings.web.views.base import error_response

AVATAR_MAX_AGE = 3600


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"private, max-age={AVATAR_MAX_AGE}"
    vary = ["Cookie"]
    if settings.TIDINGS_COUNTRY_HEADER:
        vary.append(settings.TIDINGS_COUNTRY_HEADER)
    patch_vary_headers(response, vary)
    return response


@require_safe
def avatar(request: HttpRequest, account_id: int, name: str) -> HttpResponse:
    """The avatar file of account ``account_id`` if the viewer may see the account."""
    try:
        account = access_account(request.viewer, account_id, by_id=True)  # type: ignore[attr-defined]
        if not account.avatar or PurePosixPath(account.avatar.name).name != name:
            raise NotFound("There is no such image.")
        try:
            file = account.avatar.open("rb")
        except FileNotFoundError:
            raise NotFound("There is no such image.") from None
    except TidingsError as error:
        return _private(error_response(request, error))
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(file, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)
