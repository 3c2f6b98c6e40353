"""Resolves the viewer once per request and puts it on ``request.viewer``."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tidings.visibility.country import request_countries
from tidings.visibility.viewer import viewer_for_account

__all__ = ["ViewerMiddleware", "request_countries"]


class ViewerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        account = user if user is not None and user.is_authenticated else None
        request.viewer = viewer_for_account(account, request_countries(request))  # type: ignore[attr-defined]
        return self.get_response(request)
