"""Page fragments that are the same for every viewer, rendered once per process.

A fragment is rendered from its template with marker strings where the
per-request values go (the CSRF token, the page's path), then split around the
markers; serving it is a join with those values escaped, as the template would
have escaped them. Nothing viewer-specific is ever stored: the CSRF token and
``here`` are filled in per request, and a fragment is cached only for inputs
that do not vary (an unbound, empty compose form).
"""

from __future__ import annotations

from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf

from tidings.web.cards import escape
from tidings.web.forms import ComposeForm

_CSRF = "zQcsrfQz"
_HERE = "zQhereQz"
_SLOTS = (_CSRF, _HERE)


class Fragment:
    """Rendered HTML split around the marker slots, each slot filled in per request."""

    __slots__ = ("pieces", "slots")

    def __init__(self, html: str) -> None:
        pieces: list[str] = []
        slots: list[str] = []
        rest = html
        while True:
            found = [(rest.find(m), m) for m in _SLOTS if m in rest]
            if not found:
                break
            at, marker = min(found)
            pieces.append(rest[:at])
            slots.append(marker)
            rest = rest[at + len(marker) :]
        pieces.append(rest)
        self.pieces = tuple(pieces)
        self.slots = tuple(slots)

    def fill(self, *, csrf_token: str, here: str) -> str:
        values = {_CSRF: escape(csrf_token), _HERE: escape(here)}
        out = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            out.append(values[slot])
            out.append(piece)
        return "".join(out)


@lru_cache(maxsize=8)
def _blank_compose(script_prefix: str, urlconf: object) -> Fragment:
    html = render_to_string(
        "web/_compose.html", {"compose_form": ComposeForm(), "csrf_token": _CSRF, "here": _HERE}
    )
    return Fragment(html)


def is_blank_compose(form: object) -> bool:
    """Whether ``form`` is a fresh compose form, the same on every page that shows one."""
    return (
        type(form) is ComposeForm
        and not form.is_bound
        and not form.initial
        and form.prefix is None
        and form.auto_id == "id_%s"
    )


def blank_compose(*, csrf_token: str, here: str) -> str:
    """``web/_compose.html`` for an unbound, empty ``ComposeForm``: rendered once per process
    (per script prefix), with this request's CSRF token and path filled in."""
    return _blank_compose(get_script_prefix(), get_urlconf()).fill(csrf_token=csrf_token, here=here)
