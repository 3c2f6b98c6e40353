"""One cell of an order → what it names: an account, a post here, a post elsewhere, or nothing.

Accepted forms: ``@handle``, ``handle``, ``@handle@host``; on this server's domain or
one of its aliases every URL form we serve (``/@handle``, ``/@handle/<id>``,
``/users/handle``, ``/users/handle/statuses/<id>``, ``/api/v1/statuses/<id>`` and the
twitter-style ``/handle/status/<id>``); ``/@handle``, ``/users/handle`` and their post
forms on any other host; and twitter.com / x.com profile and status links (``www.``,
``mobile.``, ``m.``, http or no scheme, query strings, fragments and trailing slashes
are all ignored). Handles are returned lower-cased. Surrounding whitespace, quotes,
brackets, a list marker (``1.``, ``-``) and trailing punctuation (``,;.:!?…—`` and
closing brackets) are stripped first.

A status id from another host is *not* one of our post ids, so such a cell is a
``foreign_post`` and never sets ``post_id``. A handle on another server (not ours,
not twitter.com/x.com) is an ``account`` with ``foreign`` set: it is never our
namesake. A shortened link (t.co, bit.ly…) names nothing we can check: ``short_link``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from tidings.social.models import HANDLE_MAX_LENGTH

Kind = Literal["account", "post", "foreign_post", "short_link", "invalid"]
#: This server's host(s), already ``normalise_host``-ed: one, or the domain and its aliases.
OwnHosts = str | frozenset[str]

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
_LEADING = "([{"
# Sentence punctuation after a target: "@alice:", "@bob).", "@carol\u2014", "@x\u2026".
_TRAILING = ",;.:!?)]}\u2026\u2014\u2013"
_MORE_FORMS = frozenset({"followers", "following", "with_replies", "media"})
#: Link shorteners: the target is behind a redirect we do not follow.
SHORTENERS = frozenset(
    {
        "t.co",
        "bit.ly",
        "bitly.com",
        "goo.gl",
        "tinyurl.com",
        "ow.ly",
        "buff.ly",
        "is.gd",
        "v.gd",
        "dlvr.it",
        "fb.me",
        "lnkd.in",
        "rb.gy",
        "cutt.ly",
        "shorturl.at",
        "tiny.cc",
        "t.ly",
        "rebrand.ly",
        "trib.al",
        "s.id",
        "bl.ink",
        "wp.me",
        "short.io",
        "tiny.one",
    }
)
SHORT_LINK = "a shortened link: expand it and send the target"
NOT_LATIN = "handles here are Latin letters, digits and _; this one has other characters"
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
    #: An account on another server (not ours, not twitter.com/x.com): never our namesake.
    foreign: bool = False


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
        cleaned = cell.strip(_STRIP).lstrip(_LEADING).rstrip(_TRAILING)
        if cleaned and (cleaned[0].isdigit() or cleaned[0] in "-*\u2022"):
            marker = _LIST_MARKER.match(cleaned)
            if marker:
                cleaned = cleaned[marker.end() :]
        if cleaned == cell:
            return cell
        cell = cleaned


def invalid(reason: str) -> Target:
    return Target("invalid", reason)


def _handle(text: str, *, reason: str, host: str | None, foreign: bool = False) -> Target:
    """An account target for ``text`` if it is a valid handle, else why not."""
    if len(text) <= HANDLE_MAX_LENGTH and _WORD.fullmatch(text):
        return Target("account", reason, handle=text.lower(), host=host, foreign=foreign)
    if _WORD.fullmatch(text):
        return invalid(
            f"handle too long ({len(text)} characters; the limit is {HANDLE_MAX_LENGTH})"
        )
    if not text:
        return invalid("no handle after @")
    if not text.isascii():
        return invalid(NOT_LATIN)
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


def _own_link(host: str, segments: list[str]) -> Target:
    """A link on this server's domain (or an alias): every URL form we serve."""
    first = segments[0] if segments else ""
    if first.startswith("@"):
        handle = first[1:]
        if len(segments) >= 2 and segments[1].lower() not in _MORE_FORMS:
            return _post(handle, segments[1], host=host, own=True, reason="post link")
        return _handle(handle, reason="profile link", host=host)
    if first == "users" and len(segments) >= 2:
        if len(segments) >= 4 and segments[2] == "statuses":
            return _post(segments[1], segments[3], host=host, own=True, reason="post link")
        if len(segments) == 2 or segments[2].lower() in _MORE_FORMS:
            return _handle(segments[1], reason="profile link", host=host)
    if segments[:3] == ["api", "v1", "statuses"] and len(segments) >= 4:
        if not _POST_ID.fullmatch(segments[3]):
            return invalid("API post link with a post number that is not a number")
        number = int(segments[3])
        if not 0 < number <= MAX_POST_ID:
            return invalid("post number out of range for this server")
        return Target("post", "API post link", post_id=number, host=host)
    if len(segments) >= 3 and segments[1].lower() in ("status", "statuses"):
        return _post(segments[0], segments[2], host=host, own=True, reason="post link")
    if first == "tags":
        return invalid("tag page, not an account or post")
    return invalid("link to this server, but not to an account or post")


def _link(host: str, path: str, own_hosts: frozenset[str]) -> Target:
    segments = [unquote(s) if "%" in s else s for s in path.split("/") if s]
    if host in own_hosts:
        return _own_link(host, segments)
    if host in SHORTENERS:
        return Target("short_link", SHORT_LINK, host=host)
    if host in TWITTER_HOSTS:
        return _twitter(host, segments)
    where = f" on {host}"
    first = segments[0] if segments else ""
    if first.startswith("@"):
        handle, rest, post_marker = first[1:], segments[1:], None
    elif first == "users" and len(segments) >= 2:
        handle, rest, post_marker = segments[1], segments[2:], "statuses"
    else:
        return invalid(f"link to {host}, but not to an account or post")
    if rest and post_marker:  # /users/<handle>/statuses/<id>
        rest = rest[1:] if rest[0] == post_marker else rest
    if rest and rest[0].lower() not in _MORE_FORMS:
        return _post(handle, rest[0], host=host, own=False, reason=f"post link{where}")
    return _handle(handle, reason=f"profile link{where}", host=host, foreign=True)


def _own_hosts(own_host: OwnHosts) -> frozenset[str]:
    return frozenset({own_host}) if isinstance(own_host, str) else own_host


def parse_target(cell: str, *, own_host: OwnHosts) -> Target:
    """What ``cell`` names; ``own_host`` is this server's host(s), already ``normalise_host``-ed."""
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
        own = host in _own_hosts(own_host)
        where = "" if own else f" on {host}"
        foreign = not own and host not in TWITTER_HOSTS  # matched by handle, as its links are
        return _handle(handle, reason=f"{AT_HANDLE}{where}", host=host, foreign=foreign)
    url = _URL.fullmatch(text)
    if url:
        scheme = (url["scheme"] or "").lower()
        host = normalise_host(url["host"])
        looks_like_link = scheme in ("http", "https") or (
            not scheme and url["path"] is not None and ("." in host or host in _own_hosts(own_host))
        )
        if looks_like_link and host:
            return _link(host, url["path"] or "", _own_hosts(own_host))
        if scheme:
            return invalid("not a web link")
    if "@" in text:
        return invalid("an e-mail address or @handle@host without the leading @")
    if text.startswith("#"):
        return invalid("a hashtag, not an account or post")
    if "/" in text:
        return invalid("not a handle or link")
    return _handle(text, reason=BARE_HANDLE, host=None)
