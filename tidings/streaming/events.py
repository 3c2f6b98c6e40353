"""Publishing stream events, called inside the transaction of the action that causes them.

An event names what changed by id; it carries nothing a viewer could not be
shown, because the streaming process decides per viewer what to send. Without
Redis the event is a ``StreamEvent`` row in the same transaction; with Redis it
is published on commit (a rolled-back action publishes nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import orjson
from django.conf import settings
from django.db import transaction

from tidings.social.models_streaming import StreamEvent

log = logging.getLogger(__name__)


def channel() -> str:
    """The Redis pub/sub channel every streaming process of this site listens on."""
    return f"tidings:streaming:{settings.DOMAIN}"


#: Kinds of event: a post entered timelines (created, reposted, fanned out to followers);
#: was deleted; was edited; notifications were created; withholdings began, or ended (lifted
#: or by the clock).
KINDS = ("status", "delete", "status.update", "notification", "withheld", "lifted")

_redis_client: Any = None


def redis_client() -> Any:
    global _redis_client
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(settings.REDIS_URL)
    return _redis_client


def _send_to_redis(message: bytes) -> None:
    try:
        redis_client().publish(channel(), message)
    except Exception:  # noqa: BLE001 - the action has committed; a live view refreshes on reload
        log.warning("Could not publish a stream event to Redis", exc_info=True)


def publish(kind: str, **data: Any) -> None:
    """Queue the event ``kind`` with ``data`` (ids only) for every streaming process."""
    if kind not in KINDS:
        raise ValueError(f"Unknown stream event {kind!r}")
    if settings.REDIS_URL:
        message = orjson.dumps({"kind": kind, "data": data})
        transaction.on_commit(lambda: _send_to_redis(message))
    else:
        StreamEvent.objects.create(kind=kind, data=data)


def publish_status(post_id: int) -> None:
    """A post entered timelines: created, reposted, or fanned out to more followers."""
    publish("status", post=post_id)


def publish_delete(post_id: int) -> None:
    publish("delete", post=post_id)


def publish_status_update(post_id: int) -> None:
    """A post was edited: viewers who may see it get ``status.update``."""
    publish("status.update", post=post_id)


def publish_notifications(notification_ids: Iterable[int]) -> None:
    ids = [i for i in notification_ids if i is not None]
    if ids:
        publish("notification", notifications=ids)


def publish_withheld(
    *,
    posts: Iterable[int],
    accounts: Iterable[int],
    lifted: bool,
    countries: Iterable[str] | None = None,
) -> None:
    """Withholdings of these posts or accounts began, or ended (lifted or by the clock).

    ``countries`` (for an end) names where they applied: only viewers there had
    lost these posts, so only they are sent them again.
    """
    posts, accounts = sorted(set(posts) - {None}), sorted(set(accounts) - {None})
    if not (posts or accounts):
        return
    if countries is None:
        publish("lifted" if lifted else "withheld", posts=posts, accounts=accounts)
    else:
        kind = "lifted" if lifted else "withheld"
        publish(kind, posts=posts, accounts=accounts, countries=sorted(set(countries)))
