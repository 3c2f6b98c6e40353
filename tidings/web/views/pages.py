"""Reading pages: timelines, profiles, threads, follow lists, search and notifications."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from tidings.social import queries
from tidings.social import search as social_search
from tidings.social.filtering import ViewerFilters, filter_posts
from tidings.social.models import Post
from tidings.social.notification_groups import notification_groups
from tidings.social.queries_direct import polls_for
from tidings.social.queries_lists import pinned_posts
from tidings.visibility import access_account, access_post
from tidings.web.forms import ComposeForm
from tidings.web.live import live_stream_url
from tidings.web.views.base import handles_errors, sign_in_required

_LONE_HASHTAG_RE = re.compile(r"#(\w+)", re.UNICODE)


def older_url(request: HttpRequest, last_id: int | None) -> str | None:
    """The "Older posts" link: this page's query with ``max_id`` set to the last id shown."""
    if last_id is None:
        return None
    params = {k: v for k, v in request.GET.items() if k not in ("max_id", "since_id", "min_id")}
    params["max_id"] = str(last_id)
    return f"{request.path}?{urlencode(params)}"


def post_list_context(
    request: HttpRequest,
    posts: Sequence[Post],
    cursor: queries.Cursor,
    filter_context: str | None = None,
    *,
    exclusive: bool = False,
) -> dict:
    """Posts plus what the viewer did to them, and the link to the next page if it is full.

    With ``filter_context``, the viewer's filters for it apply: hidden posts go, warned ones
    come with their filter titles (``filtered``); the next page follows the whole page. With
    ``exclusive`` (home), members of the viewer's exclusive lists are left out too.
    """
    full = len(posts) >= cursor.limit
    last = posts[-1].id if posts and full else None
    filtered: dict[int, list[str]] = {}
    if filter_context is not None:
        filters = ViewerFilters.load(
            request.viewer,  # type: ignore[attr-defined]
            filter_context,
            exclusive=exclusive,
        )
        posts, warned = filters.apply(filters.without_exclusive(posts))
        filtered = {i: [m.filter.title for m in found] for i, found in warned.items()}
    flags = queries.viewer_flags(request.viewer, posts)  # type: ignore[attr-defined]
    return {
        "posts": posts,
        "filtered": filtered,
        "flags": flags,
        "polls": polls_for(request.viewer, posts, with_poll=flags.with_poll),  # type: ignore[attr-defined]
        "older_url": older_url(request, last),
    }


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in account's home timeline; anonymous visitors see the public one."""
    if request.viewer.account is None:  # type: ignore[attr-defined]
        return redirect("web:public")
    cursor = queries.Cursor.from_params(request.GET)
    posts = queries.home_timeline(request.viewer, cursor)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "heading": "Home",
        "compose_form": ComposeForm(),
        "empty_text": "Nothing here yet. Follow people to see their posts, or write one.",
        "live_stream": live_stream_url(request, "user"),
        **post_list_context(request, posts, cursor, "home", exclusive=True),
    }
    return render(request, "web/timeline.html", context)


def public(request: HttpRequest) -> HttpResponse:
    cursor = queries.Cursor.from_params(request.GET)
    posts = queries.public_timeline(request.viewer, cursor)  # type: ignore[attr-defined]
    context = {
        "heading": "Public timeline",
        "intro": "Every public post on this server, newest first.",
        "empty_text": "No public posts yet.",
        "live_stream": live_stream_url(request, "public"),
        **post_list_context(request, posts, cursor, "public"),
    }
    return render(request, "web/timeline.html", context)


def hashtag(request: HttpRequest, name: str) -> HttpResponse:
    name = name.lstrip("#")
    cursor = queries.Cursor.from_params(request.GET)
    posts = queries.hashtag_timeline(request.viewer, name, cursor)  # type: ignore[attr-defined]
    context = {
        "heading": f"#{name}",
        "intro": f"Public posts tagged #{name}.",
        "empty_text": f"No public posts with #{name} yet.",
        "live_stream": live_stream_url(request, "hashtag", name),
        **post_list_context(request, posts, cursor, "public"),
    }
    return render(request, "web/timeline.html", context)


