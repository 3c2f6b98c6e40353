"""Finding hashtags, mentions and links in post text, and rendering it safely.

Text is stored as written. Rendering escapes every character the author
typed; the only markup is the links we add, and the result is passed through
nh3 as a second line of defence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import nh3
from django.urls import reverse
from django.utils.html import escape
from linkify_it import LinkifyIt

HASHTAG_RE = re.compile(r"(?<![\w#/&])#(\w*[^\W\d]\w*)", re.UNICODE)
MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_]{1,30})(?![\w@])")

_ALLOWED_TAGS = {"a", "br", "span"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "class", "title"}, "span": {"class"}}


@lru_cache(maxsize=1)
def _linkifier() -> LinkifyIt:
    return LinkifyIt()


def extract_hashtags(text: str) -> list[str]:
    """Hashtags as written (first spelling kept), without duplicates, in order."""
    seen: dict[str, str] = {}
    for match in HASHTAG_RE.finditer(text):
        name = match.group(1)[:100]
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def extract_mentions(text: str) -> list[str]:
    """Mentioned handles, lower-cased, without duplicates, in order."""
    return list(dict.fromkeys(m.group(1).lower() for m in MENTION_RE.finditer(text)))


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    html: str


def _spans(text: str) -> list[_Span]:
    spans: list[_Span] = []
    for link in _linkifier().match(text) or []:
        href = link.url
        if not href.lower().startswith(("http://", "https://", "mailto:")):
            continue
        label = link.raw if len(link.raw) <= 60 else link.raw[:57] + "…"
        spans.append(
            _Span(
                link.index,
                link.last_index,
                (
                    f'<a href="{escape(href)}" rel="nofollow noopener noreferrer" '
                    f'class="link">{escape(label)}</a>'
                ),
            )
        )
    taken = [(s.start, s.end) for s in spans]

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in HASHTAG_RE.finditer(text):
        start, end = match.start(), match.end()
        if free(start, end):
            url = reverse("web:hashtag", args=[match.group(1).lower()])
            spans.append(
                _Span(
                    start,
                    end,
                    (f'<a href="{escape(url)}" class="hashtag">#{escape(match.group(1))}</a>'),
                )
            )
    for match in MENTION_RE.finditer(text):
        start, end = match.start(), match.end()
        if free(start, end):
            url = reverse("web:profile", args=[match.group(1)])
            spans.append(
                _Span(
                    start,
                    end,
                    (f'<a href="{escape(url)}" class="mention">@{escape(match.group(1))}</a>'),
                )
            )
    return sorted(spans, key=lambda s: s.start)


@lru_cache(maxsize=20_000)
def render_post_html(text: str) -> str:
    """Escaped HTML of ``text`` with links, hashtags and mentions linked and newlines kept.

    Pure in ``text`` (URLs are reversed from fixed routes), so results are cached per process.
    """
    out: list[str] = []
    pos = 0
    for span in _spans(text):
        out.append(escape(text[pos : span.start]))
        out.append(span.html)
        pos = span.end
    out.append(escape(text[pos:]))
    html = "".join(out).replace("\n", "<br>")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        link_rel=None,
        url_schemes={"http", "https", "mailto"},
    )
