"""What a suspended account may still do on the web: read its moderation notices and appeal them.

A suspended account signs in (``SignInForm``) so that it can contest the
suspension, and this middleware then lets its session reach exactly the pages
named in ``ALLOWED`` (its landing page, its notices and their appeal form, its
list of appeals, signing out); every other page answers 403 (a plain GET is
sent to the landing page instead). Views marked ``never_as_account`` (the health
check) act as no one, so the session is not even loaded for them: a cookie costs
nothing there. The API refuses a suspended account's
tokens outright (``tidings.api.auth``), and visibility hides what it wrote.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

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


def never_as_account(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Marks a view that reads no account and acts as no one (no session lookup for it)."""
    view.never_as_account = True  # type: ignore[attr-defined]
    return view


class SuspendedAccountMiddleware:
    """Confines a suspended account's web session to ``ALLOWED``; after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        if getattr(view, "never_as_account", False):
            return None
        if request.path_info.startswith("/api/"):
            return None  # tokens only, never the session (auth refuses it): none loaded
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_suspended:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED:
            return None
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
