"""The images of a post named in a demand, shown to desk staff as evidence.

Staff review what was ordered blocked, wherever they are and whether or not it
is withheld there (as they read its text): the image is served only through
the demand and its item, to whoever may open the demand, and only if it
belongs to the item's post. Nothing here is cached anywhere (``no-store``).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.http import FileResponse, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from tidings.legal.queries import access_demand, access_demand_item
from tidings.lib.errors import NotFound, TidingsError
from tidings.lib.security_headers import UPLOADED_IMAGE_POLICY
from tidings.social.models import MediaAttachment
from tidings.web.views.base import error_response, sign_in_required, signed_in
from tidings.web.views.post_media import CONTENT_TYPES


@require_safe
@sign_in_required
def evidence_image(
    request: HttpRequest, demand_id: int, item_id: int, media_id: int, name: str
) -> HttpResponse:
    """Image ``media_id`` of the post of item ``item_id`` of demand ``demand_id``, for desk staff."""
    try:
        demand = access_demand(demand_id, acting_user=signed_in(request))
        item = access_demand_item(demand, item_id)
        media = MediaAttachment.objects.filter(id=media_id, post_id=item.post_id).first()
        if item.post_id is None or media is None:
            raise NotFound("There is no such image in this item.")
        stored = next(
            (f for f in (media.file, media.thumbnail) if f and PurePosixPath(f.name).name == name),
            None,
        )
        if stored is None:
            raise NotFound("There is no such image in this item.")
        try:
            file = stored.open("rb")
        except FileNotFoundError:
            raise NotFound("There is no such image in this item.") from None
    except TidingsError as error:
        response = error_response(request, error)
        response["Cache-Control"] = "no-store"
        return response
    response = FileResponse(
        file, content_type=CONTENT_TYPES.get(PurePosixPath(name).suffix, "application/octet-stream")
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = UPLOADED_IMAGE_POLICY
    return response
