"""Reading a post's versions (its edit history), oldest first.

Callers fetch the post through ``tidings.visibility`` first: these functions only
read what belongs to a post the viewer may already see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tidings.social.models import Post, PostEdit


@dataclass(frozen=True)
class Version:
    """One version of a post's text; ``number`` counts from 1 (the text as first posted)."""

    number: int
    text: str
    text_sha256: str
    created_at: datetime
    current: bool


def _versions(post: Post, edits: list[PostEdit]) -> list[Version]:
    if not edits:
        from tidings.legal.holds import text_sha256

        digest = post.text_sha256 if post.deleted_at else text_sha256(post.text)
        return [Version(1, post.text, digest, post.created_at, True)]
    last = len(edits)
    return [
        Version(n, e.text, e.text_sha256, e.created_at, n == last)
        for n, e in enumerate(edits, start=1)
    ]


def post_versions(post: Post) -> list[Version]:
    """Every version of ``post``'s text, oldest first; an unedited post has one."""
    return _versions(
        post, list(PostEdit.objects.filter(post_id=post.id).order_by("created_at", "id"))
    )


def versions_of(posts: Iterable[Post]) -> dict[int, list[Version]]:
    """:func:`post_versions` for many posts, in one query."""
    posts = list(posts)
    by_post: dict[int, list[PostEdit]] = {p.id: [] for p in posts}
    for edit in PostEdit.objects.filter(post_id__in=list(by_post)).order_by("created_at", "id"):
        by_post[edit.post_id].append(edit)
    return {p.id: _versions(p, by_post[p.id]) for p in posts}
