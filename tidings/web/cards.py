"""Post cards, their action bars, avatars and account names, rendered in Python.

These partials appear twenty or more times on every timeline page, so they are
built from strings here rather than from nested template includes. Every value
taken from an object is escaped with ``escape`` below (as Django's autoescape
does); the only markup inserted unescaped is ``render_post_html``'s, which
escapes and cleans the post text itself. URLs are reversed once per process (per
script prefix) and filled in per post.

The template tags ``post_card``, ``post_actions``, ``avatar`` and ``account_name``
(``tidings_web``) call these; the ``web/_post.html``-style partials are thin
wrappers around the tags, so every page shows the same markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dates import MONTHS

from tidings.lib.countries import withheld_where
from tidings.lib.images import avatar_path
from tidings.social.models import Account, AccountKind, Post, Visibility
from tidings.social.models_media import MediaAttachment, media_path
from tidings.social.queries import ViewerFlags
from tidings.social.queries_direct import PollView, polls_for
from tidings.social.text import render_post_html
from tidings.visibility import Viewer, can_view_account, withheld_extension, withheld_notices

# What Django's ``reverse`` leaves unquoted in a path argument.
_PATH_SAFE = "!$&'()*+,;=/~:@"
_HANDLE = "zQhandleQz"
_ID = 918273645546372819


def escape(value: object) -> str:
    """HTML-escaped ``str(value)``, exactly as Django's ``escape`` (without the lazy wrapper)."""
    return html.escape(str(value))


def reltime(moment: datetime | None, now: datetime | None = None) -> str:
    """A short relative time: "now", "5m", "3h", "2d", then a date (``now`` defaults to the clock)."""
    if moment is None:
        return ""
    if now is None:
        now = timezone.now()
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d"
    local = timezone.localtime(moment)
    if local.year == timezone.localtime(now).year:
        return f"{local.day} {local:%b}"
    return f"{local.day} {local:%b %Y}"


def _time_attributes(moment: datetime, zone: tzinfo) -> tuple[str, str]:
    """(``moment|date:'c'``, ``moment|date:'j F Y, H:i e'``) with ``zone`` as the current time zone."""
    local = moment.astimezone(zone) if timezone.is_aware(moment) else moment
    name = (local.tzname() or "") if local.tzinfo else ""
    title = (
        f"{local.day} {MONTHS[local.month]} {local.year:04d}, "
        f"{local.hour:02d}:{local.minute:02d} {name}"
    )
    return local.isoformat(), title


def withheld_note(viewer: Viewer | None, subject: Post | Account) -> str:
    """ "Withheld in India…" for a subject withheld somewhere; "" otherwise or without a viewer.

    Visibility has already decided the viewer may see ``subject``; this only says
    where it is withheld (the API's ``withheld`` extension in words).
    """
    if viewer is None:
        return ""
    extension = withheld_extension(viewer, subject)
    if not extension:
        return ""
    where = withheld_where(extension["country_codes"])  # type: ignore[arg-type]
    return f"Withheld {where} in response to a legal demand."


def withheld_banner(viewer: Viewer | None, subject: Post | Account) -> str:
    """The banner on a withheld post or profile, as HTML ("" when it is withheld nowhere).

    Says where, then for each withholding in force who asked and under which law (the
    redaction policy decides how much of the law), with a link to its public notice; the
    author also gets the link to appeal. Costs no query: the withheld index carries it.
    """
    note = withheld_note(viewer, subject)
    if not note or viewer is None:
        return ""
    is_account = isinstance(subject, Account)
    owner_id = subject.id if is_account else subject.author_id  # type: ignore[union-attr]
    own = viewer.account_id is not None and viewer.account_id == owner_id
    notices = withheld_notices(viewer, subject)
    lead = "Your account is withheld in some countries. " if own and is_account else ""
    out = [f'<div class="post__withheld" role="note"><p>{escape(lead + note)}</p>']
    for notice in notices:
        sentence = f"{escape(notice.sentence)} " if notice.sentence else ""
        out.append(f'<p>{sentence}<a href="{escape(notice.url)}">Read the public notice</a></p>')
    if own:
        appeal = reverse("web:appeal_new")
        if not is_account:
            appeal += f"?post={subject.id}"
        elif len(notices) == 1:
            appeal += f"?withholding={notices[0].withholding_id}"
        out.append(f'<p><a href="{escape(appeal)}">Appeal this decision</a></p>')
    out.append("</div>")
    return "".join(out)


