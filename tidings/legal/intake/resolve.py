"""``resolve_targets``: parsed lines → accounts and posts here, in a few bulk queries.

One query per 10,000 distinct handles and one per 10,000 post ids (a 10,000-line
order costs two queries). Statuses:

- ``matched``: the account or post exists (a twitter.com/x.com profile link is
  matched by its handle, and the reason names the host);
- ``unknown``: well-formed but not here — no such account or post, a post link whose
  handle is not the post's author, or a status link from another host. A foreign
  status id is never one of our post ids, and an order naming one post must not
  quietly grow into withholding a whole account, so such a line stays ``unknown``
  with ``account_id`` set to the account it names (when there is one) for the
  reviewer to decide. A handle or post on another server (``@alice@example.social``,
  ``example.social/@alice``) is never our namesake: it stays ``unknown`` and the
  namesake, if any, is only ``suggested_account_id`` for a reviewer to accept. A
  shortened link is ``unknown`` too (we do not follow redirects);
- ``invalid``: the parser's verdict, kept with its reason;
- ``duplicate``: the same subject (account, post, or the same unknown target) as an
  earlier line; the first stays as it is, later ones say "same as line N".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from django.db.models.functions import Lower

from tidings.legal.intake.parser import ParsedLine
from tidings.legal.intake.targets import AT_HANDLE, BARE_HANDLE, TWITTER_HOSTS, clean_cell
from tidings.social.models import Account, Post

Status = Literal["matched", "unknown", "invalid", "duplicate"]

CHUNK = 10_000  # bound parameters per query: under SQLite's 32,766 and PostgreSQL's 65,535
_SAME_SITE = {"x.com": "twitter.com"}

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ResolvedLine:
    """A parsed line and what it names here; ``duplicate_of`` is the earlier line's number."""

    line: ParsedLine
    status: Status
    reason: str
    account_id: int | None = None
    post_id: int | None = None
    duplicate_of: int | None = None
    suggested_account_id: int | None = None


def _chunks(values: Iterable[T]) -> Iterator[list[T]]:
    batch = list(values)
    for start in range(0, len(batch), CHUNK):
        yield batch[start : start + CHUNK]


def _accounts(handles: set[str]) -> dict[str, tuple[int, str]]:
    """Lower-case handle → (account id, handle as spelled)."""
    found: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(sorted(handles)):
        rows = (
            Account.objects.annotate(h=Lower("username"))
            .filter(h__in=chunk)
            .values_list("h", "id", "username")
        )
        found.update({h: (account_id, username) for h, account_id, username in rows})
    return found


def _posts(ids: set[int]) -> dict[int, tuple[int, str]]:
    """Post id → (author id, author's handle as spelled)."""
    found: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(sorted(ids)):
        rows = Post.objects.filter(id__in=chunk).values_list("id", "author_id", "author__username")
        found.update({post_id: (author_id, handle) for post_id, author_id, handle in rows})
    return found


def _form(line: ParsedLine) -> str:
    return "" if line.reason in (BARE_HANDLE, AT_HANDLE) else f" ({line.reason})"


def resolve_targets(lines: Sequence[ParsedLine]) -> list[ResolvedLine]:
    """One ``ResolvedLine`` per parsed line, in the same order."""
    accounts = _accounts({line.handle for line in lines if line.handle and line.kind != "invalid"})
    posts = _posts({line.post_id for line in lines if line.kind == "post" and line.post_id})
    seen: dict[tuple[object, ...], int] = {}
    resolved = []
    for line in lines:
        key, result = _resolve(line, accounts, posts)
        if key is not None and key in seen:
            first = seen[key]
            result = ResolvedLine(
                line,
                "duplicate",
                f"same as line {first}",
                account_id=result.account_id,
                post_id=result.post_id,
                duplicate_of=first,
                suggested_account_id=result.suggested_account_id,
            )
        elif key is not None:
            seen[key] = line.line_number
        resolved.append(result)
    return resolved


def _resolve(
    line: ParsedLine,
    accounts: dict[str, tuple[int, str]],
    posts: dict[int, tuple[int, str]],
) -> tuple[tuple[object, ...] | None, ResolvedLine]:
    """(the subject's identity for spotting duplicates, or None; the line's verdict)."""
    handle = line.handle
    if line.kind == "account" and handle and line.foreign:
        account = accounts.get(handle)
        return ("elsewhere", line.host, handle), ResolvedLine(
            line,
            "unknown",
            f"an account on {line.host}, not on this server",
            suggested_account_id=account[0] if account else None,
        )
    if line.kind == "short_link":
        return ("short link", clean_cell(line.target)), ResolvedLine(line, "unknown", line.reason)
    if line.kind == "account" and handle:
        account = accounts.get(handle)
        if account is None:
            return ("handle", handle), ResolvedLine(
                line, "unknown", f"no account @{handle} here{_form(line)}"
            )
        return ("account", account[0]), ResolvedLine(
            line, "matched", f"account @{account[1]}{_form(line)}", account_id=account[0]
        )
    if line.kind == "post" and line.post_id:
        post = posts.get(line.post_id)
        if post is None:
            return ("post", line.post_id), ResolvedLine(
                line, "unknown", f"no post {line.post_id} here"
            )
        author_id, author = post
        if handle and author.lower() != handle:
            return ("post by", line.post_id, handle), ResolvedLine(
                line,
                "unknown",
                f"post {line.post_id} is by @{author}, not @{handle}",
                account_id=accounts.get(handle, (None, ""))[0],
            )
        return ("post", line.post_id), ResolvedLine(
            line,
            "matched",
            f"post {line.post_id} by @{author}",
            account_id=author_id,
            post_id=line.post_id,
        )
    if line.kind == "foreign_post":
        host = line.host or ""
        account = accounts.get(handle) if handle else None
        if host not in TWITTER_HOSTS:  # a namesake on another server is only a suggestion
            return ("foreign", host, line.foreign_post_id), ResolvedLine(
                line,
                "unknown",
                f"a post on {host}, not on this server",
                suggested_account_id=account[0] if account else None,
            )
        if account is not None:
            names = f"@{account[1]} here is the account it names"
        elif handle:
            names = f"there is no account @{handle} here either"
        else:
            names = "it names no handle"
        return ("foreign", _SAME_SITE.get(host, host), line.foreign_post_id), ResolvedLine(
            line,
            "unknown",
            f"{line.reason}: the post is not on this server (the id is {host}'s, not ours); "
            f"{names}",
            account_id=account[0] if account else None,
        )
    return None, ResolvedLine(line, "invalid", line.reason)
