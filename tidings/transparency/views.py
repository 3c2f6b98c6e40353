"""Public notice pages: the target of ``Link: <…>; rel="blocked-by"`` on every 451 answer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
