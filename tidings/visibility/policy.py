"""Who may see a post, an account or a notification: the rule, once, and its forms.

The rule, as it reads (:func:`post_allowed`, :func:`account_allowed`,
:func:`notification_allowed`):

    A **post** is shown to a viewer when
      - it is not a tombstone (deleted by its author, kept for a legal record);
      - its author is live (not suspended) and not hidden from the viewer
        (fetched directly: the author does not block the viewer; in a list:
        no block either way, and in home and public lists no mute);
      - its privacy allows it (public and unlisted: everyone; followers-only:
        the author, the author's followers and the accounts it mentions;
        direct ("mentioned people only"): the author and the accounts it
        mentions, never followers as such; public and hashtag timelines and
        search list public posts only, and of an account a moderator limited,
        only to its followers and itself);
      - it is not withheld for the viewer: neither the post nor its author's
        account is withheld in one of the viewer's countries (or everywhere);
        authors always see their own content;
      - and, for a repost, the post it reposts passes the same checks of
        tombstone, author, withholding and privacy. A repost made by a withheld account is
        withheld with it (it carries the account's name, bio and avatar).
    An **account** is shown when it is live, does not block the viewer and is
    not withheld for the viewer (an account always sees itself).
    A **notification** is shown to its recipient when its actor is live, not
    blocked either way, not muted and not withheld (unless the actor is the
    recipient: a legal notice is the recipient's own), and its post, if any,
    is shown (in the direct-list sense). So an owner always sees what is
    addressed to them about their own content, in any country.

The forms:
- one object (``can_view_*``, ``access_*``) and pages loaded by id
  (:func:`filter_visible_posts`) call the predicates above directly;
- querysets (:func:`visible_posts`, :func:`visible_accounts`,
  :func:`visible_notifications`) state the same checks as SQL, check by check
  in the same order (``_author_shown_q``, ``_privacy_q``, ``_withheld_q``);
  ``tests/visibility/test_rule_machine.py`` proves both forms equal on random
  worlds.

Counters: per-object counts (a post's replies, reposts and favourites; an
account's posts, followers and following) are totals, the same for every
viewer: a number names no one and quotes nothing, and the lists behind them
(who reposted, who favourited, followers, replies in a thread) are filtered by
the rule. Hashtag uses and trends are different: a tag is text of the posts
that use it, so they count only what a viewer's countries may see
(:func:`visible_hashtag_links`); a tag used only by withheld content never
trends there. They are a per-country aggregate, so blocks, mutes and the
author exception do not apply to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from django.db.models import Exists, OuterRef, Q, QuerySet

from tidings.legal.models import WithheldSubject
from tidings.legal.withheld import WithheldEntry
from tidings.lib.countries import EVERYWHERE
from tidings.lib.errors import Gone, NotFound, Withheld
from tidings.social.models import (
    HANDLE_MAX_LENGTH,
    Account,
    Follow,
    Mention,
    Notification,
    Post,
    PostHashtag,
    Visibility,
)
from tidings.transparency.withheld_notice import (
    WithholdingNotice,
    notice_path,
    withholding_notice,
)
from tidings.visibility.viewer import Viewer


class Listing(Enum):
    """Which kind of list a queryset is for; it decides whether unlisted posts and mutes count."""

    DIRECT = "direct"  # a thread, a profile: every post the viewer may see
    HOME = "home"  # the viewer's own home timeline: mutes hide
    PUBLIC = "public"  # public and hashtag timelines, search, trends: only public posts


#: ``None`` as a listing means "fetched directly" (one object by id or handle).
Fetch = Listing | None

_OPEN = (Visibility.PUBLIC, Visibility.UNLISTED)


# -- the rule -----------------------------------------------------------------


@dataclass
class Grants:
    """Which followers-only and direct posts the viewer is granted: authors it follows (for
    followers-only posts), posts that mention it.

    Built for a page at once (:meth:`for_posts`, two small queries at most) or
    looked up one at a time for a single object.
    """

    viewer: Viewer
    followed: set[int] | None = None
    mentioned: set[int] | None = None
    _asked: dict[tuple[str, int], bool] = field(default_factory=dict)

    @classmethod
    def for_posts(cls, viewer: Viewer, posts: Iterable[Post]) -> Grants:
        followed, mentioned = _private_grants(viewer, list(posts))
        return cls(viewer, followed, mentioned)

    def follows(self, author_id: int) -> bool:
        if self.followed is not None:
            return author_id in self.followed
        return self._ask(
            "follow",
            author_id,
            lambda: Follow.objects.filter(
                follower_id=self.viewer.account_id, followee_id=author_id
            ).exists(),
        )

    def is_mentioned_in(self, post_id: int) -> bool:
        if self.mentioned is not None:
            return post_id in self.mentioned
        return self._ask(
            "mention",
            post_id,
            lambda: Mention.objects.filter(
                post_id=post_id, account_id=self.viewer.account_id
            ).exists(),
        )

    def _ask(self, kind: str, key: int, query) -> bool:
        if (kind, key) not in self._asked:
            self._asked[(kind, key)] = query()
        return self._asked[(kind, key)]


def _author_shown(viewer: Viewer, author: Account, listing: Fetch) -> bool:
    if author.suspended_at is not None:
        return False
    if author.id == viewer.account_id:
        return True  # no one blocks or mutes themselves (the actions refuse): no query needed
    if listing is None:
        return author.id not in viewer.blocked_by_ids
    return author.id not in viewer.hidden_author_ids(include_mutes=listing is not Listing.DIRECT)


def _privacy_allows(viewer: Viewer, post: Post, grants: Grants) -> bool:
    if post.visibility in _OPEN:
        return True
    me = viewer.account_id
    if me is None:
        return False
    if post.author_id == me or grants.is_mentioned_in(post.id):
        return True
    return post.visibility == Visibility.FOLLOWERS and grants.follows(post.author_id)


def _withheld(viewer: Viewer, post: Post) -> bool:
    """The post itself or its author's account is withheld for the viewer (never for the author)."""
    if post.author_id == viewer.account_id:
        return False
    accounts, posts = viewer.withheld_ids
    return post.author_id in accounts or post.id in posts


