"""Polls are seen exactly when their post is: the poll's access helper is the post's."""

from __future__ import annotations

from tidings.lib.errors import NotFound
from tidings.social.models_direct import Poll
from tidings.visibility.policy import access_post
from tidings.visibility.viewer import Viewer


def access_poll(viewer: Viewer, poll_id: int | str) -> Poll:
    """The poll with ``poll_id`` if ``viewer`` may see its post; ``NotFound``, or ``Withheld``
    (451) where the post or its author is withheld for the viewer."""
    try:
        post_id = Poll.objects.filter(id=int(poll_id)).values_list("post_id", flat=True).first()
    except (ValueError, TypeError, OverflowError):
        post_id = None
    if post_id is None:
        raise NotFound("That poll does not exist or is not visible to you.")
    post = access_post(viewer, post_id)
    poll = Poll.objects.get(post_id=post.id)
    poll.post = post
    return poll
