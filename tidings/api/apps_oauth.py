"""App registration, the OAuth endpoints (token, revoke, authorize with its sign-in page) and their metadata."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import orjson
from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.datastructures import MultiValueDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from ninja import Router, Schema
from ninja.decorators import decorate_view
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.views import AuthorizationView, RevokeTokenView, TokenView

from tidings.api import scopes as scope_rules
from tidings.api.actions import OOB, do_create_app
from tidings.api.auth import check_account_usable, require_app
from tidings.api.errors import ApiError
from tidings.api.models import ClientApp
from tidings.api.oauth import enabled_grant_types, registered_scopes, without_admin_scopes
from tidings.api.pagination import json_response
from tidings.api.params import as_bool, body_doc, parse, request_params
from tidings.api.ratelimit import by_ip, limit_password_attempts, rate_limit, uses_password_grant
from tidings.api.serializers import base_url
from tidings.lib.errors import InvalidInput, TidingsError

router = Router(tags=["oauth"])


class AppIn(Schema):
    client_name: str = ""
    redirect_uris: str | list[str] = OOB
    scopes: str | None = None
    website: str | None = None


def _app_json(app: ClientApp, secret: str | None = None) -> dict[str, Any]:
    application = app.application
    uris = application.redirect_uris.split()
    data: dict[str, Any] = {
        "id": str(application.id),
        "name": application.name,
        "website": app.website or None,
        "scopes": app.scopes.split(),
        "redirect_uri": "\n".join(uris),
        "redirect_uris": uris,
        "vapid_key": "",
    }
    if secret is not None:
        data |= {
            "client_id": application.client_id,
            "client_secret": secret,
            "client_secret_expires_at": 0,
        }
    return data


@router.post("/api/v1/apps", openapi_extra=body_doc(AppIn), summary="Register an application")
def create_app(request: HttpRequest) -> HttpResponse:
    data = parse(request, AppIn)
    new = do_create_app(
        data.client_name,
        redirect_uris=data.redirect_uris,
        scopes=data.scopes,
        website=data.website or "",
        acting_user=None,
    )
    return json_response(_app_json(new.app, new.client_secret))


@router.get("/api/v1/apps/verify_credentials", summary="The calling application")
def verify_app(request: HttpRequest) -> HttpResponse:
    auth = require_app(request)
    app = (
        ClientApp.objects.select_related("application")
        .filter(application_id=auth.token.application_id)
        .first()
    )
    if app is None:
        raise ApiError(404, "Record not found")
    return json_response(_app_json(app))


class TokenIn(Schema):
    grant_type: str
    client_id: str | None = None
    client_secret: str | None = None
    code: str | None = None
    redirect_uri: str | None = None
    username: str | None = None
    password: str | None = None
    refresh_token: str | None = None
    scope: str | None = None


def _form_value(key: str, value: object) -> str:
    """A JSON value as form text: lists (of scopes) joined by spaces; objects refused."""
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return " ".join(str(v) for v in value)
    if isinstance(value, list | dict):
        raise InvalidInput(f"Validation failed: {key} must be a string")
    return str(value)


def _as_form(request: HttpRequest) -> None:
    """Let django-oauth-toolkit read a JSON body as if it were a form."""
    if request.content_type == "application/json":
        form = QueryDict(mutable=True)
        for key, value in request_params(request).items():
            if key != "_files" and value is not None:
                form[key] = _form_value(key, value)
        request._post = form  # type: ignore[attr-defined]
        request._files = MultiValueDict()  # type: ignore[attr-defined]


@router.post("/oauth/token", openapi_extra=body_doc(TokenIn), summary="Obtain a token")
@decorate_view(rate_limit("password_grant", by_ip, when=uses_password_grant))
def token(request: HttpRequest) -> HttpResponse:
    _as_form(request)
    if request.POST.get("grant_type") not in enabled_grant_types():
        return json_response(
            {
                "error": "unsupported_grant_type",
                "error_description": "The authorization grant type is not supported.",
            },
            status=400,
        )
    response = TokenView.as_view()(request)
    if response.status_code == 200:
        data = orjson.loads(response.content)
        data["created_at"] = int(time.time())
        data.setdefault("scope", "")
        return json_response(data)
    return response


class RevokeIn(Schema):
    client_id: str
    client_secret: str
    token: str


@router.post("/oauth/revoke", openapi_extra=body_doc(RevokeIn), summary="Revoke a token")
def revoke(request: HttpRequest) -> HttpResponse:
    _as_form(request)
    response = RevokeTokenView.as_view()(request)
    if response.status_code == 200:
        return json_response({})
    if not response.content:
        return json_response(
            {"error": "unauthorized_client", "error_description": "Client authentication failed."},
            status=403,
        )
    return response


@router.get("/.well-known/oauth-authorization-server", summary="OAuth server metadata")
def oauth_metadata(request: HttpRequest) -> HttpResponse:
    base = base_url(request)
    return json_response(
        {
            "issuer": base + "/",
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": base + "/oauth/authorize",
            "token_endpoint": base + "/oauth/token",
            "app_registration_endpoint": base + "/api/v1/apps",
            "revocation_endpoint": base + "/oauth/revoke",
            "scopes_supported": list(scope_rules.SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": enabled_grant_types(),
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }
    )


# -- the browser side: sign in, then consent ------------------------------------


class AuthorizeView(AuthorizationView):
    """The consent page; ``urn:ietf:wg:oauth:2.0:oob`` shows the code instead of redirecting."""

    template_name = "oauth/authorize.html"
    login_url = reverse_lazy("oauth-sign-in")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if as_bool(request.GET.get("force_login")) and not request.session.get("oauth_fresh"):
            query = request.GET.copy()
            query.pop("force_login", None)
            target = request.path + "?" + query.urlencode()
            return HttpResponseRedirect(
                reverse("oauth-sign-in") + "?" + urlencode({"next": target})
            )
        request.session.pop("oauth_fresh", None)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        requested = scope_rules.parse(" ".join(context.get("scopes") or []))
        granted = without_admin_scopes(requested, self.request.user)
        context["granted_scopes"] = [(s, scope_rules.SCOPES.get(s, s)) for s in granted]
        context["dropped_scopes"] = [s for s in requested if s not in granted]
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        requested = scope_rules.parse(form.cleaned_data.get("scope"))
        granted = without_admin_scopes(requested, self.request.user)
        form.cleaned_data["scope"] = " ".join(granted) or "read"
        return super().form_valid(form)

    def redirect(self, redirect_to: str, application: Any) -> HttpResponse:
        if redirect_to.startswith(OOB):
            query = parse_qs(urlsplit(redirect_to).query)
            return render(
                self.request,
                "oauth/oob.html",
                {
                    "application": application,
                    "code": (query.get("code") or [""])[0],
                    "error": (query.get("error") or [""])[0],
                },
            )
        if application is None:
            schemes = ["http", "https"]
        else:
            schemes = sorted({urlsplit(u).scheme for u in application.redirect_uris.split()})
        return OAuth2ResponseRedirect(redirect_to, schemes)


@never_cache
@limit_password_attempts
def sign_in(request: HttpRequest) -> HttpResponse:
    """Sign in on the way to the consent page (by handle or e-mail address)."""
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    error = ""
    if request.method == "POST":
        from tidings.api.oauth import _handle_for_login

        handle = _handle_for_login(request.POST.get("username", "").strip())
        account = authenticate(request, username=handle, password=request.POST.get("password", ""))
        if account is None:
            error = "That handle or e-mail address and password do not match."
        else:
            try:
                check_account_usable(account)
            except TidingsError as refusal:
                error = refusal.message
            else:
                login(request, account)
                request.session["oauth_fresh"] = True
                return HttpResponseRedirect(target)
    return render(
        request,
        "oauth/sign_in.html",
        {"next": target, "error": error, "username": request.POST.get("username", "")},
        status=200 if not error else 401,
    )


__all__ = ["AuthorizeView", "registered_scopes", "router", "sign_in"]
