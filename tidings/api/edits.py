"""A status's edit history and its source text, for whoever may see the status."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from tidings.api.auth import optional_auth, require_user
from tidings.api.pagination import json_response
from tidings.api.serializers import Serializer
from tidings.social.edits import post_versions
from tidings.visibility import access_post

router = Router(tags=["statuses"])


@router.get("/api/v1/statuses/{status_id}/history", summary="Every version of a status")
def status_history(request: HttpRequest, status_id: str) -> HttpResponse:
    """StatusEdit objects, oldest first (one for a status never edited); 451 where withheld."""
    auth = optional_auth(request, "read:statuses")
    post = access_post(auth.viewer, status_id)
    ser = Serializer(request, auth.viewer)
    return json_response([ser.status_edit(post, v) for v in post_versions(post)])


@router.get("/api/v1/statuses/{status_id}/source", summary="A status's text as written")
def status_source(request: HttpRequest, status_id: str) -> HttpResponse:
    """The plain text to edit (StatusSource); 451 where withheld."""
    auth = require_user(request, "read:statuses")
    post = access_post(auth.viewer, status_id)
    return json_response({"id": str(post.id), "text": post.text, "spoiler_text": ""})
