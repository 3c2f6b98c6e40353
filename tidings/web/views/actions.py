"""Form posts that change state: each checks input, fetches through access_*, calls one do_*.

Every endpoint works as a plain form POST (redirects back) and from htmx
(answers with the fragment to swap in).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tidings.lib.errors import InvalidInput
from tidings.social import actions, queries
from tidings.social.models import Account, Post
from tidings.visibility import access_account, access_account_to_undo, access_post
from tidings.web.forms import ComposeForm
from tidings.web.views.base import (
    handles_errors,
    is_htmx,
    redirect_back,
    sign_in_required,
    signed_in,
)


@require_http_methods(["GET", "POST"])
@sign_in_required
@handles_errors
def compose(request: HttpRequest) -> HttpResponse:
    """Write a post or a reply, with images or a poll. GET shows the form on its own page (for
    use without JavaScript)."""
    viewer = request.viewer  # type: ignore[attr-defined]
    if request.method == "GET":
        return render(request, "web/compose.html", {"compose_form": ComposeForm()})
    form = ComposeForm(request.POST, request.FILES)
    parent: Post | None = None
    if form.is_valid():
        reply_to_id = form.cleaned_data["in_reply_to"]
        parent = access_post(viewer, reply_to_id) if reply_to_id else None
        images = form.images()
        poll = form.cleaned_data["poll"]
        try:
            if poll is not None:
                post = actions.do_create_post_with_poll(
                    form.cleaned_data["text"],
                    poll=poll,
                    acting_user=signed_in(request),
                    visibility=form.cleaned_data["visibility"],
                    in_reply_to=parent,
                )
            else:
                post = actions.do_post_with_images(
                    form.cleaned_data["text"],
                    images,
                    acting_user=signed_in(request),
                    visibility=form.cleaned_data["visibility"],
                    in_reply_to=parent,
                )
        except InvalidInput as error:
            form.add_error(None if images and _about_images(error) else "text", error.message)
    if not form.is_valid():
        return _compose_refused(request, form)
    undescribed = sum(1 for _, description in images if not description.strip())
    reminder = missing_alt_text_reminder(undescribed)
    if is_htmx(request):
        fresh = ComposeForm(initial={"in_reply_to": parent.id, "text": ""} if parent else None)
        context = {
            "compose_form": fresh,
            "new_post": post,
            "flags": queries.viewer_flags(viewer, [post]),
            "posted": True,
            "alt_text_reminder": reminder,
        }
        return render(request, "web/_compose_result.html", context)
    if reminder:
        messages.warning(request, reminder)
    default = reverse("web:post", args=[parent.author.username, parent.id]) if parent else "/"
    return redirect_back(request, default)


def _about_images(error: InvalidInput) -> bool:
    return any(word in error.message for word in ("image", "pixels", "MB", "description"))


def missing_alt_text_reminder(undescribed: int) -> str:
    """A reminder (never a refusal) that some posted images have no description."""
    if not undescribed:
        return ""
    which = "1 image has" if undescribed == 1 else f"{undescribed} images have"
    return (
        f"Posted, but {which} no description: people who use a screen reader "
        "will not know what they show. Next time, add a description to each image."
    )


def _compose_refused(request: HttpRequest, form: ComposeForm) -> HttpResponse:
    """The form again, with the reason and the text kept, status 422."""
    template = "web/_compose.html" if is_htmx(request) else "web/compose.html"
    return render(request, template, {"compose_form": form}, status=422)


def _post_action(
    do: Callable[..., object], *, fragment: str = "actions"
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST endpoint that applies ``do`` to a post the viewer may see."""

    @require_POST
    @sign_in_required
    @handles_errors
    def view(request: HttpRequest, post_id: int) -> HttpResponse:
        viewer = request.viewer  # type: ignore[attr-defined]
        post = access_post(viewer, post_id)
        do(post, acting_user=signed_in(request))
        original = post.repost_of if post.repost_of_id is not None else post
        if is_htmx(request):
            if fragment == "removed":
                return HttpResponse("")
            original = access_post(viewer, original.id)
            context = {"target": original, "flags": queries.viewer_flags(viewer, [original])}
            return render(request, "web/_post_actions.html", context)
        if fragment == "removed":
            return _back_from_deleted(request, post.author.username, post_id)
        return redirect_back(
            request, reverse("web:post", args=[original.author.username, original.id])
        )

    view.__doc__ = f"POST: {do.__doc__ or do.__name__}"
    return view


def _back_from_deleted(request: HttpRequest, handle: str, post_id: int) -> HttpResponse:
    """Back where the form was, unless that was the deleted post's own page."""
    profile_url = reverse("web:profile", args=[handle])
    response = redirect_back(request, profile_url)
    if response.url.split("?")[0].endswith(f"/{post_id}"):
        return redirect(profile_url)
    return response


def _account_action(
    do: Callable[..., object], *, undo: bool = False
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A POST endpoint that applies ``do`` (follow, block, mute…) to an account.

    An undo (unfollow, unblock, unmute) always works, even on an account hidden
    from the viewer; it then goes back without showing the account.
    """

    @require_POST
    @sign_in_required
    @handles_errors
    def view(request: HttpRequest, handle: str) -> HttpResponse:
        viewer = request.viewer  # type: ignore[attr-defined]
        account: Account = (access_account_to_undo if undo else access_account)(viewer, handle)
        do(account, acting_user=signed_in(request))
        if is_htmx(request):
            context = {"account": account, "relationship": queries.relationship(viewer, account)}
            return render(request, "web/_relationship.html", context)
        return redirect_back(request, reverse("web:profile", args=[account.username]))

    view.__doc__ = f"POST: {do.__doc__ or do.__name__}"
    return view


favourite = _post_action(actions.do_favourite)
unfavourite = _post_action(actions.do_unfavourite)
repost = _post_action(actions.do_repost)
unrepost = _post_action(actions.do_unrepost)
delete_post = _post_action(actions.do_delete_post, fragment="removed")

follow = _account_action(actions.do_follow)
unfollow = _account_action(actions.do_unfollow, undo=True)
block = _account_action(actions.do_block)
unblock = _account_action(actions.do_unblock, undo=True)
mute = _account_action(actions.do_mute)
unmute = _account_action(actions.do_unmute, undo=True)
