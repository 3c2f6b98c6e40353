"""What the server says about itself: instance (v1, v2), nodeinfo, and the small lists apps ask for."""

from __future__ import annotations

import bisect
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils import timezone
from ninja import Router

import tidings
from tidings.api.auth import require_user
from tidings.api.pagination import json_response
from tidings.api.serializers import Serializer, base_url
from tidings.lib.images import IMAGE_MAX_BYTES, IMAGE_MAX_PIXELS, IMAGE_MIME_TYPES
from tidings.social.models import POST_MAX_LENGTH, Account
from tidings.social.models_direct import (
    POLL_MAX_EXPIRATION,
    POLL_MAX_OPTIONS,
    POLL_MIN_EXPIRATION,
    POLL_OPTION_MAX_LENGTH,
)
from tidings.social.models_lists import PINS_PER_ACCOUNT
from tidings.social.models_media import DESCRIPTION_MAX_LENGTH, MEDIA_PER_POST
from tidings.streaming.urls import streaming_base
from tidings.visibility import Viewer, anonymous_viewer, visible_accounts

router = Router(tags=["instance"])

MASTODON_VERSION = "4.3.0"
VERSION = f"{MASTODON_VERSION} (compatible; Tidings {tidings.__version__})"
DESCRIPTION = (
    "A microblogging server that withholds content only where the law requires, "
    "and publishes what it did."
)


def _domain() -> str:
    return settings.DOMAIN


#: How long the instance's user and post counts are reused (Mastodon's lag a while too).
STATS_TTL = 60
_STATS_KEY = "tidings:instance:stats"


def _stats() -> dict[str, int]:
    """Users and posts that anyone may see, counted at most once a minute per cache."""
    stats = cache.get(_STATS_KEY)
    if stats is None:
        totals = visible_accounts(Account.objects.all(), anonymous_viewer()).aggregate(
            users=Count("id"), posts=Sum("posts_count")
        )
        stats = {"users": totals["users"] or 0, "posts": totals["posts"] or 0}
        cache.set(_STATS_KEY, stats, STATS_TTL)
    return stats


def _configuration() -> dict[str, object]:
    return {
        "statuses": {
            "max_characters": POST_MAX_LENGTH,
            "max_media_attachments": MEDIA_PER_POST,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": list(IMAGE_MIME_TYPES),
            "description_limit": DESCRIPTION_MAX_LENGTH,
            "image_size_limit": IMAGE_MAX_BYTES,
            "image_matrix_limit": IMAGE_MAX_PIXELS,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        "polls": {
            "max_options": POLL_MAX_OPTIONS,
            "max_characters_per_option": POLL_OPTION_MAX_LENGTH,
            "min_expiration": POLL_MIN_EXPIRATION,
            "max_expiration": POLL_MAX_EXPIRATION,
        },
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": PINS_PER_ACCOUNT},
    }


def _contact(request: HttpRequest, viewer: Viewer) -> dict[str, object] | None:
    admin = visible_accounts(Account.objects.filter(role="admin"), viewer).order_by("id").first()
    return Serializer(request, viewer).account(admin) if admin else None


# -- the rendered documents, cached ------------------------------------------------
#
# The documents change with: the withheld-set version (a withholding or lift of the
# contact account), the admin accounts' own rows (profile, counters, suspension, a new
# admin), the clock (a withholding that starts or ends), the settings and the request's
# scheme, and the counts (reused a minute, as before). A hit costs one query, which reads
# the version and the admin rows together; the key holds all of it, so a document is
# never served for a state it was not rendered from, on any worker or machine.


@dataclass(frozen=True, slots=True)
class _Document:
    body: bytes
    #: ``time.monotonic()`` past which the counts are re-read (``STATS_TTL``).
    counts_until: float
    #: The next instant a withholding starts or ends: the contact may appear or vanish then.
    valid_until: datetime | None


#: This process's rendered documents, by (document, settings, scheme, database state).
_documents: dict[tuple[Any, ...], _Document] = {}
_MAX_DOCUMENTS = 64


@functools.cache
def _state_sql() -> str:
    """The withheld-set version and every admin's row, in one statement (one row at least)."""
    from tidings.legal.models import LegalStateVersion

    columns = ", ".join(
        f"a.{connection.ops.quote_name(field.column)}"
        for field in Account._meta.concrete_fields
        if field.name not in ("password", "last_login")
    )
    quote = connection.ops.quote_name
    meta = LegalStateVersion._meta
    version = f"v.{quote(meta.get_field('version').column)}"
    # Table and column names come from the models; the role is a parameter.
    return (
        f"SELECT {version}, {columns} FROM (SELECT 1 AS one) o "  # noqa: S608
        f"LEFT JOIN {quote(meta.db_table)} v ON v.id = 1 "
        f"LEFT JOIN {quote(Account._meta.db_table)} a ON a.role = %s ORDER BY a.id"
    )


def _state() -> tuple[tuple[object, ...], ...]:
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(), ["admin"])
        return tuple(tuple(row) for row in cursor.fetchall())


def _settings_key() -> tuple[object, ...]:
    return (
        settings.DOMAIN,
        settings.TIDINGS_REGISTRATIONS,
        settings.DEFAULT_FROM_EMAIL,
        settings.TIDINGS_STREAMING_URL,
        settings.TIDINGS_STREAMING_PORT,
        settings.TIDINGS_HTTPS,
        settings.STATIC_URL,
        settings.MEDIA_URL,
    )