class _Route:
    """A reversed URL split around its arguments, so filling it in costs a join."""

    __slots__ = ("parts",)

    def __init__(self, name: str, *args: str | int) -> None:
        url = reverse(name, args=list(args))
        parts: list[str] = []
        for arg in args:
            head, _, url = url.partition(str(arg))
            parts.append(head)
        parts.append(url)
        self.parts = tuple(parts)

    def __call__(self, *args: str | int) -> str:
        out = [self.parts[0]]
        for arg, tail in zip(args, self.parts[1:], strict=True):
            out.append(quote(arg, safe=_PATH_SAFE) if isinstance(arg, str) else str(arg))
            out.append(tail)
        return escape("".join(out))


@dataclass(frozen=True)
class _Routes:
    profile: _Route
    post: _Route
    repost: _Route
    unrepost: _Route
    favourite: _Route
    unfavourite: _Route
    delete_post: _Route
    edit_post: _Route
    post_history: _Route
    bookmark: _Route
    unbookmark: _Route
    pin: _Route
    unpin: _Route
    report_post: _Route
    hashtag: _Route


@lru_cache(maxsize=8)
def _routes_for(script_prefix: str, urlconf: object) -> _Routes:
    return _Routes(
        profile=_Route("web:profile", _HANDLE),
        hashtag=_Route("web:hashtag", _HANDLE),
        post=_Route("web:post", _HANDLE, _ID),
        repost=_Route("web:repost", _ID),
        unrepost=_Route("web:unrepost", _ID),
        favourite=_Route("web:favourite", _ID),
        unfavourite=_Route("web:unfavourite", _ID),
        delete_post=_Route("web:delete_post", _ID),
        edit_post=_Route("web:edit_post", _ID),
        post_history=_Route("web:post_history", _HANDLE, _ID),
        bookmark=_Route("web:bookmark", _ID),
        unbookmark=_Route("web:unbookmark", _ID),
        pin=_Route("web:pin", _ID),
        unpin=_Route("web:unpin", _ID),
        report_post=_Route("web:report_post", _HANDLE, _ID),
    )


def routes() -> _Routes:
    """The card's URL patterns for the current script prefix (reversed once, then reused)."""
    return _routes_for(get_script_prefix(), get_urlconf())


@lru_cache(maxsize=256)
def _static_route(name: str, script_prefix: str, urlconf: object) -> str:
    return reverse(name)


def static_route(name: str) -> str:
    """``reverse(name)`` for a route without arguments, reversed once per script prefix."""
    return _static_route(name, get_script_prefix(), get_urlconf())


@dataclass
class CardContext:
    """What a card needs from the page: the viewer, its flags, the page's path, the CSRF token."""

    viewer: Viewer | None
    flags: ViewerFlags | None
    here: str
    csrf_token: str
    polls: dict[int, PollView] | None = None

    def csrf_input(self) -> str:
        """The ``{% csrf_token %}`` tag's output."""
        token = self.csrf_token
        if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's marker, not a secret
            return ""
        return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def avatar(acct: Account, *, large: bool = False) -> str:
    """An account's avatar, or its initial when it has none (decorative: hidden from screen readers)."""
    size_class = " avatar--large" if large else ""
    if acct.avatar:
        size = "96" if large else "44"
        return (
            f'<img class="avatar{size_class}" src="{escape(avatar_path(acct))}" alt="" '
            f'width="{size}" height="{size}">'
        )
    initial = (acct.name or "?")[:1].upper()
    return (
        f'<span class="avatar avatar--initial{size_class}" aria-hidden="true">'
        f"{escape(initial)}</span>"
    )


def account_name(acct: Account, urls: _Routes | None = None) -> str:
    """An account's name (linked to its profile), verified and kind badges, and handle."""
    urls = urls or routes()
    username = acct.username
    verified = (
        '<span class="badge badge--verified" title="Verified account"><span aria-hidden="true">'
        '✓</span><span class="visually-hidden">(verified)</span></span>'
        if acct.verified
        else ""
    )
    kind = (
        f'<span class="badge badge--kind">{escape(acct.get_kind_display())}</span>'
        if acct.kind and acct.kind != AccountKind.PERSON
        else ""
    )
    return (
        '<span class="account-name">\n'
        f'  <a class="account-name__name" href="{urls.profile(username)}">'
        f"{escape(acct.name)}</a>\n"
        f"  {verified}\n"
        f"  {kind}\n"
        f'  <span class="account-name__handle">@{escape(username)}</span>\n'
        "</span>"
    )


