"""Media: upload an image (v1 and v2), read and describe one's own uploads.

Uploads are processed at once (no asynchronous 202): the answer carries the
final URLs. Only the owner may read or change an upload through these
endpoints; once attached, an image is served to whoever may see its post.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from tidings.api.auth import require_user
from tidings.api.errors import ApiError
from tidings.api.pagination import json_response
from tidings.api.params import parse, request_params
from tidings.api.serializers import Serializer
from tidings.social.actions import do_describe_media, do_upload_media
from tidings.visibility import access_own_media

router = Router(tags=["media"])


class MediaIn(Schema):
    description: str = ""
    focus: str | None = None


class MediaUpdateIn(Schema):
    description: str | None = None
    focus: str | None = None


def _upload_doc() -> dict[str, object]:
    schema = {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "description": {"type": "string", "maxLength": 1500},
            "focus": {"type": "string", "description": "x,y between -1 and 1"},
        },
    }
    return {"requestBody": {"content": {"multipart/form-data": {"schema": schema}}}}


def _upload(request: HttpRequest) -> HttpResponse:
    auth = require_user(request, "write:media")
    data = parse(request, MediaIn)
    upload = request_params(request)["_files"].get("file")
    if upload is None:
        raise ApiError(422, "Validation failed: File is missing (send it as multipart 'file')")
    media = do_upload_media(
        upload, acting_user=auth.account, description=data.description, focus=data.focus
    )
    return json_response(Serializer(request, auth.viewer).media_attachment(media))


@router.post("/api/v2/media", openapi_extra=_upload_doc(), summary="Upload an image")
def upload_v2(request: HttpRequest) -> HttpResponse:
    return _upload(request)


@router.post("/api/v1/media", openapi_extra=_upload_doc(), summary="Upload an image (v1)")
def upload_v1(request: HttpRequest) -> HttpResponse:
    return _upload(request)


@router.get("/api/v1/media/{media_id}", summary="One of your uploads")
def get_media(request: HttpRequest, media_id: str) -> HttpResponse:
    auth = require_user(request, "write:media")
    media = access_own_media(auth.account, media_id)
    return json_response(Serializer(request, auth.viewer).media_attachment(media))


@router.put("/api/v1/media/{media_id}", summary="Describe one of your uploads")
def update_media(request: HttpRequest, media_id: str) -> HttpResponse:
    auth = require_user(request, "write:media")
    data = parse(request, MediaUpdateIn)
    media = access_own_media(auth.account, media_id)
    media = do_describe_media(
        media, acting_user=auth.account, description=data.description, focus=data.focus
    )
    return json_response(Serializer(request, auth.viewer).media_attachment(media))
