"""Read markers (``/api/v1/markers``): where the caller stopped reading home and notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from tidings.api.auth import require_user
from tidings.api.pagination import json_response
from tidings.api.params import body_doc, request_params
from tidings.api.serializers import iso
from tidings.lib.errors import InvalidInput
from tidings.social.actions import do_save_markers
from tidings.social.models import Marker, MarkerTimeline

router = Router(tags=["markers"])


def marker_entity(marker: Marker) -> dict[str, Any]:
    """Mastodon's Marker entity."""
    return {
        "last_read_id": str(marker.last_read_id),
        "version": marker.version,
        "updated_at": iso(marker.updated_at),
    }


class MarkersQuery(Schema):
    timeline: list[str] = []


@router.get("/api/v1/markers", summary="Read markers of the timelines asked for (timeline[])")
def get_markers(request: HttpRequest, query: Query[MarkersQuery]) -> HttpResponse:
    """Only timelines with a saved marker appear, keyed by timeline; unknown names are ignored."""
    auth = require_user(request, "read:statuses")
    wanted = set(query.timeline)
    markers = Marker.objects.filter(
        account=auth.account, timeline__in=wanted & set(MarkerTimeline.values)
    )
    return json_response({m.timeline: marker_entity(m) for m in markers})


class MarkerIn(Schema):
    last_read_id: str


class MarkersIn(Schema):
    home: MarkerIn | None = None
    notifications: MarkerIn | None = None


def _positions(request: HttpRequest) -> dict[str, int]:
    """``{timeline: last_read_id}`` from a JSON body or ``home[last_read_id]=`` form fields."""
    params = request_params(request)
    positions: dict[str, int] = {}
    for timeline in MarkerTimeline.values:
        value = params.get(timeline)
        raw = value.get("last_read_id") if isinstance(value, dict) else None
        if raw is None:
            raw = request.POST.get(f"{timeline}[last_read_id]")
        if raw is None:
            continue
        try:
            positions[timeline] = int(str(raw).strip())
        except ValueError:
            raise InvalidInput(f"Validation failed: {timeline}.last_read_id is not an id") from None
        if not 0 <= positions[timeline] < 2**63:
            raise InvalidInput(f"Validation failed: {timeline}.last_read_id is not an id")
    return positions


@router.post("/api/v1/markers", openapi_extra=body_doc(MarkersIn), summary="Save read markers")
def save_markers(request: HttpRequest) -> HttpResponse:
    """Saving the notifications marker marks the notifications up to it read."""
    auth = require_user(request, "write:statuses")
    saved = do_save_markers(_positions(request), acting_user=auth.account)
    return json_response({timeline: marker_entity(m) for timeline, m in saved.items()})
