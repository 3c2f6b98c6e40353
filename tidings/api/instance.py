"""What the server says about itself: instance (v1, v2), nodeinfo, and the small lists apps ask for."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
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
from tidings.visibility import anonymous_viewer, visible_accounts

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


def _contact(request: HttpRequest) -> dict[str, object] | None:
    admin = (
        visible_accounts(Account.objects.filter(role="admin"), anonymous_viewer())
        .order_by("id")
        .first()
    )
    return Serializer(request, anonymous_viewer()).account(admin) if admin else None


@router.get("/api/v1/instance", summary="Instance (v1)")
def instance_v1(request: HttpRequest) -> HttpResponse:
    stats = _stats()
    policy = settings.TIDINGS_REGISTRATIONS
    return json_response(
        {
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
            "contact_account": _contact(request),
            "rules": [],
        }
    )


@router.get("/api/v2/instance", summary="Instance (v2)")
def instance_v2(request: HttpRequest) -> HttpResponse:
    stats = _stats()
    policy = settings.TIDINGS_REGISTRATIONS
    configuration = _configuration()
    configuration["urls"] = {"streaming": streaming_base(websocket=True), "status": None}
    configuration["translation"] = {"enabled": False}
    configuration["vapid"] = {"public_key": ""}
    return json_response(
        {
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
            "contact": {"email": settings.DEFAULT_FROM_EMAIL, "account": _contact(request)},
            "rules": [],
            "api_versions": {"mastodon": 2},
        }
    )


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
