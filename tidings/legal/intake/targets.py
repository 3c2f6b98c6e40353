"""One cell of an order → what it names: an account, a post here, a post elsewhere, or nothing.

Accepted forms: ``@handle``, ``handle``, ``@handle@host``, this server's ``/@handle`` and
``/@handle/<post id>``, ``/@handle`` and ``/@handle/<id>`` on any other host, and
twitter.com / x.com profile and status links (``www.``, ``mobile.``, ``m.``, http or no
scheme, query strings, fragments and trailing slashes are all ignored). Handles are
returned lower-cased. Surrounding whitespace, quotes, angle brackets, a list marker
(``1.``, ``-``) and trailing ``,;.`` are stripped first.

A status id from another host is *not* one of our post ids, so such a cell is a
``foreign_post`` and never sets ``post_id``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from tidings.social.models import HANDLE_MAX_LENGTH

Kind = Literal["account", "post", "foreign_post", "invalid"]

MAX_POST_ID = 2**63 - 1  # our ids are signed 64-bit
BARE_HANDLE = "handle"  # the reason for a bare handle: the weakest sign of a target column
AT_HANDLE = "@handle"

_SHORT_HANDLE = re.compile(rf"@?([A-Za-z0-9_]{{1,{HANDLE_MAX_LENGTH}}})")
_WORD = re.compile(r"[A-Za-z0-9_]+")
_URL = re.compile(
    r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?"
    r"(?P<host>[^/?#\s@]+)(?P<path>/[^?#]*)?(?:\?[^#]*)?(?:#.*)?",
    re.DOTALL,
)
_SEPARATORS = re.compile(r"[\s,;|]+")
_POST_ID = re.compile(r"[0-9]{1,20}")
_LIST_MARKER = re.compile(r"(?:[0-9]{1,6}[.)]|[-*\u2022])\s+")
_STRIP = " \t\v\f\u00a0\u200b\u200c\u200d\u2060\ufeff\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb<>"
_TRAILING = ",;."
_HOST_PREFIXES = ("www.", "mobile.", "m.")
TWITTER_HOSTS = frozenset({"twitter.com", "x.com"})
# First path segments on twitter.com / x.com that are pages, not handles.
_TWITTER_PAGES = frozenset(
    {
        "about",
        "account",
        "compose",
        "download",
        "explore",
        "hashtag",
        "home",
        "intent",
        "lists",
        "login",
        "logout",
        "messages",
        "notifications",
        "privacy",
        "search",
        "settings",
        "share",
        "signup",
        "tos",
    }
)


@dataclass(frozen=True, slots=True)
class Target:
    """What a cell names. ``handle`` is lower-case; ``host`` is None for a bare handle.

    ``post_id`` is set only for ``post`` (a post on this server); ``foreign_post_id``
    only for ``foreign_post``. ``reason`` says in words what form was recognised or
    why the cell is invalid.
    """

    kind: Kind
    reason: str
    handle: str | None = None
    post_id: int | None = None
    foreign_post_id: int | None = None
    host: str | None = None


def normalise_host(host: str) -> str:
    """Lower-case host without port, trailing dot, or a ``www.``/``mobile.``/``m.`` prefix."""
    host = host.lower().rsplit(":", 1)[0] if host.count(":") == 1 else host.lower()
    host = host.rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def clean_cell(cell: str) -> str:
    """The cell without wrapping quotes, whitespace, list markers or trailing punctuation."""
    while True:
        cleaned = cell.strip(_STRIP).rstrip(_TRAILING)
        if cleaned and (cleaned[0].isdigit() or cleaned[0] in "-*\u2022"):
            marker = _LIST_MARKER.match(cleaned)
            if marker:
                cleaned = cleaned[marker.end() :]
        if cleaned == cell:
            return cell
        cell = cleaned


def invalid(reason: str) -> Target:
    return Target("invalid", reason)


def _handle(text: str, *, reason: str, host: str | None) -> Target:
    """An account target for ``text`` if it is a valid handle, else why not."""
    if len(text) <= HANDLE_MAX_LENGTH and _WORD.fullmatch(text):
        return Target("account", reason, handle=text.lower(), host=host)
    if _WORD.fullmatch(text):
        return invalid(
            f"handle too long ({len(text)} characters; the limit is {HANDLE_MAX_LENGTH})"
        )
    if not text:
        return invalid("no handle after @")
    return invalid("handle has characters other than letters, digits and _")


def _post(handle: str, digits: str, *, host: str, own: bool, reason: str) -> Target:
    account = _handle(handle, reason=reason, host=host)
    if account.kind == "invalid":
        return account
    if not _POST_ID.fullmatch(digits):
        return invalid(f"{reason} with a post number that is not a number")
    number = int(digits)
    if not own:
        return Target(
            "foreign_post", reason, handle=account.handle, foreign_post_id=number, host=host
        )
    if not 0 < number <= MAX_POST_ID:
        return invalid("post number out of range for this server")
    return Target("post", reason, handle=account.handle, post_id=number, host=host)


def _twitter(host: str, segments: list[str]) -> Target:
    if not segments:
        return invalid(f"link to {host} itself, not to an account or post")
    first = segments[0].lstrip("@")
    if first.lower() == "i":
        if segments[1:3] == ["web", "status"] and _POST_ID.fullmatch("".join(segments[3:4])):
            number = int(segments[3])
            return Target("foreign_post", f"{host} status link", foreign_post_id=number, host=host)
        return invalid(f"{host} link that names no handle")
    if first.lower() in _TWITTER_PAGES:
        return invalid(f"{host} {first.lower()} page, not an account or post")
    if len(segments) >= 2 and segments[1].lower() in ("status", "statuses"):
        if len(segments) < 3:
            return invalid(f"{host} status link without a status number")
        return _post(first, segments[2], host=host, own=False, reason=f"{host} status link")
    return _handle(first, reason=f"{host} profile link", host=host)


def _link(host: str, path: str, own_host: str) -> Target:
    segments = [unquote(s) if "%" in s else s for s in path.split("/") if s]
    if host in TWITTER_HOSTS:
        return _twitter(host, segments)
    own = host == own_host
    where = "" if own else f" on {host}"
    if segments and segments[0].startswith("@"):
        handle = segments[0][1:]
        if len(segments) >= 2:
            return _post(handle, segments[1], host=host, own=own, reason=f"post link{where}")
        return _handle(handle, reason=f"profile link{where}", host=host)
    if own and segments and segments[0] == "tags":
        return invalid("tag page, not an account or post")
    if own:
        return invalid("link to this server, but not to an account or post")
    return invalid(f"link to {host}, but not to an account or post")


def parse_target(cell: str, *, own_host: str) -> Target:
    """What ``cell`` names; ``own_host`` is this server's host, already ``normalise_host``-ed."""
    short = _SHORT_HANDLE.fullmatch(cell)  # most cells need no cleaning
    text = cell if short else clean_cell(cell)
    short = short or _SHORT_HANDLE.fullmatch(text)
    if short:  # the common case first: @handle or handle
        return Target("account", AT_HANDLE if text[0] == "@" else BARE_HANDLE, short[1].lower())
    if not text:
        return invalid("empty cell")
    words = [word for word in _SEPARATORS.split(text) if word] if _SEPARATORS.search(text) else []
    if len(words) > 1:
        targets = [parse_target(word, own_host=own_host) for word in words]
        if all(t.kind != "invalid" for t in targets) and not all(
            t.reason == BARE_HANDLE for t in targets
        ):
            return invalid(f"{len(words)} targets on one line; put one per line")
        return invalid("several words, not one handle or link")
    if text.startswith("@"):
        handle, at, host = text[1:].partition("@")
        if not at:
            return _handle(handle, reason=AT_HANDLE, host=None)
        host = normalise_host(host)
        where = "" if host == own_host else f" on {host}"
        return _handle(handle, reason=f"{AT_HANDLE}{where}", host=host)
    url = _URL.fullmatch(text)
    if url:
        scheme = (url["scheme"] or "").lower()
        host = normalise_host(url["host"])
        looks_like_link = scheme in ("http", "https") or (
            not scheme and "." in host and url["path"] is not None
        )
        if looks_like_link and host:
            return _link(host, url["path"] or "", own_host)
        if scheme:
            return invalid("not a web link")
    if "@" in text:
        return invalid("an e-mail address or @handle@host without the leading @")
    if text.startswith("#"):
        return invalid("a hashtag, not an account or post")
    if "/" in text:
        return invalid("not a handle or link")
    return _handle(text, reason=BARE_HANDLE, host=None)