@handles_errors
def profile(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = request.viewer  # type: ignore[attr-defined]
    account = access_account(viewer, handle)
    cursor = queries.Cursor.from_params(request.GET)
    posts = queries.profile_timeline(viewer, account, cursor)
    listing = post_list_context(request, posts, cursor, "account")
    pinned, warned = filter_posts(
        viewer, "account", pinned_posts(viewer, account) if cursor.max_id is None else []
    )
    filtered = listing["filtered"] | {i: [m.filter.title for m in f] for i, f in warned.items()}
    context = {
        "account": account,
        "relationship": queries.relationship(viewer, account),
        "empty_text": f"@{account.username} has not posted anything you can see.",
        **listing,
        "pinned": pinned,
        "filtered": filtered,
        "flags": queries.viewer_flags(viewer, [*pinned, *listing["posts"]]),
    }
    return render(request, "web/profile.html", context)


@handles_errors
def post_detail(request: HttpRequest, handle: str, post_id: int) -> HttpResponse:
    """A thread: the ancestors, the post, its replies and a reply form."""
    viewer = request.viewer  # type: ignore[attr-defined]
    post = access_post(viewer, post_id)
    if post.repost_of_id is not None:
        post = post.repost_of
    if post.author.username != handle:
        return HttpResponseRedirect(
            reverse("web:post", args=[post.author.username, post.id]), status=301
        )
    ancestors, replies = queries.thread(viewer, post)
    ancestors, warned = filter_posts(viewer, "thread", ancestors)
    replies, warned_below = filter_posts(viewer, "thread", replies)
    filtered = {i: [m.filter.title for m in f] for i, f in (warned | warned_below).items()}
    reply_form = None
    if viewer.account is not None:
        prefix = "" if post.author_id == viewer.account_id else f"@{post.author.username} "
        reply_form = ComposeForm(initial={"in_reply_to": post.id, "text": prefix})
    context = {
        "post": post,
        "ancestors": ancestors,
        "replies": replies,
        "filtered": filtered,
        "flags": queries.viewer_flags(viewer, [*ancestors, post, *replies]),
        "compose_form": reply_form,
    }
    return render(request, "web/post.html", context)


@handles_errors
def follow_list(request: HttpRequest, handle: str, *, followers: bool) -> HttpResponse:
    viewer = request.viewer  # type: ignore[attr-defined]
    account = access_account(viewer, handle)
    cursor = queries.Cursor.from_params(request.GET)
    accounts, next_id = queries.follow_list(viewer, account, cursor, followers=followers)
    context = {
        "account": account,
        "accounts": accounts,
        "followers": followers,
        "heading": (
            f"People following @{account.username}"
            if followers
            else f"People @{account.username} follows"
        ),
        "older_url": older_url(request, next_id),
        "older_label": "More",
    }
    return render(request, "web/follow_list.html", context)


def followers(request: HttpRequest, handle: str) -> HttpResponse:
    return follow_list(request, handle, followers=True)


def following(request: HttpRequest, handle: str) -> HttpResponse:
    return follow_list(request, handle, followers=False)


def search(request: HttpRequest) -> HttpResponse:
    """Accounts, hashtags and posts matching ``q``; a lone ``#tag`` goes to the tag's page."""
    viewer = request.viewer  # type: ignore[attr-defined]
    query = request.GET.get("q", "").strip()[:200]
    lone_tag = _LONE_HASHTAG_RE.fullmatch(query)
    if lone_tag:
        return redirect("web:hashtag", name=lone_tag.group(1).lower())
    context: dict[str, Any] = {"query": query}
    if query:
        cursor = queries.Cursor.from_params(request.GET)
        posts = social_search.search_posts(viewer, query, cursor)
        first_page = cursor.max_id is None
        context |= {
            "accounts": social_search.search_accounts(viewer, query) if first_page else [],
            "hashtags": social_search.search_hashtags(query) if first_page else [],
            **post_list_context(request, posts, cursor),
        }
    return render(request, "web/search.html", context)


@sign_in_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The viewer's notifications, newest first, favourites, reposts and follows grouped as
    Mastodon groups them, less what the viewer's hide filters take. Reading changes nothing:
    "Mark all as read" POSTs."""
    viewer = request.viewer  # type: ignore[attr-defined]
    cursor = queries.Cursor.from_params(request.GET)
    found = notification_groups(viewer, cursor)
    groups, rows = found.groups, found.rows
    full = len(groups) >= cursor.limit
    posts = [g.post for g in groups if g.post is not None]
    context = {
        "groups": groups,
        "newest_id": rows[0].id if rows else None,
        "filtered": {g.post.id: [m.filter.title for m in g.filtered] for g in groups if g.filtered},
        "flags": queries.viewer_flags(viewer, posts),
        "older_url": older_url(request, rows[-1].id if rows and full else None),
        "pending_follow_requests": queries.follow_requests_count(viewer),
    }
    return render(request, "web/notifications.html", context)
