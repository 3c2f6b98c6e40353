"""Template filters for rendering posts, accounts and times."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from tidings.lib.countries import country_name as _country_name
from tidings.social.models import Account, AccountKind, Post
from tidings.social.queries import ViewerFlags
from tidings.social.text import render_post_html
from tidings.visibility import can_view_account, withheld_extension

register = template.Library()


@register.filter
def post_html(text: str) -> SafeString:
    """The post text escaped, with hashtags, mentions and links linked (see ``social.text``)."""
    return mark_safe(render_post_html(text or ""))  # noqa: S308 - render_post_html escapes and cleans


@register.filter
def reltime(moment: datetime | None) -> str:
    """A short relative time: "now", "5m", "3h", "2d", then a date."""
    if moment is None:
        return ""
    seconds = (timezone.now() - moment).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d"
    local = timezone.localtime(moment)
    if local.year == timezone.localtime().year:
        return f"{local.day} {local:%b}"
    return f"{local.day} {local:%b %Y}"


@register.filter
def favourited_in(post: Post, flags: ViewerFlags | None) -> bool:
    return bool(flags) and flags.favourited_post(post)


@register.filter
def reposted_in(post: Post, flags: ViewerFlags | None) -> bool:
    return bool(flags) and flags.reposted_post(post)


@register.filter
def shows_kind(kind: str) -> bool:
    """Whether an account's kind is worth a label (everything but an ordinary person)."""
    return bool(kind) and kind != AccountKind.PERSON


@register.filter
def country_name(code: str) -> str:
    return _country_name(code) if code else ""


@register.filter
def initial(name: str) -> str:
    return (name or "?")[:1].upper()


@register.simple_tag(takes_context=True)
def withheld_note(context: dict, subject: Post | Account) -> str:
    """ "Withheld in India" for viewers outside those countries and for the author; "" otherwise.

    Visibility has already decided the viewer may see ``subject``; this only says
    where it is withheld (the API's ``withheld`` extension in words).
    """
    request = context.get("request")
    viewer = getattr(request, "viewer", None)
    if viewer is None:
        return ""
    extension = withheld_extension(viewer, subject)
    if not extension:
        return ""
    places = " and ".join(
        _country_name(code)
        for code in extension["country_codes"]  # type: ignore[union-attr]
    )
    return f"Withheld in {places} in response to a legal demand."


@register.simple_tag(takes_context=True)
def viewer_may_see(context: dict, account: Account | None) -> bool:
    """Whether the page's viewer may see ``account`` (e.g. the one a reply answers)."""
    request = context.get("request")
    viewer = getattr(request, "viewer", None)
    return account is not None and viewer is not None and can_view_account(viewer, account)
