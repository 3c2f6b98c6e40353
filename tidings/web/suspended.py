"""What a suspended account may still do on the web: read its moderation notices and appeal them.

A suspended account signs in (``SignInForm``) so that it can contest the
suspension, and this middleware then lets its session reach exactly the pages
named in ``ALLOWED`` (its landing page, its notices and their appeal form, its
list of appeals, signing out); every other page answers 403 (a plain GET is
sent to the landing page instead). The API refuses a suspended account's
tokens outright (``tidings.api.auth``), and visibility hides what it wrote.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse

#: The URL names a suspended account's session may reach.
ALLOWED = frozenset(
    {
        "web:suspended",
        "web:moderation_notice",
        "web:appeals",
        "web:login",
        "web:logout",
    }
)


def _view_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


class SuspendedAccountMiddleware:
    """Confines a suspended account's web session to ``ALLOWED``; after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_suspended:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return self.get_response(request)  # tokens only, never the session: auth refuses it
        if _view_name(request) in ALLOWED:
            return self.get_response(request)
        if request.method == "GET" and request.headers.get("HX-Request") != "true":
            return HttpResponseRedirect(reverse("web:suspended"))
        return render(
            request,
            "web/errors/error.html",
            {
                "status": 403,
                "heading": "Your account is suspended",
                "message": "A suspended account can only read its moderation notices and "
                "appeal them.",
            },
            status=403,
        )
