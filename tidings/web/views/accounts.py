"""Signing up, in and out, and editing one's own profile."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tidings.api.ratelimit import limit_password_attempts
from tidings.lib.errors import InvalidInput
from tidings.social.actions import do_update_profile
from tidings.social.actions.registration import do_register_account
from tidings.web.forms import ProfileForm, SignInForm, SignupForm
from tidings.web.views.base import safe_next, sign_in_required, signed_in


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.viewer.account is not None:  # type: ignore[attr-defined]
        return redirect("web:home")
    if getattr(settings, "TIDINGS_REGISTRATIONS", "open") == "closed":
        return render(request, "web/signup.html", {"closed": True}, status=403)
    approval = settings.TIDINGS_REGISTRATIONS == "approval"
    form = SignupForm(request.POST or None, approval=approval)
    if request.method == "POST" and form.is_valid():
        try:
            account = do_register_account(
                form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                reason=form.cleaned_data.get("reason", ""),
                acting_user=None,
                confirm_url_for=lambda token: request.build_absolute_uri(
                    reverse("api-confirm-email") + "?" + urlencode({"confirmation_token": token})
                ),
            )
        except InvalidInput as error:
            form.add_error(_field_for(error.message), error.message)
        else:
            if not account.approved or account.email_confirmed_at is None:
                return render(
                    request, "web/signup.html", {"waiting": account, "approval": approval}
                )
            auth_login(request, account, backend="tidings.social.backends.AccountBackend")
            messages.success(request, f"Welcome to Tidings, @{account.username}!")
            return redirect("web:home")
    status = 422 if request.method == "POST" else 200
    return render(request, "web/signup.html", {"form": form}, status=status)


def _field_for(message: str) -> str:
    """Which field an account-creation error is about, so it shows next to it."""
    lowered = message.lower()
    if "handle" in lowered:
        return "username"
    if "e-mail" in lowered:
        return "email"
    if "join" in lowered:
        return "reason"
    return "password"


@require_http_methods(["GET", "POST"])
@limit_password_attempts
def login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, reverse("web:home"))
    if next_url.split("?")[0] in (reverse("web:login"), reverse("web:signup")):
        next_url = reverse("web:home")
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.get_user())
        return redirect(next_url)
    status = 422 if request.method == "POST" else 200
    return render(request, "web/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, "You are signed out.")
    return redirect("web:public")


@require_http_methods(["GET", "POST"])
@sign_in_required
def settings_profile(request: HttpRequest) -> HttpResponse:
    """Display name, bio, self-declared country, avatar and lock of the signed-in account."""
    account = signed_in(request)
    initial = {
        "display_name": account.display_name,
        "bio": account.bio,
        "country": account.country,
        "avatar": account.avatar,
        "locked": account.locked,
    }
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {
            "display_name": form.cleaned_data["display_name"],
            "bio": form.cleaned_data["bio"],
            "country": form.cleaned_data["country"],
            "locked": form.cleaned_data["locked"],
        }
        avatar = form.cleaned_data["avatar"]
        if avatar is False:  # "clear" was ticked
            changes["avatar"] = ""
        elif avatar is not None and avatar != account.avatar:
            changes["avatar"] = avatar
        try:
            do_update_profile(account, acting_user=account, **changes)
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("web:settings_profile")
    status = 422 if request.method == "POST" else 200
    return render(request, "web/settings_profile.html", {"form": form}, status=status)
