"""The NinjaAPI that carries every Mastodon endpoint (and generates ``/api/openapi.json``)."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.renderers import BaseRenderer

import tidings
from tidings.api import (
    accounts,
    admin_legal,
    admin_legal_appeals,
    admin_legal_clocks,
    admin_legal_dialogue,
    admin_moderation,
    appeals,
    apps_oauth,
    direct,
    edits,
    filters,
    follow_requests,
    instance,
    lists,
    markers,
    media,
    moderation_appeals,
    notification_groups,
    notifications,
    portal,
    reports,
    search,
    statuses,
    timelines,
)
from tidings.api.errors import install_handlers
from tidings.api.params import MastodonParser
from tidings.api.ratelimit import by_account_or_ip, is_api_call, rate_limit


class OrjsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data)


api = NinjaAPI(
    title="Tidings client API",
    version=tidings.__version__,
    description=(
        "Mastodon-compatible client API and OAuth 2. Status and Account objects carry a "
        '`withheld` extension ({"country_codes": [...], "scope": "status"|"account", '
        '"notice_url": "https://…/transparency/notices/…"}) when withheld somewhere: '
        "`country_codes` where it is withheld now (`XX`: everywhere), `scope` `account` when "
        "the author's account is withheld, and `notice_url` the absolute URL of the public "
        "notice of that withholding (the account's when both are). A 451 answer carries "
        '`notice_url` in its body and `Link: <…>; rel="blocked-by"`. The extension covers a '
        "status's `media_attachments`: where the status is withheld, its image URLs answer 451 "
        "as well."
    ),
    openapi_url=None,
    docs_url=None,
    urls_namespace="mastodon",
    renderer=OrjsonRenderer(),
    parser=MastodonParser(),
)
install_handlers(api)
for module in (
    apps_oauth,
    accounts,
    follow_requests,
    statuses,
    edits,
    media,
    timelines,
    notifications,
    notification_groups,
    markers,
    search,
    instance,
    admin_legal,
    admin_legal_clocks,
    portal,
    admin_legal_dialogue,
    admin_legal_appeals,
    appeals,
    direct,
    lists,
    filters,
    reports,
    admin_moderation,
    moderation_appeals,
):
    api.add_router("", module.router)
api.add_decorator(rate_limit("api", by_account_or_ip, when=is_api_call), mode="view")


_schema: bytes | None = None


def openapi_json(request: HttpRequest) -> HttpResponse:
    """``/api/openapi.json``: the whole API (paths are absolute, so the prefix is empty)."""
    global _schema
    if _schema is None:
        _schema = orjson.dumps(
            api.get_openapi_schema(path_prefix=""), option=orjson.OPT_NON_STR_KEYS
        )
    return HttpResponse(_schema, content_type="application/json")