def _next_boundary(viewer: Viewer) -> datetime | None:
    boundaries = viewer.withheld.boundaries
    at = bisect.bisect_right(boundaries, viewer.now)
    return boundaries[at] if at < len(boundaries) else None


def _cached(
    request: HttpRequest, name: str, render: Callable[[HttpRequest, Viewer], dict[str, object]]
) -> HttpResponse:
    """The document ``render`` makes, from this process's cache when nothing it shows changed."""
    key = (name, request.scheme, _settings_key(), _state())
    document = _documents.get(key)
    if (
        document is not None
        and time.monotonic() < document.counts_until
        and (document.valid_until is None or timezone.now() < document.valid_until)
    ):
        return HttpResponse(document.body, content_type="application/json")
    viewer = anonymous_viewer()
    counts_until = time.monotonic() + STATS_TTL
    body = orjson.dumps(render(request, viewer), option=orjson.OPT_NON_STR_KEYS)
    if _state() == key[3]:  # else something changed while rendering: serve it, keep nothing
        if len(_documents) >= _MAX_DOCUMENTS:
            _documents.clear()
        _documents[key] = _Document(body, counts_until, _next_boundary(viewer))
    return HttpResponse(body, content_type="application/json")


def forget_documents() -> None:
    """Drop this process's rendered documents (the counts are then re-read from the cache)."""
    _documents.clear()


@router.get("/api/v1/instance", summary="Instance (v1)")
def instance_v1(request: HttpRequest) -> HttpResponse:
    return _cached(request, "v1", _instance_v1)


def _instance_v1(request: HttpRequest, viewer: Viewer) -> dict[str, object]:
    stats = _stats()
    policy = settings.TIDINGS_REGISTRATIONS
    return {
        "uri": _domain(),
        "title": "Tidings",
        "short_description": DESCRIPTION,
        "description": DESCRIPTION,
        "email": settings.DEFAULT_FROM_EMAIL,
        "version": VERSION,
        "urls": {"streaming_api": streaming_base(websocket=True)},
        "stats": {
            "user_count": stats["users"],
            "status_count": stats["posts"],
            "domain_count": 0,
        },
        "thumbnail": base_url(request) + static("api/header.png"),
        "languages": ["en"],
        "registrations": policy != "closed",
        "approval_required": policy == "approval",
        "invites_enabled": False,
        "configuration": _configuration(),
        "contact_account": _contact(request, viewer),
        "rules": [],
    }


@router.get("/api/v2/instance", summary="Instance (v2)")
def instance_v2(request: HttpRequest) -> HttpResponse:
    return _cached(request, "v2", _instance_v2)


def _instance_v2(request: HttpRequest, viewer: Viewer) -> dict[str, object]:
    stats = _stats()
    policy = settings.TIDINGS_REGISTRATIONS
    configuration = _configuration()
    configuration["urls"] = {"streaming": streaming_base(websocket=True), "status": None}
    configuration["translation"] = {"enabled": False}
    configuration["vapid"] = {"public_key": ""}
    return {
        "domain": _domain(),
        "title": "Tidings",
        "version": VERSION,
        "source_url": "https://example.org/tidings",
        "description": DESCRIPTION,
        "usage": {"users": {"active_month": stats["users"]}},
        "thumbnail": {"url": base_url(request) + static("api/header.png")},
        "icon": [],
        "languages": ["en"],
        "configuration": configuration,
        "registrations": {
            "enabled": policy != "closed",
            "approval_required": policy == "approval",
            "message": None,
            "url": None,
        },
        "contact": {
            "email": settings.DEFAULT_FROM_EMAIL,
            "account": _contact(request, viewer),
        },
        "rules": [],
        "api_versions": {"mastodon": 2},
    }


@router.get("/api/v1/custom_emojis", summary="Custom emojis (none)")
def custom_emojis(request: HttpRequest) -> HttpResponse:
    return json_response([])


@router.get("/.well-known/nodeinfo", summary="Where nodeinfo lives")
def nodeinfo_links(request: HttpRequest) -> HttpResponse:
    return json_response(
        {
            "links": [
                {
                    "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                    "href": base_url(request) + "/nodeinfo/2.0",
                }
            ]
        }
    )


@router.get("/nodeinfo/2.0", summary="Nodeinfo 2.0")
def nodeinfo(request: HttpRequest) -> HttpResponse:
    stats = _stats()
    response = json_response(
        {
            "version": "2.0",
            "software": {"name": "tidings", "version": tidings.__version__},
            "protocols": [],
            "services": {"outbound": [], "inbound": []},
            "usage": {
                "users": {"total": stats["users"], "activeMonth": stats["users"]},
                "localPosts": stats["posts"],
            },
            "openRegistrations": settings.TIDINGS_REGISTRATIONS == "open",
            "metadata": {"nodeName": "Tidings"},
        }
    )
    response["Content-Type"] = (
        'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.0#"'
    )
    return response


# -- what apps ask for at start-up ---------------------------------


@router.get("/api/v1/preferences", summary="Posting and reading preferences")
def preferences(request: HttpRequest) -> HttpResponse:
    require_user(request, "read:accounts")
    return json_response(
        {
            "posting:default:visibility": "public",
            "posting:default:sensitive": False,
            "posting:default:language": None,
            "reading:expand:media": "default",
            "reading:expand:spoilers": False,
        }
    )