def _count(value: int) -> str:
    return f'<span class="action__count">{value}</span>'


def post_actions(target: Post, page: CardContext, urls: _Routes | None = None) -> str:
    """Reply, repost, favourite and (for the author) delete controls for an original post."""
    urls = urls or routes()
    post_url = urls.post(target.author.username, target.id)
    replies = target.replies_count
    out = [
        '<div class="post-actions">\n'
        f'  <a class="action" href="{post_url}#reply" aria-label="Reply ({replies} '
        f'{"reply" if replies == 1 else "replies"})"><span aria-hidden="true">↩</span> '
        f'<span class="action__label">Reply</span> {_count(replies)}</a>\n'
    ]
    account = page.viewer.account if page.viewer is not None else None
    if account is None:
        out.append(
            '  <span class="action action--disabled"><span aria-hidden="true">⟲</span> '
            f'<span class="action__label">Reposts</span> {_count(target.reposts_count)}</span>\n'
            '  <span class="action action--disabled"><span aria-hidden="true">★</span> '
            '<span class="action__label">Favourites</span> '
            f"{_count(target.favourites_count)}</span>\n"
        )
        out.append("</div>")
        return "".join(out)

    flags = page.flags
    hidden_inputs = (
        f'{page.csrf_input()}<input type="hidden" name="next" value="{escape(page.here)}">'
    )
    if target.visibility in (Visibility.FOLLOWERS, Visibility.DIRECT):
        kind = (
            "Followers-only posts" if target.visibility == Visibility.FOLLOWERS else "Direct posts"
        )
        out.append(
            f'  <span class="action action--disabled" title="{kind} cannot be '
            'reposted"><span aria-hidden="true">⟲</span> <span class="action__label">Repost'
            f"</span> {_count(target.reposts_count)}</span>\n"
        )
    else:
        reposted = bool(flags) and flags.reposted_post(target)  # type: ignore[union-attr]
        url = (urls.unrepost if reposted else urls.repost)(target.id)
        out.append(
            _action_form(
                url,
                hidden_inputs,
                on=reposted,
                symbol="⟲",
                label="Repost",
                count=target.reposts_count,
            )
        )
    favourited = bool(flags) and flags.favourited_post(target)  # type: ignore[union-attr]
    url = (urls.unfavourite if favourited else urls.favourite)(target.id)
    out.append(
        _action_form(
            url,
            hidden_inputs,
            on=favourited,
            symbol="★",
            label="Favourite",
            count=target.favourites_count,
        )
    )
    bookmarked = bool(flags) and flags.bookmarked_post(target)  # type: ignore[union-attr]
    url = (urls.unbookmark if bookmarked else urls.bookmark)(target.id)
    out.append(
        _action_form(url, hidden_inputs, on=bookmarked, symbol="🔖", label="Bookmark", count=None)
    )
    if target.author_id == account.id and target.visibility != Visibility.FOLLOWERS:
        pinned = bool(flags) and flags.pinned_post(target)  # type: ignore[union-attr]
        url = (urls.unpin if pinned else urls.pin)(target.id)
        label = "Unpin" if pinned else "Pin"
        out.append(
            _action_form(url, hidden_inputs, on=pinned, symbol="📌", label=label, count=None)
        )
    if target.author_id == account.id:
        out.append(
            f'  <a class="action" href="{urls.edit_post(target.id)}"><span aria-hidden="true">'
            '✎</span> <span class="action__label">Edit</span></a>\n'
        )
        url = urls.delete_post(target.id)
        out.append(
            f'  <form method="post" action="{url}" hx-post="{url}" hx-target="closest article" '
            'hx-swap="outerHTML" hx-confirm="Delete this post? This cannot be undone." '
            'class="inline-form">\n'
            f"    {hidden_inputs}\n"
            '    <button type="submit" class="action action--danger"><span aria-hidden="true">'
            '✕</span> <span class="action__label">Delete</span></button>\n'
            "  </form>\n"
        )
    else:
        url = urls.report_post(target.author.username, target.id)
        out.append(
            f'  <a class="action action--quiet" href="{url}"><span aria-hidden="true">⚑</span> '
            '<span class="action__label">Report</span></a>\n'
        )
    out.append("</div>")
    return "".join(out)


