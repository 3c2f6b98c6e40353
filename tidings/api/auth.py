"""Bearer-token authentication and scope checks; builds the request's viewer from the token."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from oauth2_provider.models import AccessToken

from tidings.api import scopes as scope_rules
from tidings.api.errors import ApiError, Forbidden, Unauthorized
from tidings.lib.rows import ModelRows
from tidings.social.backends import accounts as account_rows
from tidings.social.models import Account
from tidings.visibility import Viewer, viewer_for_account
from tidings.visibility.middleware import request_countries


@dataclass
class ApiAuth:
    """Who is calling: the token (if any), its account (None for app tokens) and the viewer."""

    token: AccessToken | None
    account: Account | None
    scopes: frozenset[str]
    viewer: Viewer


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return ""


def check_account_usable(account: Account) -> None:
    """Refuse tokens of accounts that may not act yet (or any more), with Mastodon's wording."""
    if not account.is_active or account.is_suspended:
        raise Forbidden("Your login is currently disabled")
    if not account.approved:
        raise Forbidden("Your login is currently pending approval")
    if settings.TIDINGS_CONFIRM_EMAIL and account.email_confirmed_at is None:
        raise Forbidden("Your login is missing a confirmed e-mail address")


_tokens = ModelRows(AccessToken, "t")


@cache
def _token_sql() -> str:
    checksum = connection.ops.quote_name(AccessToken._meta.get_field("token_checksum").column)
    user = connection.ops.quote_name(AccessToken._meta.get_field("user").column)
    # Table and column names from the models; the checksum is a parameter.
    return (
        f"SELECT {_tokens.columns}, {account_rows.columns} "  # noqa: S608
        f"FROM {_tokens.table} t LEFT JOIN {account_rows.table} a ON a.id = t.{user} "
        f"WHERE t.{checksum} = %s"
    )


def token_by_checksum(checksum: str) -> AccessToken | None:
    """The token with its account (``token.user``, loaded), in one prepared statement."""
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [checksum])
        row = cursor.fetchone()
    if row is None:
        return None
    token = _tokens.build(row[: _tokens.width])
    account = account_rows.build(row[_tokens.width :]) if token.user_id is not None else None
    AccessToken.user.field.set_cached_value(token, account)
    return token


def api_auth(request: HttpRequest) -> ApiAuth:
    """The caller, looked up once per request; a bad or expired token answers 401."""
    cached = getattr(request, "_api_auth", None)
    if cached is not None:
        return cached
    countries = request_countries(request)
    raw = _bearer(request)
    if not raw:
        auth = ApiAuth(None, None, frozenset(), viewer_for_account(None, countries))
    else:
        checksum = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        token = token_by_checksum(checksum)
        if token is None or token.is_expired():
            raise Unauthorized()
        account = token.user
        if account is not None:
            check_account_usable(account)
        auth = ApiAuth(
            token,
            account,
            frozenset(scope_rules.expand(token.scope.split())),
            viewer_for_account(account, countries),
        )
    request._api_auth = auth  # type: ignore[attr-defined]
    return auth


def optional_auth(request: HttpRequest, scope: str = "read") -> ApiAuth:
    """Anonymous callers welcome; a token, if sent, must be valid and carry ``scope``."""
    auth = api_auth(request)
    if auth.token is not None and scope not in auth.scopes:
        raise Forbidden()
    return auth


def require_user(request: HttpRequest, scope: str) -> ApiAuth:
    """A user token carrying ``scope`` (``read`` covers ``read:statuses`` and so on)."""
    auth = api_auth(request)
    if auth.token is None:
        raise Unauthorized("The access token is invalid")
    if auth.account is None:
        raise ApiError(422, "This method requires an authenticated user")
    if scope not in auth.scopes:
        raise Forbidden()
    return auth


def require_app(request: HttpRequest) -> ApiAuth:
    """Any valid token, an app's own (client credentials) included."""
    auth = api_auth(request)
    if auth.token is None:
        raise Unauthorized("The access token is invalid")
    return auth


def is_staff_role(account: Account | None) -> bool:
    return account is not None and account.role != "user"
