"""Django's cached-database session store (cache shared by every worker), with the fast read."""

from __future__ import annotations

from django.contrib.sessions.backends import cached_db

from tidings.lib.sessions import FastLoadMixin


class SessionStore(FastLoadMixin, cached_db.SessionStore):
    pass
