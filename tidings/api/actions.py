"""State changes the API owns: OAuth applications and tokens, idempotent posting (audited)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_id
from oauth2_provider.models import AccessToken, Application
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import generate_token

from tidings.api import scopes as scope_rules
from tidings.api.models import ClientApp, IdempotencyKey
from tidings.api.oauth import MastodonValidator
from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput
from tidings.social.models import Account, Post
from tidings.social.queries import POST_RELATED

OOB = "urn:ietf:wg:oauth:2.0:oob"
_FORBIDDEN_SCHEMES = {"javascript", "data", "vbscript", "file"}


@dataclass(frozen=True)
class NewApp:
    app: ClientApp
    client_secret: str  # shown once, stored hashed


def check_redirect_uris(value: str | list[str]) -> list[str]:
    uris = value if isinstance(value, list) else str(value or "").split()
    uris = [u.strip() for u in uris if u and u.strip()]
    if not uris:
        raise InvalidInput("Validation failed: Redirect URI can't be blank")
    for uri in uris:
        if uri == OOB:
            continue
        parts = urlsplit(uri)
        if not parts.scheme or parts.scheme.lower() in _FORBIDDEN_SCHEMES or " " in uri:
            raise InvalidInput("Validation failed: Redirect URI must be an absolute URI.")
        if parts.fragment:
            raise InvalidInput("Validation failed: Redirect URI must not contain a fragment.")
    return list(dict.fromkeys(uris))


def check_scopes(value: str | list[str] | None) -> list[str]:
    """Requested scopes, each one we know; none means ``read``."""
    scopes = scope_rules.parse(value) or list(scope_rules.DEFAULT_SCOPES)
    unknown = [s for s in scopes if s not in scope_rules.SCOPES]
    if unknown:
        raise InvalidInput(f"Validation failed: Scopes are invalid ({', '.join(unknown)[:200]})")
    return scopes


@transaction.atomic
def do_create_app(
    name: str,
    *,
    redirect_uris: str | list[str],
    scopes: str | list[str] | None,
    website: str = "",
    acting_user: Account | None,
) -> NewApp:
    """Register an OAuth client; anyone may (``acting_user`` is None for anonymous callers)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Validation failed: Application name can't be blank")
    if len(name) > 60:
        raise InvalidInput("Validation failed: Application name is too long")
    uris = check_redirect_uris(redirect_uris)
    granted = check_scopes(scopes)
    website = (website or "").strip()
    if website and urlsplit(website).scheme not in ("http", "https"):
        raise InvalidInput("Validation failed: Website must be an http or https URL")
    secret = secrets.token_urlsafe(32)
    application = Application(
        name=name,
        client_id=generate_client_id(),
        client_secret=secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(uris),
        user=acting_user,
    )
    application.save()
    app = ClientApp.objects.create(
        application=application, scopes=" ".join(granted), website=website[:2000]
    )
    record_event(
        "oauth.app.create",
        actor_id=acting_user.id if acting_user else None,
        subject_type="oauth_app",
        subject_id=application.id,
        data={"name": name, "scopes": granted, "redirect_uris": uris},
    )
    return NewApp(app, secret)


@dataclass(frozen=True)
class IssuedToken:
    token: AccessToken
    raw: str  # shown once


@transaction.atomic
def do_issue_token(
    account: Account, application: Application, scopes: list[str], *, acting_user: Account
) -> IssuedToken:
    """A user token for ``account`` through ``application`` (as sign-up hands one out)."""
    raw = generate_token()
    token = AccessToken(
        user=account,
        application=application,
        scope=" ".join(scopes),
        expires=timezone.now() + timedelta(seconds=oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS),
    )
    MastodonValidator()._set_token_value(token, raw)
    token.save()
    record_event(
        "oauth.token.issue",
        actor_id=acting_user.id,
        subject_type="account",
        subject_id=account.id,
        data={"application": application.id, "scopes": scopes},
    )
    return IssuedToken(token, raw)


@transaction.atomic
def do_post_once(
    key: str, *, acting_user: Account, create: Callable[[], Post]
) -> tuple[Post, bool]:
    """Run ``create`` once per (account, ``Idempotency-Key``); a repeat returns the first post.

    The key row is inserted before posting, so a concurrent repeat in another
    worker waits on the unique index and then finds the post.
    """
    row_id, post_id = _claim_key(acting_user, key[:200])
    if post_id is not None:
        existing = Post.objects.select_related(*POST_RELATED).filter(id=post_id).first()
        if existing is not None:
            return existing, False
    post = create()
    IdempotencyKey.objects.filter(id=row_id).update(post=post)
    return post, True


def _claim_key(account: Account, key: str) -> tuple[int, int | None]:
    """The (id, post id) of ``account``'s row for ``key``, inserted now or found (and locked).

    One upsert (PostgreSQL, SQLite 3.35+) instead of a read, then an insert in a
    savepoint: a repeat arriving while the first is still posting waits on the
    unique index, then gets the first's row with its post.
    """
    meta, quote = IdempotencyKey._meta, connection.ops.quote_name
    account_col, key_col, at_col, post_col = (
        quote(meta.get_field(f).column) for f in ("account", "key", "created_at", "post")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({account_col}, {key_col}, {at_col}) "  # noqa: S608
            f"VALUES (%s, %s, %s) ON CONFLICT ({account_col}, {key_col}) "
            f"DO UPDATE SET {key_col} = EXCLUDED.{key_col} "
            f"RETURNING {quote(meta.pk.column)}, {post_col}",
            [account.id, key, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        row_id, post_id = cursor.fetchone()
    return row_id, post_id
