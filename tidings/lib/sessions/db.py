"""Django's database session store, reading a session with one prepared statement."""

from __future__ import annotations

from django.contrib.sessions.backends import db

from tidings.lib.sessions import FastLoadMixin


class SessionStore(FastLoadMixin, db.SessionStore):
    pass
