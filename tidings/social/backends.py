"""Signing in and the signed-in account of a session: Django's model backend, read faster.

``get_user`` (every request with a session cookie) reads the account with one prepared
statement instead of an ORM query; what it decides is Django's (inactive accounts are
refused; the session's password hash is checked by ``django.contrib.auth.get_user``, so
changing the password signs out the other sessions).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest

from tidings.lib.rows import ModelRows
from tidings.social.models import Account

accounts = ModelRows(Account, "a")


@cache
def _account_sql() -> str:
    # Table and column names from the model; the id is a parameter.
    return f"SELECT {accounts.columns} FROM {accounts.table} a WHERE a.id = %s"  # noqa: S608


def account_by_id(account_id: int) -> Account | None:
    with connection.cursor() as cursor:
        cursor.execute(_account_sql(), [account_id])
        row = cursor.fetchone()
    return accounts.build(row) if row is not None else None


class AccountBackend(ModelBackend):
    """Django's ``ModelBackend`` with a one-statement ``get_user``.

    Sessions made before it named ``ModelBackend``, which stays listed for them; a failed
    sign-in here ends the search (``PermissionDenied``), so a password is never hashed twice.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Account | None:
        account = super().authenticate(request, username=username, password=password, **kwargs)
        if account is None and password is not None:
            raise PermissionDenied
        return account

    def get_user(self, user_id: Any) -> Account | None:
        """The account, read with the session when the session store could (one statement)."""
        try:
            account_id = Account._meta.pk.to_python(user_id)
        except ValidationError:  # a tampered session: no one
            return None
        from tidings.lib.sessions import take_loaded_account

        account = take_loaded_account(account_id) or account_by_id(account_id)
        return account if account is not None and self.user_can_authenticate(account) else None
