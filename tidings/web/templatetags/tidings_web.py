"""Template filters and tags for rendering posts, accounts and times (cards: ``web.cards``)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from tidings.lib.countries import country_name as _country_name
from tidings.social.models import Account, AccountKind, Post
from tidings.social.queries import ViewerFlags
from tidings.social.text import render_post_html
from tidings.visibility import Viewer, can_view_account
from tidings.web import cards, fragments

register = template.Library()


@register.filter
def post_html(text: str) -> SafeString:
    """The post text escaped, with hashtags, mentions and links linked (see ``social.text``)."""
    return mark_safe(render_post_html(text or ""))  # noqa: S308 - render_post_html escapes and cleans


@register.filter
def route(name: str) -> str:
    """``{% url name %}`` for a route without arguments, reversed once per process: the
    header, sidebar and footer link to two dozen of them on every page."""
    return cards.static_route(name)


@register.filter
def profile_url(username: str) -> SafeString:
    """``{% url 'web:profile' username %}``, filled into the route reversed once."""
    return mark_safe(cards.routes().profile(username))  # noqa: S308 - the route escapes it


@register.filter
def hashtag_url(name: str) -> SafeString:
    """``{% url 'web:hashtag' name %}``, filled into the route reversed once."""
    return mark_safe(cards.routes().hashtag(name))  # noqa: S308 - the route escapes it


@register.filter
def reltime(moment: datetime | None) -> str:
    """A short relative time: "now", "5m", "3h", "2d", then a date."""
    return cards.reltime(moment)


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
def withheld_banner(context: Context, subject: Post | Account) -> SafeString:
    """The withheld banner of a post or profile (see ``cards.withheld_banner``), or ""."""
    return mark_safe(cards.withheld_banner(_viewer(context), subject))  # noqa: S308 - escaped there


@register.simple_tag(takes_context=True)
def viewer_may_see(context: Context, account: Account | None) -> bool:
    """Whether the page's viewer may see ``account`` (e.g. the one a reply answers)."""
    viewer = _viewer(context)
    return account is not None and viewer is not None and can_view_account(viewer, account)


def _viewer(context: Context) -> Viewer | None:
    return getattr(context.get("request"), "viewer", None)


def _card_context(context: Context) -> cards.CardContext:
    flags = context.get("flags")
    here = context.get("here")
    token = context.get("csrf_token")
    polls = context.get("polls")
    return cards.CardContext(
        viewer=_viewer(context),
        flags=flags if isinstance(flags, ViewerFlags) else None,
        here="" if here is None else str(here),
        csrf_token=str(token) if token else "",
        polls=polls if isinstance(polls, dict) else None,
    )


@register.simple_tag(takes_context=True)
def post_card(
    context: Context, post: Post, highlight: bool | None = None, pinned: bool = False
) -> SafeString:
    """A post as an ``<article>`` with its actions; ``highlight`` defaults to the context's.
    A post the viewer's warn filters match (the context's ``filtered``: titles by post id)
    comes collapsed behind "Filtered: …"."""
    if highlight is None:
        highlight = bool(context.get("highlight"))
    card = cards.post_card(post, _card_context(context), highlight=highlight, pinned=pinned)
    titles = (context.get("filtered") or {}).get(post.id)
    if titles:
        card = cards.filtered_card(card, titles)
    return mark_safe(card)  # noqa: S308 - cards escape every value


@register.simple_tag(takes_context=True)
def post_actions(context: Context, target: Post) -> SafeString:
    """The reply/repost/favourite/delete bar of an original post (htmx swaps it)."""
    return mark_safe(cards.post_actions(target, _card_context(context)))  # noqa: S308 - cards escape every value


@register.simple_tag
def avatar(acct: Account, large: bool = False) -> SafeString:
    return mark_safe(cards.avatar(acct, large=bool(large)))  # noqa: S308 - cards escape every value


@register.simple_tag
def account_name(acct: Account) -> SafeString:
    """Name, badges and handle of an account."""
    return mark_safe(cards.account_name(acct))  # noqa: S308 - cards escape every value


@register.simple_tag(takes_context=True)
def compose_box(context: Context) -> SafeString:
    """``web/_compose.html`` for the context's ``compose_form``; a fresh, empty form comes
    from the per-process fragment (``web.fragments``) with this request's CSRF token."""
    token = context.get("csrf_token")
    token = str(token) if token else ""
    if (
        fragments.is_blank_compose(context.get("compose_form"))
        and token
        and token != "NOTPROVIDED"  # noqa: S105 - Django's marker, not a secret
        and not context.get("alt_text_reminder")
        and not context.get("posted")
    ):
        here = context.get("here")
        return mark_safe(  # noqa: S308 - the fragment escapes what it fills in
            fragments.blank_compose(csrf_token=token, here="" if here is None else str(here))
        )
    template = context.template.engine.get_template("web/_compose.html")  # type: ignore[union-attr]
    return mark_safe(template.render(context))  # noqa: S308 - a template's own output
