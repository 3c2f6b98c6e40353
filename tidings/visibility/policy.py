"""Who may see a post or an account, as a check on one object and as a queryset filter.

The rules, each written once per form below:

- ``account_is_live``: a suspended account and everything it wrote is hidden.
- ``not_blocked``: an author who blocks the viewer is hidden from the viewer;
  in lists, blocks hide in both directions, and mutes hide too.
- ``privacy_allows``: public and unlisted posts are for everyone; a
  followers-only post is for its author, the author's followers and the
  accounts it mentions.
- ``listing_allows``: public and hashtag timelines and search list only
  public posts (unlisted ones are reachable but not listed).
- a repost is visible only when the post it reposts is.
- ``not_withheld``: a post or account withheld in one of the viewer's
  countries is absent from every list and answers 451 when fetched directly;
  an account withholding covers everything the account wrote. Authors always
  see their own content.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from tidings.legal.models import WithheldSubject
from tidings.legal.withheld import WithheldEntry
from tidings.lib.countries import EVERYWHERE
from tidings.lib.errors import NotFound, Withheld
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
from tidings.visibility.viewer import Viewer


class Listing(Enum):
    """Which kind of list a queryset is for; it decides whether unlisted posts and mutes count."""

    DIRECT = "direct"  # a thread, a profile: every post the viewer may see
    HOME = "home"  # the viewer's own home timeline: mutes hide
    PUBLIC = "public"  # public and hashtag timelines, search, trends: only public posts


# -- one object -------------------------------------------------------------


def _account_reachable(viewer: Viewer, account: Account) -> bool:
    if account.is_suspended:
        return False
    return account.id not in viewer.blocked_by_ids


def withheld_account_for(viewer: Viewer, account: Account) -> Withheld | None:
    """Why ``account`` is withheld from ``viewer`` (None when it is not, or it is the viewer's own)."""
    if account.id == viewer.account_id:
        return None
    countries = viewer.withheld.account_countries(account.id, viewer.now)
    matched = _matching(countries, viewer.countries)
    if not matched:
        return None
    entry = viewer.withheld.entry_for("account", account.id, viewer.countries, viewer.now)
    return Withheld(
        handle=account.username, scope="account", countries=matched, notice_url=_notice_url(entry)
    )


def withheld_post_for(viewer: Viewer, post: Post) -> Withheld | None:
    """Why ``post`` is withheld from ``viewer``: its own withholding, its author's, or its original's."""
    if post.repost_of_id is not None:
        return withheld_post_for(viewer, post.repost_of)
    if post.author_id == viewer.account_id:
        return None
    by_author = withheld_account_for(viewer, post.author)
    if by_author is not None:
        return by_author
    matched = _matching(viewer.withheld.post_countries(post.id, viewer.now), viewer.countries)
    if matched:
        entry = viewer.withheld.entry_for("post", post.id, viewer.countries, viewer.now)
        return Withheld(
            handle=post.author.username,
            scope="status",
            countries=matched,
            notice_url=_notice_url(entry),
        )
    return None


def _notice_url(entry: WithheldEntry | None) -> str:
    """The public notice explaining a withholding (the demand's, when it came from one)."""
    if entry is None:
        return ""
    if entry.demand_id is not None:
        return reverse("transparency:demand_notice", args=[entry.demand_id])
    return reverse("transparency:withholding_notice", args=[entry.withholding_id])


def _matching(withheld_in: frozenset[str], viewer_countries: frozenset[str]) -> frozenset[str]:
    if not withheld_in:
        return frozenset()
    if EVERYWHERE in withheld_in:
        return viewer_countries or frozenset({EVERYWHERE})
    return withheld_in & viewer_countries


def withheld_extension(viewer: Viewer, obj: Post | Account) -> dict[str, object] | None:
    """The API's ``withheld`` object (country codes where it is withheld now) or None."""
    index, now = viewer.withheld, viewer.now
    if isinstance(obj, Account):
        codes = index.account_countries(obj.id, now)
        return {"country_codes": sorted(codes), "scope": "account"} if codes else None
    account_codes = index.account_countries(obj.author_id, now)
    codes = index.post_countries(obj.id, now) | account_codes
    if not codes:
        return None
    return {"country_codes": sorted(codes), "scope": "account" if account_codes else "status"}


def can_view_account(viewer: Viewer, account: Account) -> bool:
    return _account_reachable(viewer, account) and withheld_account_for(viewer, account) is None


def _privacy_allows(viewer: Viewer, post: Post) -> bool:
    if post.visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
        return True
    if viewer.account_id is None:
        return False
    if post.author_id == viewer.account_id:
        return True
    return (
        Follow.objects.filter(follower_id=viewer.account_id, followee_id=post.author_id).exists()
        or Mention.objects.filter(post_id=post.id, account_id=viewer.account_id).exists()
    )


def _post_reachable(viewer: Viewer, post: Post) -> bool:
    if not _account_reachable(viewer, post.author) or not _privacy_allows(viewer, post):
        return False
    return post.repost_of_id is None or _post_reachable(viewer, post.repost_of)


def can_view_post(viewer: Viewer, post: Post) -> bool:
    """Whether ``viewer`` may see ``post`` when it is fetched directly."""
    return _post_reachable(viewer, post) and withheld_post_for(viewer, post) is None


def access_post(viewer: Viewer, post_id: int | str) -> Post:
    """The post with ``post_id`` if ``viewer`` may see it; else ``NotFound`` (never a hint it exists)."""
    try:
        post = Post.objects.select_related("author", "repost_of", "repost_of__author").get(
            id=int(post_id)
        )
    except (Post.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("That post does not exist or is not visible to you.") from None
    if not _post_reachable(viewer, post):
        raise NotFound("That post does not exist or is not visible to you.")
    withheld = withheld_post_for(viewer, post)
    if withheld is not None:
        raise withheld
    return post


def access_account(viewer: Viewer, handle_or_id: str | int, *, by_id: bool = False) -> Account:
    """The account by handle (case-insensitive) or id if ``viewer`` may see it; else ``NotFound``."""
    try:
        if by_id:
            account = Account.objects.get(id=int(handle_or_id))
        else:
            handle = str(handle_or_id).lstrip("@")
            # Longer than any handle: no such account (and too long a LIKE pattern for SQLite).
            if len(handle) > HANDLE_MAX_LENGTH:
                raise Account.DoesNotExist
            account = Account.objects.get(username__iexact=handle)
    except (Account.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(f"There is no account {_shown(handle_or_id, by_id)}.") from None
    if not _account_reachable(viewer, account):
        raise NotFound(f"There is no account {_shown(handle_or_id, by_id)}.")
    withheld = withheld_account_for(viewer, account)
    if withheld is not None:
        raise withheld
    return account


def _shown(handle_or_id: str | int, by_id: bool) -> str:
    return f"with id {handle_or_id}" if by_id else f"@{str(handle_or_id).lstrip('@')[:30]}"


# -- querysets ----------------------------------------------------------------


def _privacy_q(viewer: Viewer, prefix: str = "") -> Q:
    open_to_all = Q(**{f"{prefix}visibility__in": [Visibility.PUBLIC, Visibility.UNLISTED]})
    if viewer.account_id is None:
        return open_to_all
    me = viewer.account_id
    follows_author = Exists(
        Follow.objects.filter(follower_id=me, followee_id=OuterRef(f"{prefix}author_id"))
    )
    mentioned = Exists(Mention.objects.filter(post_id=OuterRef(f"{prefix}id"), account_id=me))
    return open_to_all | Q(**{f"{prefix}author_id": me}) | follows_author | mentioned


def visible_posts(queryset: QuerySet[Post], viewer: Viewer, listing: Listing) -> QuerySet[Post]:
    """``queryset`` narrowed to what ``viewer`` may see in a list of kind ``listing``."""
    hidden = viewer.hidden_author_ids(include_mutes=listing is not Listing.DIRECT)
    queryset = queryset.filter(author__suspended_at__isnull=True)
    if hidden:
        queryset = queryset.exclude(author_id__in=hidden)
    if listing is Listing.PUBLIC:
        queryset = queryset.filter(visibility=Visibility.PUBLIC)
    else:
        queryset = queryset.filter(_privacy_q(viewer))
    # A repost is only as visible as what it reposts.
    original_ok = Q(repost_of__author__suspended_at__isnull=True) & _privacy_q(
        viewer, "repost_of__"
    )
    if hidden:
        original_ok &= ~Q(repost_of__author_id__in=hidden)
    queryset = queryset.filter(Q(repost_of__isnull=True) | original_ok)
    return _not_withheld(queryset, viewer)


def filter_visible_posts(posts: Iterable[Post], viewer: Viewer, listing: Listing) -> list[Post]:
    """The same rules as :func:`visible_posts`, applied to posts already loaded (in order).

    For pages loaded by id: the posts must come with ``author``, ``repost_of`` and
    ``repost_of__author`` selected. Costs at most two small queries (follows and
    mentions), and only when followers-only posts of others are on the page.
    """
    posts = list(posts)
    hidden = viewer.hidden_author_ids(include_mutes=listing is not Listing.DIRECT)
    me = viewer.account_id
    withheld_accounts, withheld_posts = viewer.withheld_ids
    followed, mentioned = _private_grants(viewer, posts)

    def privacy_allows(post: Post) -> bool:
        return (
            post.visibility in (Visibility.PUBLIC, Visibility.UNLISTED)
            or (me is not None and post.author_id == me)
            or post.author_id in followed
            or post.id in mentioned
        )

    def reachable(post: Post) -> bool:
        return post.author.suspended_at is None and post.author_id not in hidden

    def withheld(post: Post) -> bool:
        if post.author_id == me:
            return False
        return post.author_id in withheld_accounts or post.id in withheld_posts

    def allowed(post: Post) -> bool:
        if not reachable(post) or withheld(post):
            return False
        if listing is Listing.PUBLIC:
            if post.visibility != Visibility.PUBLIC:
                return False
        elif not privacy_allows(post):
            return False
        original = post.repost_of
        if original is None:
            return True
        return reachable(original) and privacy_allows(original) and not withheld(original)

    return [post for post in posts if allowed(post)]


def _private_grants(viewer: Viewer, posts: list[Post]) -> tuple[set[int], set[int]]:
    """(followed author ids, ids of posts mentioning the viewer) among others' followers-only posts."""
    me = viewer.account_id
    if me is None:
        return set(), set()
    private = [
        p
        for post in posts
        for p in (post, post.repost_of)
        if p is not None and p.visibility == Visibility.FOLLOWERS and p.author_id != me
    ]
    if not private:
        return set(), set()
    followed = set(
        Follow.objects.filter(
            follower_id=me, followee_id__in={p.author_id for p in private}
        ).values_list("followee_id", flat=True)
    )
    mentioned = set(
        Mention.objects.filter(
            account_id=me, post_id__in={p.id for p in private if p.author_id not in followed}
        ).values_list("post_id", flat=True)
    )
    return followed, mentioned


#: Above this many withheld subjects, lists probe the ``WithheldSubject`` index per row
#: instead of sending the ids as a literal list.
LITERAL_WITHHELD_LIMIT = 300


def _withheld_ref(viewer: Viewer, kind: str, ref: str) -> Q:
    """Q matching rows whose ``ref`` (an account id or a post id) is withheld for the viewer."""
    accounts, posts = viewer.withheld_ids
    ids = accounts if kind == "account" else posts
    if len(accounts) + len(posts) <= LITERAL_WITHHELD_LIMIT:
        return Q(**{f"{ref}__in": ids}) if ids else Q(pk__in=[])
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


def _not_withheld(queryset: QuerySet[Post], viewer: Viewer) -> QuerySet[Post]:
    """Drop posts withheld for the viewer: by author, by post, or as reposts of such posts."""
    if not _has_withheld(viewer):
        return queryset
    me = viewer.account_id
    nobody = Q(pk__in=[])
    mine = Q(author_id=me) if me is not None else nobody
    original_mine = Q(repost_of__author_id=me) if me is not None else nobody
    own = (
        _withheld_ref(viewer, "account", "author_id") | _withheld_ref(viewer, "post", "id")
    ) & ~mine
    reposted = (
        _withheld_ref(viewer, "account", "repost_of__author_id")
        | _withheld_ref(viewer, "post", "repost_of_id")
    ) & ~original_mine
    return queryset.exclude(own | reposted)


def visible_accounts(queryset: QuerySet[Account], viewer: Viewer) -> QuerySet[Account]:
    queryset = queryset.filter(suspended_at__isnull=True)
    if viewer.blocked_by_ids:
        queryset = queryset.exclude(id__in=viewer.blocked_by_ids)
    if viewer.withheld_ids[0]:
        mine = Q(id=viewer.account_id) if viewer.account_id else Q(pk__in=[])
        queryset = queryset.exclude(_withheld_ref(viewer, "account", "id") & ~mine)
    return queryset


def visible_hashtag_links(queryset: QuerySet[PostHashtag], viewer: Viewer) -> QuerySet[PostHashtag]:
    """Hashtag uses that count for ``viewer`` (trends): listed, live authors, nothing withheld."""
    queryset = queryset.filter(listed=True, author__suspended_at__isnull=True)
    if _has_withheld(viewer):
        queryset = queryset.exclude(
            _withheld_ref(viewer, "account", "author_id") | _withheld_ref(viewer, "post", "post_id")
        )
    return queryset


def visible_notifications(
    queryset: QuerySet[Notification], viewer: Viewer
) -> QuerySet[Notification]:
    """Notifications whose actor and post the viewer may still see; mutes and blocks hide them."""
    hidden = viewer.hidden_author_ids(include_mutes=True)
    queryset = queryset.filter(actor__suspended_at__isnull=True)
    if hidden:
        queryset = queryset.exclude(actor_id__in=hidden)
    queryset = queryset.filter(Q(post__isnull=True) | Q(post__author__suspended_at__isnull=True))
    if _has_withheld(viewer):
        queryset = queryset.exclude(
            _withheld_ref(viewer, "account", "actor_id")
            | _withheld_ref(viewer, "account", "post__author_id")
            | _withheld_ref(viewer, "post", "post_id")
            | _withheld_ref(viewer, "post", "post__repost_of_id")
            | _withheld_ref(viewer, "account", "post__repost_of__author_id")
        )
    return queryset
