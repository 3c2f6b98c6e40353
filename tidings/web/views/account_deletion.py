"""The settings page where owners delete their own account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tidings.api.ratelimit import limit_password_attempts
from tidings.lib.errors import TidingsError
from tidings.social.actions import do_delete_own_account
from tidings.web.forms import DeleteAccountForm
from tidings.web.views.base import sign_in_required, signed_in


@require_http_methods(["GET", "POST"])
@sign_in_required
@limit_password_attempts
def delete_account(request: HttpRequest) -> HttpResponse:
    """Confirm with the password, then everything the account wrote goes and it is signed out."""
    account = signed_in(request)
    form = DeleteAccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                do_delete_own_account(acting_user=account, password=form.cleaned_data["password"])
            except TidingsError as error:
                form.add_error("password", error.message)
                status = error.status
            else:
                auth_logout(request)
                messages.info(request, f"Your account @{account.username} is deleted.")
                return redirect("web:public")
    return render(request, "web/settings_delete.html", {"form": form}, status=status)
