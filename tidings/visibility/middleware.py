"""Resolves the viewer once per request and puts it on ``request.viewer``."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from tidings.visibility.country import request_countries
from tidings.visibility.viewer import Viewer, viewer_for_account

__all__ = ["ViewerMiddleware", "request_countries"]


def _resolve_viewer(request: HttpRequest) -> Viewer:
    user = getattr(request, "user", None)
    account = user if user is not None and user.is_authenticated else None
    return viewer_for_account(account, request_countries(request))


class ViewerMiddleware:
    """``request.viewer`` is built on first use, so a request that never asks who is looking
    (``/healthz``, static answers) loads neither its session nor its account."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.viewer = SimpleLazyObject(lambda: _resolve_viewer(request))  # type: ignore[attr-defined]
        return self.get_response(request)
