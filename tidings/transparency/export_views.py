"""Downloads of the public exports: a demand's notice in Lumen's shape."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from tidings.lib.downloads import download_response
from tidings.lib.errors import TidingsError
from tidings.transparency.exports.lumen import lumen_notice
from tidings.transparency.exports.selection import access_exported_demand
from tidings.web.views.base import error_response


@require_GET
def lumen_notice_download(request: HttpRequest, demand_id: str) -> HttpResponse:
    """The public notice of a demand as a Lumen notice (JSON), to keep or to submit to Lumen."""
    try:
        demand = access_exported_demand(demand_id)
    except TidingsError as error:
        return error_response(request, error)
    body = json.dumps(lumen_notice(demand, timezone.now()), ensure_ascii=False, indent=2)
    return download_response(
        body.encode() + b"\n",
        filename=f"lumen-notice-{demand.id}.json",
        content_type="application/json",
    )