def _reachable(viewer: Viewer, post: Post, listing: Fetch, grants: Grants) -> bool:
    """Every check of the rule but withholding (a refusal here is a 404, not a 451)."""
    if post.deleted_at is not None or not _author_shown(viewer, post.author, listing):
        return False
    if listing is Listing.PUBLIC:
        if post.visibility != Visibility.PUBLIC or not _limit_allows(viewer, post, grants):
            return False
    elif not _privacy_allows(viewer, post, grants):
        return False
    original = post.repost_of
    return original is None or (
        original.deleted_at is None
        and _author_shown(viewer, original.author, listing)
        and _privacy_allows(viewer, original, grants)
        and (listing is not Listing.PUBLIC or _limit_allows(viewer, original, grants))
    )


def _limit_allows(viewer: Viewer, post: Post, grants: Grants) -> bool:
    """A limited author's posts reach public lists only for the author and its followers."""
    if post.author.limited_at is None:
        return True
    me = viewer.account_id
    return me is not None and (post.author_id == me or grants.follows(post.author_id))


def _withheld_with_original(viewer: Viewer, post: Post) -> bool:
    original = post.repost_of
    return _withheld(viewer, post) or (original is not None and _withheld(viewer, original))


def post_allowed(viewer: Viewer, post: Post, listing: Fetch, grants: Grants) -> bool:
    """The rule for posts (see the module docstring); ``listing=None`` is a direct fetch.

    ``post`` must come with ``author``, ``repost_of`` and ``repost_of__author`` loaded.
    """
    return _reachable(viewer, post, listing, grants) and not _withheld_with_original(viewer, post)


def account_allowed(viewer: Viewer, account: Account) -> bool:
    """The rule for accounts, the same fetched directly and in lists."""
    if account.suspended_at is not None or account.id in viewer.blocked_by_ids:
        return False
    return account.id == viewer.account_id or account.id not in viewer.withheld_ids[0]


