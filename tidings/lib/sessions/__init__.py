"""Session stores that read a session, and its account with it, in one prepared statement.

``db`` (no shared cache: every worker reads the database, so a signed-out session is
refused everywhere at once) and ``cached_db`` (a Redis-backed cache shared by every
worker and machine); both as Django's, only the database read is cheaper.

A session's account never changes (signing in always starts a new session key), so a
process remembers which account each session key it has seen belongs to, and reads that
account's row in the same statement as the session's. The row is handed to
``AccountBackend.get_user`` for this request only, and only if the session, once
decoded, names that very account: a wrong or missing guess costs the usual second
query, never a wrong account. Sign-out, expiry and password checks are Django's, on
rows read in this request.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.signals import request_started
from django.db import connection
from django.utils import timezone

from tidings.lib.rows import ModelRows
from tidings.social.backends import accounts
from tidings.social.models import Account

_rows = ModelRows(Session, "s")

#: session key → the account id it was signed in as (this process; a guess, checked).
_account_of: dict[str, int] = {}
_MAX_REMEMBERED = 50_000
#: The account row read with this request's session, for ``AccountBackend.get_user``.
_loaded_account: ContextVar[Any] = ContextVar("tidings_session_account", default=None)


def _forget_loaded(**_: object) -> None:
    _loaded_account.set(None)


request_started.connect(_forget_loaded, dispatch_uid="tidings.lib.sessions.forget")


def take_loaded_account(account_id: object) -> Any:
    """The account read with this request's session, if it is ``account_id`` (once)."""
    account = _loaded_account.get()
    if account is None:
        return None
    _loaded_account.set(None)
    return account if account.pk == account_id else None


@cache
def _session_sql(with_account: bool) -> str:
    key, expires = (connection.ops.quote_name(c) for c in ("session_key", "expire_date"))
    # Table and column names from the models; key, clock and account id are parameters.
    if with_account:
        return (
            f"SELECT {_rows.columns}, {accounts.columns} FROM {_rows.table} s "  # noqa: S608
            f"LEFT JOIN {accounts.table} a ON a.id = %s "
            f"WHERE s.{key} = %s AND s.{expires} > %s"
        )
    return f"SELECT {_rows.columns} FROM {_rows.table} s WHERE s.{key} = %s AND s.{expires} > %s"  # noqa: S608


class FastLoadMixin(SessionBase):
    """Reads the session row with one prepared statement (same rule as Django's: unexpired)."""

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        row = None
        _loaded_account.set(None)
        if key:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            guess = _account_of.get(key)
            with connection.cursor() as cursor:
                if guess is None:
                    cursor.execute(_session_sql(False), [key, now])
                else:
                    cursor.execute(_session_sql(True), [guess, key, now])
                row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        if len(row) > _rows.width and row[_rows.width] is not None:
            _loaded_account.set(accounts.build(row[_rows.width :]))
        return _rows.build(row[: _rows.width])

    def load(self) -> dict[str, Any]:
        _loaded_account.set(None)  # nothing from an earlier request, even on a cache hit
        data = super().load()
        key = self.session_key
        if key and key not in _account_of and data.get(SESSION_KEY) is not None:
            try:
                account_id = Account._meta.pk.to_python(data[SESSION_KEY])
            except ValidationError:
                return data
            if len(_account_of) >= _MAX_REMEMBERED:
                _account_of.clear()
            _account_of[key] = account_id
        return data