def _action_form(
    url: str, hidden_inputs: str, *, on: bool, symbol: str, label: str, count: int | None
) -> str:
    """A toggle button posted by htmx, swapping the whole action bar."""
    return (
        f'  <form method="post" action="{url}" hx-post="{url}" hx-target="closest .post-actions" '
        'hx-swap="outerHTML" class="inline-form">\n'
        f"    {hidden_inputs}\n"
        f'    <button type="submit" class="action{" action--on" if on else ""}" '
        f'aria-pressed="{"true" if on else "false"}"><span aria-hidden="true">{symbol}</span> '
        f'<span class="action__label">{label}</span>'
        f"{'' if count is None else ' ' + _count(count)}</button>\n"
        "  </form>\n"
    )


def _edited_marker(target: Post, urls: _Routes) -> str:
    """ "edited", with the time of the last edit, linking to the post's versions."""
    iso, title = _time_attributes(target.edited_at, timezone.get_current_timezone())  # type: ignore[arg-type]
    return (
        f'        <a class="post__edited" href="{urls.post_history(target.author.username, target.id)}"'
        f' title="Edited {escape(title)}: see every version">edited '
        f'<time datetime="{escape(iso)}">{escape(title)}</time></a>\n'
    )


def filtered_card(card: str, titles: list[str]) -> str:
    """A card collapsed behind "Filtered: <titles>" by the viewer's own warn filters; the
    ``<details>`` element opens it without any script."""
    shown = escape(", ".join(titles))
    return (
        '<details class="filtered">\n'
        f'  <summary><span class="filtered__title">Filtered: {shown}</span> '
        '<span class="button button--small button--secondary">Show</span></summary>\n'
        f"{card}\n</details>"
    )


def post_images(media: Sequence[MediaAttachment]) -> str:
    """A post's images, each with its description as alt text, linking to the full image."""
    if not media:
        return ""
    out = ['      <div class="post__media">\n']
    for item in media:
        small = item.meta.get("small", {})
        description = escape(item.description)
        out.append(
            f'        <a href="{escape(media_path(item))}">'
            f'<img src="{escape(media_path(item, small=True))}" alt="{description}" '
            f'width="{int(small.get("width", 0))}" height="{int(small.get("height", 0))}" '
            'loading="lazy"></a>\n'
        )
    out.append("      </div>\n")
    return "".join(out)


