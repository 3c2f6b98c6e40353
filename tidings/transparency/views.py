"""Public notices (the target of ``Link: <…>; rel="blocked-by"`` on every 451 answer), their
list and Atom feed, and the audit log's signed checkpoints.

Everything shown of a demand comes from ``transparency.queries``, which asks the
redaction policy (``transparency.redaction``) what the public may read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET

from tidings.audit.checkpoints import ALGORITHM, read_checkpoints_newest_first
from tidings.audit.keys import load_audit_key
from tidings.lib.countries import country_name
from tidings.lib.errors import TidingsError
from tidings.transparency.periods import half_year_containing
from tidings.transparency.queries import (
    NoticeFilters,
    NoticeRow,
    access_public_notice,
    access_withholding_notice,
    notice_authorities,
    notices_page,
)
from tidings.transparency.redaction import site_url
from tidings.web.views.base import error_response


@require_GET
def demand_notice(request: HttpRequest, demand_id: str) -> HttpResponse:
    try:
        notice = access_public_notice(demand_id, now=timezone.now())
    except TidingsError as error:
        return error_response(request, error)
    period = half_year_containing(notice.demand.received_at)
    return render(
        request,
        "transparency/demand_notice.html",
        {
            "notice": notice,
            "country": notice.country,
            "report_period": period.label,
            "report_url": f"{reverse('transparency:report')}?{urlencode(period.params)}",
        },
    )


@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    """Every demand's public notice, newest first, filtered and paged by id cursor."""
    try:
        filters = NoticeFilters.from_params(request.GET)
    except TidingsError as error:
        return error_response(request, error)
    page = notices_page(filters, timezone.now())
    older = filters.query_string(max_id=page.next_max_id) if page.next_max_id else ""
    return render(
        request,
        "transparency/notices.html",
        {
            "page": page,
            "filters": filters,
            "authorities": notice_authorities(),
            "older": older,
            "feed": reverse("transparency:notices_feed") + filters.query_string(),
        },
    )


class NoticesFeed(Feed):
    """New public notices as Atom, with the list's filters; only what the list shows."""

    feed_type = Atom1Feed
    title = "Tidings: legal demands received"
    subtitle = (
        "Public notices of the legal demands this platform received and what it did about them."
    )

    def __init__(self, filters: NoticeFilters) -> None:
        super().__init__()
        self.filters = filters

    def link(self) -> str:
        return site_url() + reverse("transparency:notices") + self.filters.query_string()

    def feed_url(self) -> str:
        return site_url() + reverse("transparency:notices_feed") + self.filters.query_string()

    def items(self) -> list[NoticeRow]:
        return notices_page(self.filters, timezone.now()).rows

    def item_title(self, row: NoticeRow) -> str:
        return f"{row.kind} from {row.demand.authority.name} ({row.country})"

    def item_description(self, row: NoticeRow) -> str:
        counts = "; ".join(f"{label}: {n}" for _, label, n in row.count_rows) or "no lines"
        return (
            f"{row.kind} from {row.demand.authority.name}, {row.country}, received "
            f"{row.demand.received_at:%Y-%m-%d}. Action taken: {row.action}. {counts}."
        )

    def item_link(self, row: NoticeRow) -> str:
        return site_url() + reverse("transparency:demand_notice", args=[row.demand.id])

    def item_pubdate(self, row: NoticeRow) -> Any:
        return row.demand.received_at

    def item_updateddate(self, row: NoticeRow) -> Any:
        return row.demand.created_at


@require_GET
def notices_feed(request: HttpRequest) -> HttpResponse:
    try:
        filters = NoticeFilters.from_params(request.GET)
    except TidingsError as error:
        return error_response(request, error)
    return NoticesFeed(filters)(request)


AUDIT_PAGE_CHECKPOINTS = 50


@require_GET
def audit_page(request: HttpRequest) -> HttpResponse:
    """The newest signed checkpoints of the audit log, for people, with how to check them."""
    try:
        checkpoints = read_checkpoints_newest_first(limit=AUDIT_PAGE_CHECKPOINTS)
    except ValueError:
        return render(
            request,
            "web/errors/error.html",
            {
                "status": 503,
                "message": "The checkpoint file is damaged.",
                "heading": "Something went wrong",
            },
            status=503,
        )
    key = load_audit_key()
    return render(
        request,
        "transparency/audit.html",
        {
            "checkpoints": [(c, c.signature_is_valid()) for c in checkpoints],
            "public_key": key.public_key_b64 if key else None,
            "json_url": reverse("transparency:audit_checkpoints"),
        },
    )


def withholding_notice(request: HttpRequest, withholding_id: str) -> HttpResponse:
    try:
        withholding = access_withholding_notice(withholding_id)
    except TidingsError as error:
        return error_response(request, error)
    places = ", ".join(country_name(c) for c in withholding.countries)
    return render(
        request,
        "transparency/withholding_notice.html",
        {"withholding": withholding, "places": places},
    )


CHECKPOINTS_DEFAULT_LIMIT, CHECKPOINTS_MAX_LIMIT = 100, 1000


@require_GET
def audit_checkpoints(request: HttpRequest) -> JsonResponse:
    """The signed checkpoints of the audit log, newest first (``?limit=``, at most 1000).

    Anyone may keep copies and later check, with ``public_key`` alone, that the log
    still holds every event they name (``tidings audit verify --checkpoints FILE``).
    """
    raw_limit = request.GET.get("limit", str(CHECKPOINTS_DEFAULT_LIMIT))
    if not (
        raw_limit.isascii()
        and raw_limit.isdigit()
        and len(raw_limit) <= 4
        and 1 <= int(raw_limit) <= CHECKPOINTS_MAX_LIMIT
    ):
        return JsonResponse(
            {"error": f"limit must be a whole number from 1 to {CHECKPOINTS_MAX_LIMIT}"},
            status=400,
        )
    key = load_audit_key()
    try:
        checkpoints = read_checkpoints_newest_first(limit=int(raw_limit))
    except ValueError:
        return JsonResponse({"error": "the checkpoint file is damaged"}, status=503)
    return JsonResponse(
        {
            "algorithm": ALGORITHM,
            "public_key": key.public_key_b64 if key else None,
            "checkpoints": [checkpoint.as_json() for checkpoint in checkpoints],
        }
    )
