"""OAuth scopes as Mastodon names them, and how a broad scope covers its granular ones.

Pure data: imported by settings, so it must not import Django models.
"""

from __future__ import annotations

from collections.abc import Iterable

GRANULAR = {
    "read": [
        "accounts", "blocks", "bookmarks", "favourites", "filters", "follows",
        "lists", "mutes", "notifications", "search", "statuses",
    ],
    "write": [
        "accounts", "blocks", "bookmarks", "conversations", "favourites", "filters",
        "follows", "lists", "media", "mutes", "notifications", "reports", "statuses",
    ],
}  # fmt: skip

#: ``follow`` is Mastodon's legacy bundle of relationship scopes.
BUNDLES = {
    "follow": ["read:blocks", "write:blocks", "read:follows", "write:follows",
               "read:mutes", "write:mutes"],
}  # fmt: skip

ADMIN_SCOPES = ("admin:read", "admin:write")
#: The authority portal's own scopes: granted only to accounts that speak for an authority.
PORTAL_SCOPES = ("portal:read", "portal:write")
TOP_LEVEL = ("read", "write", "follow", "push", *ADMIN_SCOPES, *PORTAL_SCOPES)

SCOPES: dict[str, str] = {
    "read": "read all your account's data",
    "write": "modify all your account's data",
    "follow": "modify account relationships",
    "push": "receive your push notifications",
    "admin:read": "read all data on the server (staff only)",
    "admin:write": "modify all data on the server (staff only)",
    "portal:read": "read your authority's demands and correspondence (authorities only)",
    "portal:write": "submit orders and write to us for your authority (authorities only)",
}
for _broad, _topics in GRANULAR.items():
    for _topic in _topics:
        SCOPES[f"{_broad}:{_topic}"] = f"{_broad} your {_topic}"

DEFAULT_SCOPES = ["read"]


def expand(scopes: Iterable[str]) -> set[str]:
    """Every scope that ``scopes`` grants, the granular ones included."""
    result: set[str] = set()
    for scope in scopes:
        result.add(scope)
        if scope in GRANULAR:
            result.update(f"{scope}:{topic}" for topic in GRANULAR[scope])
        result.update(BUNDLES.get(scope, ()))
        if scope.startswith("admin:"):
            result.add(scope)
    return result


def covers(granted: Iterable[str], needed: str) -> bool:
    """Whether ``granted`` includes ``needed`` (``read`` covers ``read:statuses``)."""
    return needed in expand(granted)


def parse(value: str | Iterable[str] | None) -> list[str]:
    """Scopes from a space-, comma- or plus-separated string, or a list; order kept, no repeats."""
    if value is None:
        return []
    parts = value.replace(",", " ").replace("+", " ").split() if isinstance(value, str) else value
    return list(dict.fromkeys(p.strip() for p in parts if p and p.strip()))
