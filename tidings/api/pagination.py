"""Cursor pagination as Mastodon does it: ``max_id``/``since_id``/``min_id``/``limit`` and a ``Link`` header."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import orjson
from django.http import HttpRequest, HttpResponse
from ninja import Schema

from tidings.social.queries import Cursor

_CURSOR_KEYS = {"max_id", "since_id", "min_id"}


class PageQuery(Schema):
    """Paging parameters: ids are cursors, junk in them is ignored; ``limit`` is clamped to 1..40."""

    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None
    limit: str | None = None


def cursor(request: HttpRequest, *, default_limit: int = 20) -> Cursor:
    return Cursor.from_params(request.GET, default_limit=default_limit)


def _url(request: HttpRequest, **cursor_params: object) -> str:
    kept = [(k, v) for k, v in request.GET.lists() for v in v if k not in _CURSOR_KEYS]
    kept += [(k, str(v)) for k, v in cursor_params.items()]
    return request.build_absolute_uri(request.path) + "?" + urlencode(kept)


def link_header(request: HttpRequest, next_max_id: object, prev_min_id: object) -> str:
    links = []
    if next_max_id is not None:
        links.append(f'<{_url(request, max_id=next_max_id)}>; rel="next"')
    if prev_min_id is not None:
        links.append(f'<{_url(request, min_id=prev_min_id)}>; rel="prev"')
    return ", ".join(links)


def json_response(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS),
        status=status,
        content_type="application/json",
    )


def paged_response(
    request: HttpRequest,
    data: list[Any],
    ids: Sequence[int],
    *,
    next_max_id: object = None,
) -> HttpResponse:
    """``data`` with a Link header: next pages below the last id, prev above the first."""
    response = json_response(data)
    if ids:
        header = link_header(request, next_max_id if next_max_id is not None else ids[-1], ids[0])
        response["Link"] = header
    return response
