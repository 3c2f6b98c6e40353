"""Editing one's post, and the page of a post's versions (for whoever may see the post)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social import queries
from tidings.social.actions import do_edit_post
from tidings.social.edits import post_versions
from tidings.social.models import POST_MAX_LENGTH
from tidings.visibility import access_post
from tidings.web.views.base import handles_errors, sign_in_required, signed_in


class EditPostForm(forms.Form):
    text = forms.CharField(
        label="Your post",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-max-length": POST_MAX_LENGTH}),
    )


@require_http_methods(["GET", "POST"])
@sign_in_required
@handles_errors
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    """The author's form to change a post's text; anyone else is refused (403)."""
    viewer = request.viewer  # type: ignore[attr-defined]
    post = access_post(viewer, post_id)
    if post.author_id != signed_in(request).id or post.repost_of_id is not None:
        raise NotPermitted("Only the author can edit a post.")
    form = EditPostForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "GET":
        form = EditPostForm(initial={"text": post.text})
    elif form.is_valid():
        try:
            do_edit_post(post, form.cleaned_data["text"], acting_user=signed_in(request))
        except InvalidInput as error:
            form.add_error("text", error.message)
            status = 422
        else:
            messages.success(request, "Your post was edited.")
            return HttpResponseRedirect(reverse("web:post", args=[post.author.username, post.id]))
    else:
        status = 422
    return render(request, "web/post_edit.html", {"post": post, "form": form}, status=status)


@require_GET
@handles_errors
def post_history(request: HttpRequest, handle: str, post_id: int) -> HttpResponse:
    """Every version of a post, oldest first: 404 or 451 exactly where the post itself is."""
    viewer = request.viewer  # type: ignore[attr-defined]
    post = access_post(viewer, post_id)
    if post.repost_of_id is not None:
        post = post.repost_of
    if post.author.username != handle:
        return HttpResponseRedirect(
            reverse("web:post_history", args=[post.author.username, post.id]), status=301
        )
    context = {
        "post": post,
        "versions": post_versions(post),
        "flags": queries.viewer_flags(viewer, [post]),
    }
    return render(request, "web/post_history.html", context)
