"""Direct messages (the conversations page) and voting in polls from a post card."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tidings.social import actions, queries
from tidings.social.queries_direct import conversations, polls_for
from tidings.visibility import access_poll
from tidings.web.forms import ComposeForm
from tidings.web.views.base import handles_errors, redirect_back, sign_in_required, signed_in
from tidings.web.views.pages import older_url


@sign_in_required
def direct_messages(request: HttpRequest) -> HttpResponse:
    """The viewer's conversations, newest message first, with a composer for a new one."""
    viewer = request.viewer  # type: ignore[attr-defined]
    cursor = queries.Cursor.from_params(request.GET)
    entries = conversations(viewer, cursor)
    posts = [e.last_post for e in entries]
    full = len(entries) >= cursor.limit
    flags = queries.viewer_flags(viewer, posts)
    context = {
        "conversations": entries,
        "flags": flags,
        "polls": polls_for(viewer, posts, with_poll=flags.with_poll),
        "compose_form": ComposeForm(initial={"visibility": "direct"}),
        "older_url": older_url(request, entries[-1].cursor_id if full else None),
    }
    return render(request, "web/direct.html", context)


@require_POST
@sign_in_required
@handles_errors
def read_conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """POST: mark one of the viewer's conversations read."""
    actions.do_read_conversation(conversation_id, acting_user=signed_in(request))
    return redirect_back(request, reverse("web:direct"))


@require_POST
@sign_in_required
@handles_errors
def hide_conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """POST: hide one of the viewer's conversations until a new message arrives in it."""
    actions.do_hide_conversation(conversation_id, acting_user=signed_in(request))
    return redirect_back(request, reverse("web:direct"))


@require_POST
@sign_in_required
@handles_errors
def vote(request: HttpRequest, poll_id: int) -> HttpResponse:
    """POST ``choices`` (option indexes): vote in a poll whose post the viewer may see."""
    poll = access_poll(request.viewer, poll_id)  # type: ignore[attr-defined]
    actions.do_vote(poll, request.POST.getlist("choices"), acting_user=signed_in(request))
    post = poll.post
    return redirect_back(request, reverse("web:post", args=[post.author.username, post.id]))
