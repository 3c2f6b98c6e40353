"""What staff see of the posts a user report names: the moderators' one exception, and its limit.

A moderator must judge posts that the ordinary rule would hide from them
(followers-only posts, posts by an account that blocks them or is suspended).
So on a report's own page, to staff who may handle that report, its posts are
shown whatever their privacy, blocks or suspension. Two things still hold:

- legal withholding is the legal desk's: a post (or its author) withheld in the
  moderator's country is shown to them as the withheld notice, as to anyone
  there; the desk, not the moderation queue, deals with it;
- a tombstone (deleted by its author or a moderator) shows as removed, without
  its text, which only legal staff read under a legal hold.

This is a single-object rule for one page behind a role check; no list, feed
or API answer to the public is built from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from tidings.lib.errors import NotFound, Withheld
from tidings.social.models import Account, Post
from tidings.visibility.policy import withheld_post_for
from tidings.visibility.viewer import Viewer


@dataclass(frozen=True)
class Evidence:
    """One reported post as staff see it: ``shown``, ``withheld`` (with why) or ``removed``."""

    post: Post
    state: Literal["shown", "withheld", "removed"]
    withheld: Withheld | None = None


def report_evidence(viewer: Viewer, posts: Iterable[Post]) -> list[Evidence]:
    """The reported ``posts`` as ``viewer`` (already checked to handle the report) may see them."""
    result = []
    for post in posts:
        if post.deleted_at is not None:
            result.append(Evidence(post, "removed"))
            continue
        reason = withheld_post_for(viewer, post)
        result.append(Evidence(post, "withheld", reason) if reason else Evidence(post, "shown"))
    return result


def access_account_as_staff(account_id: int | str) -> Account:
    """Any account, suspended ones included, for staff who moderate (the caller checked the role).

    What of it staff may read still passes :func:`withheld_account_for` (see the module).
    """
    try:
        return Account.objects.get(id=int(account_id))
    except (Account.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(f"There is no account with id {str(account_id)[:20]}.") from None
