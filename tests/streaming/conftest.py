"""Fixtures for the streaming API: live servers, stream listeners and a legal team member."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from mastodon import StreamListener

from tests.api.conftest import new_user, registered_app  # noqa: F401 - the live API clients

LEGAL_HANDLE = "streamdesk"


class Collector(StreamListener):
    """Keeps every event a Mastodon.py stream delivers, and wakes waiters."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self.changed = threading.Condition()

    def _add(self, kind: str, payload: object) -> None:
        with self.changed:
            self.events.append((kind, payload))
            self.changed.notify_all()

    def on_update(self, status) -> None:
        self._add("update", status)

    def on_delete(self, status_id) -> None:
        self._add("delete", status_id)

    def on_notification(self, notification) -> None:
        self._add("notification", notification)

    def updates(self) -> list[str]:
        return [str(p["id"]) for k, p in self.events if k == "update"]

    def deletes(self) -> list[str]:
        return [str(p) for k, p in self.events if k == "delete"]

    def wait_for(self, check: Callable[[], bool], seconds: float = 20) -> bool:
        deadline = time.monotonic() + seconds
        with self.changed:
            while not check():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True


def ensure_legal_member(live) -> None:
    """A legal admin to act for the desk (created once; a second createuser just refuses)."""
    live.manage(
        "createuser",
        LEGAL_HANDLE,
        "--email",
        f"{LEGAL_HANDLE}@example.com",
        "--password",
        "desk-pass-phrase-2021",
        "--role",
        "legal_admin",
    )


def withhold_post(live, post_id: int | str, country: str = "IN") -> None:
    """The legal team withholds the post in ``country``, through the real action."""
    ensure_legal_member(live)
    code = (
        "from tidings.legal.actions.withholding import do_withhold\n"
        "from tidings.social.models import Account, Post\n"
        f"do_withhold(post=Post.objects.get(id={int(post_id)}), countries=[{country!r}], "
        f"reason='order under s.69A', acting_user=Account.objects.get(username={LEGAL_HANDLE!r}))\n"
    )
    live.cli("shell", "-c", code)


@pytest.fixture
def collector() -> Callable[[], Collector]:
    return Collector
