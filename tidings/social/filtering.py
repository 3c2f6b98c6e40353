"""Keyword filters applied to what the viewer may already see: the one place API and web use.

Filters are the viewer's own choice, not a visibility rule: they run after
``tidings.visibility`` has decided, on the loaded page. A ``hide`` filter
removes a matching post; a ``warn`` filter keeps it with the matches, which
the API puts in ``filtered`` and the web shows as a collapsed "Filtered:" card.
A filter past its ``expires_at`` matches nothing, by the clock at read time.
The home timeline also leaves out members of the viewer's ``exclusive`` lists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q, Value
from django.utils import timezone

from tidings.social.models import Notification, NotificationKind, Post
from tidings.social.models_lists import Filter, FilterAction, ListMember
from tidings.visibility import Viewer


@dataclass(frozen=True)
class FilterMatch:
    """One filter matching one post: which keywords and which of its posts matched."""

    filter: Filter
    keyword_matches: tuple[str, ...] = ()
    status_matches: tuple[str, ...] = ()

    @property
    def hides(self) -> bool:
        return self.filter.action == FilterAction.HIDE


def keyword_pattern(keyword: str, whole_word: bool) -> str:
    """A case-insensitive pattern for ``keyword``; whole words are bounded where they are word
    characters (as Mastodon does: "#tag" or "C++" still match at their non-word ends)."""
    pattern = re.escape(keyword)
    if whole_word:
        if re.match(r"\w", keyword):
            pattern = r"(?<!\w)" + pattern
        if re.search(r"\w$", keyword):
            pattern += r"(?!\w)"
    return pattern


@dataclass
class _Compiled:
    filter: Filter
    keywords: list[tuple[str, re.Pattern[str]]]
    statuses: dict[int, str]


@dataclass
class ViewerFilters:
    """The viewer's filters active in one context, compiled once per request; for the home
    timeline also the members of its ``exclusive`` lists (read there instead)."""

    compiled: list[_Compiled] = field(default_factory=list)
    exclusive: frozenset[int] = frozenset()

    @classmethod
    def load(cls, viewer: Viewer, context: str, *, exclusive: bool = False) -> ViewerFilters:
        """The filters of ``viewer`` for ``context`` (none for anonymous viewers). One query when
        the viewer has no filter (the usual case), with ``exclusive`` members in the same one."""
        if viewer.account_id is None:
            return cls()
        now = timezone.now()
        active = Filter.objects.filter(account_id=viewer.account_id).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )
        ids = active.annotate(kind=Value("f")).values_list("id", "kind")
        if exclusive:
            members = (
                ListMember.objects.filter(list__owner_id=viewer.account_id, list__exclusive=True)
                .annotate(kind=Value("x"))
                .values_list("account_id", "kind")
            )
            ids = ids.union(members, all=True)
        rows = list(ids)
        filter_ids = [i for i, kind in rows if kind == "f"]
        members_found = frozenset(i for i, kind in rows if kind == "x")
        compiled = []
        if filter_ids:
            loaded = Filter.objects.filter(id__in=filter_ids).prefetch_related(
                "keywords", "statuses"
            )
            for f in loaded.order_by("id"):
                if context not in (f.context or []):
                    continue
                keywords = [
                    (k.keyword, re.compile(keyword_pattern(k.keyword, k.whole_word), re.IGNORECASE))
                    for k in f.keywords.all()
                ]
                statuses = {st.post_id: str(st.id) for st in f.statuses.all()}
                compiled.append(_Compiled(f, keywords, statuses))
        return cls(compiled, members_found)

    def without_exclusive(self, posts: Sequence[Post]) -> list[Post]:
        """``posts`` less those by members of the viewer's exclusive lists (loaded with
        ``exclusive=True``)."""
        return [p for p in posts if p.author_id not in self.exclusive]

    def __bool__(self) -> bool:
        return bool(self.compiled)

    def matches(self, post: Post) -> list[FilterMatch]:
        """The filters ``post`` (or the post it reposts) matches."""
        original = post.repost_of if post.repost_of_id is not None else post
        text = original.text or ""
        found = []
        for c in self.compiled:
            words = tuple(k for k, pattern in c.keywords if pattern.search(text))
            status = c.statuses.get(original.id)
            if words or status:
                found.append(FilterMatch(c.filter, words, (status,) if status else ()))
        return found

    def apply(self, posts: Sequence[Post]) -> tuple[list[Post], dict[int, list[FilterMatch]]]:
        """(``posts`` without those a ``hide`` filter matches, the warn matches by post id)."""
        if not self.compiled:
            return list(posts), {}
        kept: list[Post] = []
        warned: dict[int, list[FilterMatch]] = {}
        for post in posts:
            found = self.matches(post)
            if any(m.hides for m in found):
                continue
            kept.append(post)
            if found:
                warned[post.id] = found
        return kept, warned

    def apply_to_notifications(
        self, rows: Sequence[Notification]
    ) -> tuple[list[Notification], dict[int, list[FilterMatch]]]:
        """Notifications less those about a post a ``hide`` filter matches (a legal notice about
        the viewer's own post always stays), and the warn matches by post id."""
        if not self.compiled:
            return list(rows), {}
        kept: list[Notification] = []
        warned: dict[int, list[FilterMatch]] = {}
        for row in rows:
            if row.post is None or row.kind == NotificationKind.LEGAL:
                kept.append(row)
                continue
            found = self.matches(row.post)
            if any(m.hides for m in found):
                continue
            kept.append(row)
            if found:
                warned[row.post.id] = found
        return kept, warned


def filter_notifications(
    viewer: Viewer, rows: Sequence[Notification]
) -> tuple[list[Notification], dict[int, list[FilterMatch]]]:
    """Apply the viewer's ``notifications`` filters to notifications it may already see: the one
    rule behind ``/api/v1/notifications``, ``/api/v2/notifications`` (applied before grouping,
    so a hidden notification is neither shown nor counted) and the web page."""
    return ViewerFilters.load(viewer, "notifications").apply_to_notifications(rows)


def filter_posts(
    viewer: Viewer, context: str, posts: Sequence[Post]
) -> tuple[list[Post], dict[int, list[FilterMatch]]]:
    """Apply the viewer's filters for ``context`` to a page it may already see."""
    return ViewerFilters.load(viewer, context).apply(posts)
