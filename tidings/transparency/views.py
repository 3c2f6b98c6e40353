"""Public notice pages (the target of ``Link: <…>; rel="blocked-by"`` on every 451 answer) and the audit checkpoints."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tidings.audit.checkpoints import ALGORITHM, read_checkpoints_newest_first
from tidings.audit.keys import load_audit_key
from tidings.lib.countries import country_name
from tidings.lib.errors import TidingsError
from tidings.transparency.queries import access_public_notice, access_withholding_notice
from tidings.web.views.base import error_response


def demand_notice(request: HttpRequest, demand_id: str) -> HttpResponse:
    try:
        notice = access_public_notice(demand_id)
    except TidingsError as error:
        return error_response(request, error)
    return render(
        request,
        "transparency/demand_notice.html",
        {"notice": notice, "country": country_name(notice.demand.country)},
    )


def withholding_notice(request: HttpRequest, withholding_id: str) -> HttpResponse:
    try:
        withholding = access_withholding_notice(withholding_id)
    except TidingsError as error:
        return error_response(request, error)
    places = ", ".join(country_name(c) for c in withholding.countries)
    return render(
        request,
        "transparency/withholding_notice.html",
        {"withholding": withholding, "places": places},
    )


CHECKPOINTS_DEFAULT_LIMIT, CHECKPOINTS_MAX_LIMIT = 100, 1000


@require_GET
def audit_checkpoints(request: HttpRequest) -> JsonResponse:
    """The signed checkpoints of the audit log, newest first (``?limit=``, at most 1000).

    Anyone may keep copies and later check, with ``public_key`` alone, that the log
    still holds every event they name (``tidings audit verify --checkpoints FILE``).
    """
    raw_limit = request.GET.get("limit", str(CHECKPOINTS_DEFAULT_LIMIT))
    if not (
        raw_limit.isascii()
        and raw_limit.isdigit()
        and len(raw_limit) <= 4
        and 1 <= int(raw_limit) <= CHECKPOINTS_MAX_LIMIT
    ):
        return JsonResponse(
            {"error": f"limit must be a whole number from 1 to {CHECKPOINTS_MAX_LIMIT}"},
            status=400,
        )
    key = load_audit_key()
    try:
        checkpoints = read_checkpoints_newest_first(limit=int(raw_limit))
    except ValueError:
        return JsonResponse({"error": "the checkpoint file is damaged"}, status=503)
    return JsonResponse(
        {
            "algorithm": ALGORITHM,
            "public_key": key.public_key_b64 if key else None,
            "checkpoints": [checkpoint.as_json() for checkpoint in checkpoints],
        }
    )
