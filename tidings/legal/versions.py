"""Which version of an edited post a withholding was decided on, for the desk.

A withholding's snapshot keeps the SHA-256 of the post's text when it was decided.
Editing never escapes a withholding (it is on the post, not on a text), but staff
must see which text was in front of the reviewer, and whether the author changed
it afterwards. The public notice shows none of this.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tidings.legal.models import DemandItem, Withholding
from tidings.social.edits import Version, versions_of
from tidings.social.models import Post


@dataclass(frozen=True)
class WithheldVersion:
    """The version whose hash the snapshot keeps (None when no version matches), out of ``count``;
    ``edited_after`` is the author's last edit when it came after the decision."""

    version: Version | None
    count: int
    edited_after: datetime | None


def withheld_version(withholding: Withholding, versions: Sequence[Version]) -> WithheldVersion:
    """Match the snapshot's hash to a version: the latest one current at the decision, if several."""
    digest = withholding.snapshot.get("text_sha256") if withholding.snapshot else None
    matches = [v for v in versions if v.text_sha256 == digest]
    before = [v for v in matches if v.created_at <= withholding.created_at]
    version = (before or matches or [None])[-1]
    last_edit = versions[-1].created_at if len(versions) > 1 else None
    after = last_edit if last_edit is not None and last_edit > withholding.created_at else None
    return WithheldVersion(version, len(versions), after)


def attach_withheld_versions(withholdings: Iterable[Withholding]) -> None:
    """Set ``withheld_version`` on each withholding of an edited post (in one query);
    withholdings of accounts and of posts never edited get None."""
    withholdings = list(withholdings)
    edited: dict[int, Post] = {
        w.post_id: w.post
        for w in withholdings
        if w.post_id is not None and w.post is not None and w.post.edited_at is not None
    }
    versions = versions_of(edited.values())
    for w in withholdings:
        w.withheld_version = (  # type: ignore[attr-defined]
            withheld_version(w, versions[w.post_id]) if w.post_id in versions else None
        )


def attach_item_versions(items: Iterable[DemandItem]) -> None:
    """Set ``withheld_version`` on demand items whose post was withheld and then edited
    (from the item's latest withholding); None on every other item."""
    items = list(items)
    edited = [i.id for i in items if i.post is not None and i.post.edited_at is not None]
    latest: dict[int, Withholding] = {}
    rows = Withholding.objects.filter(demand_item_id__in=edited).select_related("post")
    for w in rows.order_by("id"):
        latest[w.demand_item_id] = w
    attach_withheld_versions(latest.values())
    for item in items:
        w = latest.get(item.id)
        item.withheld_version = w.withheld_version if w is not None else None  # type: ignore[attr-defined]
