"""Pages of what an account keeps for itself: bookmarks, lists and their timelines, filters.

Reads come through ``tidings.social.queries_lists`` (and so through visibility);
every change is one ``do_*`` action; bad input shows the page again with the reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tidings.lib.errors import InvalidInput
from tidings.social import actions, queries
from tidings.social.actions import filters as filter_actions
from tidings.social.models_lists import Filter, FilterAction, FilterContext, RepliesPolicy
from tidings.social.queries_lists import (
    access_filter,
    access_list,
    bookmarks,
    list_members,
    list_timeline,
    own_lists,
)
from tidings.visibility import access_account
from tidings.web.views.actions import _post_action
from tidings.web.views.base import handles_errors, sign_in_required, signed_in
from tidings.web.views.pages import older_url, post_list_context

bookmark = _post_action(actions.do_bookmark)
unbookmark = _post_action(actions.do_unbookmark)
pin = _post_action(actions.do_pin)
unpin = _post_action(actions.do_unpin)


@sign_in_required
def bookmark_list(request: HttpRequest) -> HttpResponse:
    """The viewer's bookmarks it may still see, newest bookmark first, paged by bookmark id."""
    viewer = request.viewer  # type: ignore[attr-defined]
    cursor = queries.Cursor.from_params(request.GET)
    posts, ids = bookmarks(viewer, cursor)
    context = {
        "heading": "Bookmarks",
        "intro": "Posts you saved. Only you see this list.",
        "empty_text": "No bookmarks yet. Use 🔖 on a post to keep it here.",
        **post_list_context(request, posts, cursor),
        "older_url": older_url(request, ids[-1] if len(ids) >= cursor.limit else None),
    }
    return render(request, "web/timeline.html", context)


@require_http_methods(["GET", "POST"])
@sign_in_required
def lists_page(request: HttpRequest) -> HttpResponse:
    """The viewer's lists, and a form to make one."""
    viewer = request.viewer  # type: ignore[attr-defined]
    error, status = "", 200
    if request.method == "POST":
        try:
            made = actions.do_create_list(
                request.POST.get("title", ""),
                replies_policy=request.POST.get("replies_policy", RepliesPolicy.LIST),
                exclusive=request.POST.get("exclusive") == "on",
                acting_user=signed_in(request),
            )
        except InvalidInput as refused:
            error, status = refused.message, 422
        else:
            return redirect("web:list", list_id=made.id)
    context = {
        "lists": own_lists(viewer),
        "error": error,
        "title": request.POST.get("title", "")[:200],
        "policies": RepliesPolicy.choices,
    }
    return render(request, "web/lists.html", context, status=status)


@sign_in_required
@handles_errors
def list_page(request: HttpRequest, list_id: int) -> HttpResponse:
    """A list's timeline (the viewer's home filters apply) and its members."""
    viewer = request.viewer  # type: ignore[attr-defined]
    account_list = access_list(viewer, list_id)
    cursor = queries.Cursor.from_params(request.GET)
    posts = list_timeline(viewer, account_list, cursor)
    members, _ = list_members(viewer, account_list, queries.Cursor(limit=40))
    context = {
        "account_list": account_list,
        "members": members,
        "empty_text": "No posts from this list's members yet.",
        **post_list_context(request, posts, cursor, "home"),
    }
    return render(request, "web/list.html", context)


@require_POST
@sign_in_required
@handles_errors
def list_members_change(request: HttpRequest, list_id: int) -> HttpResponse:
    """Add an account the viewer follows (by handle) to the list, or take one out."""
    viewer = request.viewer  # type: ignore[attr-defined]
    account_list = access_list(viewer, list_id)
    me = signed_in(request)
    if request.POST.get("remove"):
        try:
            ids = [int(request.POST["remove"])]
        except ValueError:
            ids = []
        actions.do_remove_list_accounts(account_list, ids, acting_user=me)
    else:
        handle = request.POST.get("handle", "").strip().lstrip("@")[:100]
        try:
            account = access_account(viewer, handle)
            actions.do_add_list_accounts(account_list, [account], acting_user=me)
        except InvalidInput as refused:
            messages.error(request, refused.message)
    return redirect("web:list", list_id=account_list.id)


@require_POST
@sign_in_required
@handles_errors
def list_delete(request: HttpRequest, list_id: int) -> HttpResponse:
    viewer = request.viewer  # type: ignore[attr-defined]
    actions.do_delete_list(access_list(viewer, list_id), acting_user=signed_in(request))
    return redirect("web:lists")


@require_http_methods(["GET", "POST"])
@sign_in_required
def filters_page(request: HttpRequest) -> HttpResponse:
    """The viewer's keyword filters, and a form to make one (one keyword per line)."""
    error, status = "", 200
    if request.method == "POST":
        words = [w for w in request.POST.get("keywords", "").splitlines() if w.strip()]
        try:
            filter_actions.do_create_filter(
                request.POST.get("title", ""),
                context=request.POST.getlist("context"),
                action=request.POST.get("action", FilterAction.WARN),
                keywords=[(w, request.POST.get("whole_word") == "on") for w in words],
                acting_user=signed_in(request),
            )
        except InvalidInput as refused:
            error, status = refused.message, 422
        else:
            return redirect("web:filters")
    rows = Filter.objects.filter(account=signed_in(request)).prefetch_related("keywords")
    context = {
        "filters": rows.order_by("id"),
        "error": error,
        "contexts": FilterContext.choices,
        "filter_actions": FilterAction.choices,
        "title": request.POST.get("title", "")[:200],
    }
    return render(request, "web/filters.html", context, status=status)


@require_POST
@sign_in_required
@handles_errors
def filter_delete(request: HttpRequest, filter_id: int) -> HttpResponse:
    viewer = request.viewer  # type: ignore[attr-defined]
    filter_actions.do_delete_filter(
        access_filter(viewer, filter_id), acting_user=signed_in(request)
    )
    return redirect("web:filters")
