"""Resolves the viewer once per request and puts it on ``request.viewer``."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tidings.visibility.viewer import viewer_for_account


def request_countries(request: HttpRequest) -> frozenset[str]:
    """Countries the request is seen from, from the configured header (GeoIP comes with the legal desk)."""
    header = getattr(settings, "TIDINGS_COUNTRY_HEADER", "")
    if not header:
        return frozenset()
    value = request.headers.get(header, "")
    return frozenset(c.strip().upper() for c in value.split(",") if len(c.strip()) == 2)


class ViewerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        account = user if user is not None and user.is_authenticated else None
        request.viewer = viewer_for_account(account, request_countries(request))  # type: ignore[attr-defined]
        return self.get_response(request)