def notification_allowed(viewer: Viewer, notification: Notification, grants: Grants) -> bool:
    """The rule for the viewer's own notifications (actor and post loaded)."""
    actor = notification.actor
    if actor.suspended_at is not None or actor.id in viewer.hidden_author_ids(include_mutes=True):
        return False
    if actor.id != viewer.account_id and actor.id in viewer.withheld_ids[0]:
        return False
    post = notification.post
    return post is None or post_allowed(viewer, post, Listing.DIRECT, grants)


# -- one object ---------------------------------------------------------------


def can_view_post(viewer: Viewer, post: Post) -> bool:
    """Whether ``viewer`` may see ``post`` when it is fetched directly."""
    return post_allowed(viewer, post, None, Grants(viewer))


def can_view_account(viewer: Viewer, account: Account) -> bool:
    return account_allowed(viewer, account)


def access_post(viewer: Viewer, post_id: int | str) -> Post:
    """The post with ``post_id`` if ``viewer`` may see it; ``NotFound`` (never a hint it exists)
    or ``Withheld`` (451, with the notice) when the law is the reason."""
    try:
        post = Post.objects.select_related("author", "repost_of", "repost_of__author").get(
            id=int(post_id)
        )
    except (Post.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("That post does not exist or is not visible to you.") from None
    if not _reachable(viewer, post, None, Grants(viewer)):
        raise NotFound("That post does not exist or is not visible to you.")
    withheld = withheld_post_for(viewer, post)
    if withheld is not None:
        raise withheld
    return post


def _load_account(handle_or_id: str | int, by_id: bool) -> Account:
    try:
        if by_id:
            return Account.objects.get(id=int(handle_or_id))
        handle = str(handle_or_id).lstrip("@")
        # Longer than any handle: no such account (and too long a LIKE pattern for SQLite).
        if len(handle) > HANDLE_MAX_LENGTH:
            raise Account.DoesNotExist
        return Account.objects.get(username__iexact=handle)
    except (Account.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(f"There is no account {_shown(handle_or_id, by_id)}.") from None


def access_account(viewer: Viewer, handle_or_id: str | int, *, by_id: bool = False) -> Account:
    """The account by handle (case-insensitive) or id if ``viewer`` may see it; else ``NotFound``
    (``Gone`` when its owner deleted it, ``Withheld`` when it is withheld for the viewer)."""
    account = _load_account(handle_or_id, by_id)
    if account.suspended_at is not None and hasattr(account, "deletion"):
        raise Gone(f"@{account.username} deleted their account.")
    if account.suspended_at is not None or account.id in viewer.blocked_by_ids:
        raise NotFound(f"There is no account {_shown(handle_or_id, by_id)}.")
    withheld = withheld_account_for(viewer, account)
    if withheld is not None:
        raise withheld
    return account


def access_account_to_undo(
    viewer: Viewer, handle_or_id: str | int, *, by_id: bool = False
) -> Account:
    """The account by handle or id, for undoing the viewer's own relationship with it.

    Unfollowing, unblocking and unmuting always work, whatever hides the account
    from the viewer (a withholding, a suspension, a block): it only needs to exist.
    The answer carries no content of the account.
    """
    return _load_account(handle_or_id, by_id)


def _shown(handle_or_id: str | int, by_id: bool) -> str:
    return f"with id {handle_or_id}" if by_id else f"@{str(handle_or_id).lstrip('@')[:30]}"


# -- why something is withheld (the 451 answer and the extension) ----------------


def withheld_account_for(viewer: Viewer, account: Account) -> Withheld | None:
    """Why ``account`` is withheld from ``viewer`` (None when it is not, or it is the viewer's own)."""
    if account.id == viewer.account_id:
        return None
    countries = viewer.withheld.account_countries(account.id, viewer.now)
    matched = _matching(countries, viewer.countries)
    if not matched:
        return None
    entry = viewer.withheld.entry_for("account", account.id, viewer.countries, viewer.now)
    return _refusal(viewer, entry, handle=account.username, scope="account", countries=matched)


def _post_withholding(viewer: Viewer, post: Post) -> Withheld | None:
    """Why ``post`` itself (or its author's account) is withheld from ``viewer``."""
    if post.author_id == viewer.account_id:
        return None
    by_author = withheld_account_for(viewer, post.author)
    if by_author is not None:
        return by_author
    matched = _matching(viewer.withheld.post_countries(post.id, viewer.now), viewer.countries)
    if not matched:
        return None
    entry = viewer.withheld.entry_for("post", post.id, viewer.countries, viewer.now)
    return _refusal(viewer, entry, handle=post.author.username, scope="status", countries=matched)


def _refusal(
    viewer: Viewer,
    entry: WithheldEntry | None,
    *,
    handle: str,
    scope: str,
    countries: frozenset[str],
) -> Withheld:
    """The 451 answer: where, and (from ``entry``) who asked, under which law, and the notice."""
    if entry is None:
        return Withheld(handle=handle, scope=scope, countries=countries)
    notice = withholding_notice(entry, viewer.now)
    return Withheld(
        handle=handle,
        scope=scope,
        countries=countries,
        notice_url=notice.url,
        explanation=notice.sentence,
    )


def withheld_post_for(viewer: Viewer, post: Post) -> Withheld | None:
    """Why ``post`` is withheld from ``viewer``: its own withholding or its author's, or, for a
    repost, the withholding of the post it reposts."""
    reason = _post_withholding(viewer, post)
    if reason is None and post.repost_of_id is not None:
        reason = _post_withholding(viewer, post.repost_of)
    return reason


def _matching(withheld_in: frozenset[str], viewer_countries: frozenset[str]) -> frozenset[str]:
    """Where a viewer in ``viewer_countries`` meets the withholding: ``{XX}`` when it is everywhere."""
    if EVERYWHERE in withheld_in:
        return frozenset({EVERYWHERE})
    return withheld_in & viewer_countries


def _entries_in_force(viewer: Viewer, obj: Post | Account) -> list[WithheldEntry]:
    """The withholdings in force on ``obj`` wherever they apply: for a post, its author's
    account's first (as the 451 answer picks them), then its own; oldest first in each."""
    index, now = viewer.withheld, viewer.now
    if isinstance(obj, Account):
        return index.active_entries("account", obj.id, now)
    return index.active_entries("account", obj.author_id, now) + index.active_entries(
        "post", obj.id, now
    )


def withheld_notices(viewer: Viewer, obj: Post | Account) -> list[WithholdingNotice]:
    """What the banner on ``obj`` explains: each withholding in force on it (for a post, its
    author's account's first), one per public notice. No query: the index carries it all."""
    notices: dict[str, WithholdingNotice] = {}
    for entry in _entries_in_force(viewer, obj):
        notice = withholding_notice(entry, viewer.now)
        notices.setdefault(notice.url, notice)
    return list(notices.values())


def withheld_extension(
    viewer: Viewer, obj: Post | Account, *, base: str = ""
) -> dict[str, object] | None:
    """The API's ``withheld`` object or None: the country codes where ``obj`` is withheld now, the
    scope ("account" when its author's account is withheld), and ``notice_url``, ``base`` followed
    by the path of the public notice of the withholding that decides the scope (the account's
    first, the oldest first)."""
    index, now = viewer.withheld, viewer.now
    if isinstance(obj, Account):
        codes = index.account_countries(obj.id, now)
        scope = "account"
    else:
        account_codes = index.account_countries(obj.author_id, now)
        codes = index.post_countries(obj.id, now) | account_codes
        scope = "account" if account_codes else "status"
    if not codes:
        return None
    entries = _entries_in_force(viewer, obj)
    notice_url = base + notice_path(entries[0]) if entries else ""
    return {"country_codes": sorted(codes), "scope": scope, "notice_url": notice_url}


# -- loaded pages ---------------------------------------------------------------


def filter_visible_posts(posts: Iterable[Post], viewer: Viewer, listing: Listing) -> list[Post]:
    """The posts (already loaded, in order) that :func:`post_allowed` shows in ``listing``.

    The posts must come with ``author``, ``repost_of`` and ``repost_of__author``
    selected. Costs at most two small queries (follows and mentions), and only
    when followers-only posts of others are on the page.
    """
    posts = list(posts)
    grants = Grants.for_posts(viewer, posts)
    return [post for post in posts if post_allowed(viewer, post, listing, grants)]


def filter_visible_notifications(
    notifications: Iterable[Notification], viewer: Viewer
) -> list[Notification]:
    """The loaded notifications (actor, post and its authors selected) that the rule shows."""
    notifications = list(notifications)
    grants = Grants.for_posts(viewer, [n.post for n in notifications if n.post is not None])
    return [n for n in notifications if notification_allowed(viewer, n, grants)]


def _private_grants(viewer: Viewer, posts: list[Post]) -> tuple[set[int], set[int]]:
    """(followed author ids, ids of posts mentioning the viewer) among others' followers-only
    and direct posts, and posts of limited authors."""
    me = viewer.account_id
    if me is None:
        return set(), set()
    private = [
        p
        for post in posts
        for p in (post, post.repost_of)
        if p is not None
        and p.author_id != me
        and (p.visibility not in _OPEN or p.author.limited_at is not None)
    ]
    if not private:
        return set(), set()
    followed = set(
        Follow.objects.filter(
            follower_id=me, followee_id__in={p.author_id for p in private}
        ).values_list("followee_id", flat=True)
    )
    # A follow grants a followers-only post without asking; a direct post needs the mention.
    mentioned = set(
        Mention.objects.filter(
            account_id=me,
            post_id__in={
                p.id
                for p in private
                if p.visibility == Visibility.DIRECT
                or (p.visibility == Visibility.FOLLOWERS and p.author_id not in followed)
            },
        ).values_list("post_id", flat=True)
    )
    return followed, mentioned


# -- querysets: the same checks, as SQL ----------------------------------------------

#: Above this many withheld subjects, lists probe the ``WithheldSubject`` index per row
#: instead of sending the ids as a literal list.
LITERAL_WITHHELD_LIMIT = 300

_NOTHING = Q(pk__in=[])


def _author_shown_q(viewer: Viewer, listing: Fetch, prefix: str = "") -> Q:
    """SQL of :func:`_author_shown` for the post at ``prefix``."""
    q = Q(**{f"{prefix}author__suspended_at__isnull": True})
    if listing is None:
        hidden = viewer.blocked_by_ids
    else:
        hidden = viewer.hidden_author_ids(include_mutes=listing is not Listing.DIRECT)
    if hidden:
        q &= ~Q(**{f"{prefix}author_id__in": hidden})
    return q


def _privacy_q(viewer: Viewer, prefix: str = "") -> Q:
    """SQL of :func:`_privacy_allows` for the post at ``prefix``."""
    open_to_all = Q(**{f"{prefix}visibility__in": list(_OPEN)})
    if viewer.account_id is None:
        return open_to_all
    me = viewer.account_id
    follows_author = Exists(
        Follow.objects.filter(follower_id=me, followee_id=OuterRef(f"{prefix}author_id"))
    )
    mentioned = Exists(Mention.objects.filter(post_id=OuterRef(f"{prefix}id"), account_id=me))
    followers_only = Q(**{f"{prefix}visibility": Visibility.FOLLOWERS})
    return (
        open_to_all
        | Q(**{f"{prefix}author_id": me})
        | (followers_only & follows_author)
        | mentioned
    )


def _limit_q(viewer: Viewer, prefix: str = "") -> Q:
    """SQL of :func:`_limit_allows` for the post at ``prefix``."""
    unlimited = Q(**{f"{prefix}author__limited_at__isnull": True})
    if viewer.account_id is None:
        return unlimited
    me = viewer.account_id
    follows_author = Exists(
        Follow.objects.filter(follower_id=me, followee_id=OuterRef(f"{prefix}author_id"))
    )
    return unlimited | Q(**{f"{prefix}author_id": me}) | follows_author


def _withheld_ref(viewer: Viewer, kind: str, ref: str) -> Q:
    """Q matching rows whose ``ref`` (an account id or a post id) is withheld for the viewer."""
    accounts, posts = viewer.withheld_ids
    ids = accounts if kind == "account" else posts
    if len(accounts) + len(posts) <= LITERAL_WITHHELD_LIMIT:
        return Q(**{f"{ref}__in": ids}) if ids else _NOTHING
    now = viewer.now
    probe = WithheldSubject.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        **{kind: OuterRef(ref)},
        country__in=viewer.countries | {EVERYWHERE},
        lifted=False,
        starts_at__lte=now,
    )
    return Q(Exists(probe))


def _has_withheld(viewer: Viewer) -> bool:
    accounts, posts = viewer.withheld_ids
    return bool(accounts or posts)


def _withheld_q(viewer: Viewer, prefix: str = "") -> Q | None:
    """SQL of :func:`_withheld` for the post at ``prefix``; None when nothing is withheld."""
    if not _has_withheld(viewer):
        return None
    q = _withheld_ref(viewer, "account", f"{prefix}author_id") | _withheld_ref(
        viewer, "post", f"{prefix}id"
    )
    if viewer.account_id is not None:
        q &= ~Q(**{f"{prefix}author_id": viewer.account_id})
    return q


def _post_q(viewer: Viewer, listing: Listing, prefix: str = "") -> Q:
    """SQL of :func:`post_allowed` for the post at ``prefix``."""
    q = Q(**{f"{prefix}deleted_at__isnull": True}) & _author_shown_q(viewer, listing, prefix)
    if listing is Listing.PUBLIC:
        q &= Q(**{f"{prefix}visibility": Visibility.PUBLIC}) & _limit_q(viewer, prefix)
    else:
        q &= _privacy_q(viewer, prefix)
    original = f"{prefix}repost_of__"
    original_ok = (
        Q(**{f"{original}deleted_at__isnull": True})
        & _author_shown_q(viewer, listing, original)
        & _privacy_q(viewer, original)
    )
    if listing is Listing.PUBLIC:
        original_ok &= _limit_q(viewer, original)
    withheld = _withheld_q(viewer, prefix)
    if withheld is not None:
        q &= ~withheld
        original_ok &= ~_withheld_q(viewer, original)  # type: ignore[operator]
    return q & (Q(**{f"{prefix}repost_of__isnull": True}) | original_ok)


def visible_posts(queryset: QuerySet[Post], viewer: Viewer, listing: Listing) -> QuerySet[Post]:
    """``queryset`` narrowed to what :func:`post_allowed` shows in a list of kind ``listing``."""
    return queryset.filter(_post_q(viewer, listing))


def visible_accounts(queryset: QuerySet[Account], viewer: Viewer) -> QuerySet[Account]:
    """``queryset`` narrowed to what :func:`account_allowed` shows."""
    queryset = queryset.filter(suspended_at__isnull=True)
    if viewer.blocked_by_ids:
        queryset = queryset.exclude(id__in=viewer.blocked_by_ids)
    if viewer.withheld_ids[0]:
        mine = Q(id=viewer.account_id) if viewer.account_id else _NOTHING
        queryset = queryset.exclude(_withheld_ref(viewer, "account", "id") & ~mine)
    return queryset


def visible_notifications(
    queryset: QuerySet[Notification], viewer: Viewer
) -> QuerySet[Notification]:
    """``queryset`` (the viewer's notifications) narrowed to what :func:`notification_allowed` shows."""
    q = Q(actor__suspended_at__isnull=True)
    hidden = viewer.hidden_author_ids(include_mutes=True)
    if hidden:
        q &= ~Q(actor_id__in=hidden)
    if viewer.withheld_ids[0]:
        mine = Q(actor_id=viewer.account_id) if viewer.account_id else _NOTHING
        q &= ~(_withheld_ref(viewer, "account", "actor_id") & ~mine)
    q &= Q(post__isnull=True) | _post_q(viewer, Listing.DIRECT, "post__")
    return queryset.filter(q)


def visible_hashtag_links(queryset: QuerySet[PostHashtag], viewer: Viewer) -> QuerySet[PostHashtag]:
    """Hashtag uses that count in the viewer's countries (trends): listed, live and unlimited
    authors, nothing withheld there. A per-country aggregate: blocks, mutes, follows and the
    author exception do not apply."""
    queryset = queryset.filter(
        listed=True, author__suspended_at__isnull=True, author__limited_at__isnull=True
    )
    if _has_withheld(viewer):
        queryset = queryset.exclude(
            _withheld_ref(viewer, "account", "author_id") | _withheld_ref(viewer, "post", "post_id")
        )
    return queryset
