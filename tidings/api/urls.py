"""URLs of the client API: every path answers with and without a trailing slash."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, re_path
from django.views.decorators.http import require_http_methods

from tidings.api.api import api, openapi_json
from tidings.api.apps_oauth import AuthorizeView, sign_in
from tidings.api.errors import error_response
from tidings.api.streaming import streaming_redirect
from tidings.lib.errors import TidingsError
from tidings.social.actions.registration import account_for_confirmation, do_confirm_email


def _with_and_without_slash(patterns: list) -> list[URLPattern]:
    result = []
    for pattern in patterns:
        route = str(pattern.pattern)
        if not route:
            continue  # ninja's API root would shadow the web home page
        result.append(pattern)
        if not route.endswith("/"):
            result.append(path(route + "/", pattern.callback, name=f"{pattern.name}-slash"))
    return result


@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest) -> HttpResponse:
    """The link mailed at sign-up: GET shows a Confirm button, its POST makes the token work.

    Opening the link changes nothing, so mail scanners that fetch links confirm nothing.
    """
    token = request.POST.get("confirmation_token") or request.GET.get("confirmation_token", "")
    try:
        account = account_for_confirmation(token)
    except TidingsError as error:
        return render(request, "oauth/confirmed.html", {"error": error.message}, status=404)
    if request.method == "GET":
        context = {"account": account, "token": token, "confirmed": False}
        return render(request, "oauth/confirmed.html", context)
    do_confirm_email(account, acting_user=account)
    return render(request, "oauth/confirmed.html", {"account": account, "confirmed": True})


def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(404, "Record not found")


ninja_patterns, _, _ = api.urls
urlpatterns = [
    path("oauth/authorize", AuthorizeView.as_view(), name="oauth-authorize"),
    path("oauth/authorize/", AuthorizeView.as_view()),
    path("oauth/sign_in", sign_in, name="oauth-sign-in"),
    path("auth/confirmation", confirm_email, name="api-confirm-email"),
    path("api/openapi.json", openapi_json, name="api-openapi"),
    *_with_and_without_slash(ninja_patterns),
    re_path(r"^api/v1/streaming(?P<rest>/.*)?$", streaming_redirect, name="api-streaming"),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
]
