"""django-oauth-toolkit adapted to Mastodon clients.

One application may use every grant (Mastodon apps do); the password grant
can be switched off; an app may only be granted scopes it registered; and
``admin:*`` scopes are granted only to staff roles and ``portal:*`` only to
authority accounts — asked for by anyone else, they are dropped, and the token
reply's ``scope`` says what was granted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes

from tidings.api import scopes as scope_rules

GRANT_TYPES = ("authorization_code", "client_credentials", "refresh_token", "password")


def enabled_grant_types() -> list[str]:
    return [g for g in GRANT_TYPES if g != "password" or settings.TIDINGS_OAUTH_PASSWORD_GRANT]


def registered_scopes(application: Any) -> list[str]:
    """The scopes an application registered with (``read`` for apps made elsewhere)."""
    client_app = getattr(application, "client_app", None)
    return client_app.scopes.split() if client_app is not None else ["read"]


def without_admin_scopes(scopes: list[str], account: Any) -> list[str]:
    """``scopes`` less those ``account``'s role may not hold (an authority never gets admin:*)."""
    role = getattr(account, "role", "user") if account is not None else "user"
    dropped = set(scope_rules.PORTAL_SCOPES) if role != "authority" else set()
    if role in ("user", "authority"):
        dropped.update(scope_rules.ADMIN_SCOPES)
    return [s for s in scopes if s not in dropped]


class AppScopes(BaseScopes):
    """Scopes an application may be granted: what it registered, granular ones included."""

    def get_all_scopes(self) -> dict[str, str]:
        return scope_rules.SCOPES

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        if application is None:
            return list(scope_rules.SCOPES)
        allowed = scope_rules.expand(registered_scopes(application))
        return [s for s in scope_rules.SCOPES if s in allowed]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        if application is None:
            return list(scope_rules.DEFAULT_SCOPES)
        registered = registered_scopes(application)
        return ["read"] if scope_rules.covers(registered, "read") else registered


def _handle_for_login(username: str) -> str:
    """Mastodon clients sign in with the e-mail address; a handle works too."""
    from tidings.social.models import Account

    if "@" not in (username or "").lstrip("@"):
        return (username or "").lstrip("@")
    handles = list(
        Account.objects.filter(email__iexact=username.strip()).values_list("username", flat=True)[
            :2
        ]
    )
    return handles[0] if len(handles) == 1 else username


class MastodonValidator(OAuth2Validator):
    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        return grant_type in enabled_grant_types()

    def validate_response_type(
        self, client_id: str, response_type: str, client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        return response_type == "code"

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        if not super().validate_scopes(client_id, scopes, client, request, *args, **kw):
            return False
        kept = without_admin_scopes(list(scopes), getattr(request, "user", None))
        scopes[:] = kept  # the same list oauthlib puts in the token reply
        return bool(kept)

    def validate_user(
        self, username: str, password: str, client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        username = _handle_for_login(username)
        if not super().validate_user(username, password, client, request, *args, **kw):
            return False
        return not request.user.is_suspended