def post_card(
    post: Post, page: CardContext, *, highlight: bool = False, pinned: bool = False
) -> str:
    """One post as an ``<article>``; a repost shows the original with who reposted it, and a
    pinned post on its author's profile says "Pinned"."""
    urls = routes()
    target = post.repost_of if post.repost_of_id is not None else post
    author = target.author
    post_id = post.id
    out = [
        f'<article class="post{" post--focus" if highlight else ""}" id="post-{post_id}" '
        f'aria-labelledby="post-{post_id}-author">\n'
    ]
    if pinned:
        out.append(
            '  <p class="post__context post__pinned"><span aria-hidden="true">📌</span> Pinned</p>\n'
        )
    if post.repost_of_id:
        reposter = post.author.username
        out.append(
            '  <p class="post__context"><span aria-hidden="true">⟲</span> '
            f'<a href="{urls.profile(reposter)}">@{escape(reposter)}</a> reposted</p>\n'
        )
    out.append(
        '  <div class="post__body">\n'
        f'    <a class="post__avatar" href="{urls.profile(author.username)}" tabindex="-1" '
        f'aria-hidden="true">{avatar(author)}\n</a>\n'
        '    <div class="post__main">\n'
        f'      <header class="post__header" id="post-{post_id}-author">\n'
        f"        {account_name(author, urls)}\n"
    )
    viewer = page.viewer
    created = target.created_at
    if created is None:
        iso = title = ""
    else:
        iso, title = _time_attributes(created, timezone.get_current_timezone())
    now = viewer.now if viewer is not None else None
    out.append(
        f'        <a class="post__time" href="{urls.post(author.username, target.id)}">'
        f'<time datetime="{escape(iso)}" title="{escape(title)}">{escape(reltime(created, now))}'
        "</time></a>\n"
    )
    if target.edited_at is not None:
        out.append(_edited_marker(target, urls))
    if target.visibility == Visibility.FOLLOWERS:
        out.append(
            '        <span class="badge badge--private" title="Only followers can see this">'
            "Followers only</span>\n"
        )
    elif target.visibility == Visibility.DIRECT:
        out.append(
            '        <span class="badge badge--direct" title="Only the people it mentions can see '
            'this">Direct · mentioned people only</span>\n'
        )
    elif target.visibility == Visibility.UNLISTED:
        out.append(
            '        <span class="badge" title="Not listed on public timelines">Unlisted</span>\n'
        )
    out.append("      </header>\n")
    replied_to = target.in_reply_to_account
    if replied_to is not None and viewer is not None and can_view_account(viewer, replied_to):
        out.append(
            '      <p class="post__reply-to muted">Replying to '
            f'<a href="{urls.profile(replied_to.username)}">@{escape(replied_to.username)}</a>'
            "</p>\n"
        )
    banner = withheld_banner(viewer, target)
    if banner:
        out.append(f"      {banner}\n")
    out.append(
        f'      <div class="post__text{" post__text--large" if highlight else ""}">'
        f"{render_post_html(target.text or '')}</div>\n"
        f"      {poll_block(target, page)}"
        f"{post_images(page.flags.media_of(target) if page.flags else ())}"
        f"      {post_actions(target, page, urls)}\n"
        "    </div>\n"
        "  </div>\n"
        "</article>"
    )
    return "".join(out)


def poll_block(target: Post, page: CardContext) -> str:
    """A post's poll: a vote form (works without JS) while the viewer may vote, else the results."""
    if page.polls is None:  # a card on its own: load its poll (a page loads them all at once)
        if page.viewer is None:
            return ""
        page.polls = polls_for(page.viewer, [target])
    view = page.polls.get(target.id)
    if view is None or page.viewer is None:
        return ""
    viewer = page.viewer
    poll = view.poll
    can_vote = viewer.account_id is not None and not view.voted and not view.expired
    status = (
        "Closed" if view.expired else f"Ends {escape(reltime_until(poll.expires_at, viewer.now))}"
    )
    voters = f"{poll.voters_count} {'person' if poll.voters_count == 1 else 'people'}"
    footer = f'<p class="poll__meta muted">{voters} · {status}</p>'
    if can_vote:
        url = escape(reverse("web:poll_vote", args=[poll.id]))
        kind = "checkbox" if poll.multiple else "radio"
        options = "".join(
            f'<label class="poll__option"><input type="{kind}" name="choices" '
            f'value="{o.position}"> {escape(o.title)}</label>'
            for o in view.options
        )
        return (
            f'<form class="poll" method="post" action="{url}">'
            f'{page.csrf_input()}<input type="hidden" name="next" value="{escape(page.here)}">'
            f'<fieldset><legend class="visually-hidden">Poll</legend>{options}</fieldset>'
            f'<button type="submit" class="button button--secondary">Vote</button>{footer}</form>\n'
        )
    totals = view.show_totals(viewer)
    rows = []
    for o in view.options:
        share = round(100 * o.votes_count / poll.votes_count) if poll.votes_count else 0
        mine = o.position in view.own_votes
        shown = f"{share}%" if totals else ""
        rows.append(
            f'<li class="poll__result{" poll__result--mine" if mine else ""}">'
            f'<span class="poll__share">{shown}</span> {escape(o.title)}'
            f"{' <span class=badge>your vote</span>' if mine else ''}</li>"
        )
    return f'<div class="poll"><ul class="poll__results">{"".join(rows)}</ul>{footer}</div>\n'


def reltime_until(moment: datetime, now: datetime | None = None) -> str:
    """When a future moment comes, short: "in 5m", "in 3h", "in 2d"."""
    seconds = (moment - (now or timezone.now())).total_seconds()
    if seconds < 3600:
        return f"in {max(1, int(seconds // 60))}m"
    if seconds < 86400:
        return f"in {int(seconds // 3600)}h"
    return f"in {int(seconds // 86400)}d"
