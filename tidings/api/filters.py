"""Keyword filters: Mastodon's v2 API (filters, their keywords and statuses) and the v1 view of it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from tidings.api.auth import require_user
from tidings.api.errors import ApiError
from tidings.api.pagination import json_response
from tidings.api.params import as_bool, body_doc, parse, request_params
from tidings.api.serializers import Serializer
from tidings.social.actions.filters import (
    KeywordChange,
    do_add_filter_keyword,
    do_add_filter_status,
    do_create_filter,
    do_delete_filter,
    do_delete_filter_keyword,
    do_delete_filter_status,
    do_update_filter,
    do_update_filter_keyword,
)
from tidings.social.models_lists import Filter, FilterKeyword
from tidings.social.queries_lists import (
    access_filter,
    access_filter_keyword,
    access_filter_status,
)
from tidings.visibility import access_post

router = Router(tags=["filters"])


class KeywordIn(Schema):
    keyword: Any = None
    whole_word: bool | str | None = None
    id: Any = None
    destroy: Any = None


class FilterIn(Schema):
    title: Any = None
    context: Any = None
    filter_action: Any = None
    expires_in: Any = None
    keywords_attributes: list[KeywordIn] = []


class StatusIn(Schema):
    status_id: str = ""


def _expires_in(value: Any) -> tuple[int | None, bool]:
    """(seconds, whether the expiry was explicitly cleared with an empty value)."""
    if value is None:
        return None, False
    if value == "":
        return None, True
    try:
        return int(value), False
    except (TypeError, ValueError):
        raise ApiError(422, "Validation failed: Expires in must be a number of seconds") from None


def _keyword_attributes(request: HttpRequest) -> list[dict[str, Any]]:
    """``keywords_attributes`` from JSON, or from form keys ``keywords_attributes[N][field]``."""
    params = request_params(request)
    given = params.get("keywords_attributes")
    if isinstance(given, list):
        return [k for k in given if isinstance(k, dict)]
    rows: dict[str, dict[str, Any]] = {}
    source = request.POST if request.method == "POST" else {}
    for key in source:
        if key.startswith("keywords_attributes[") and key.endswith("]"):
            index, _, name = key[len("keywords_attributes[") : -1].partition("][")
            rows.setdefault(index, {})[name] = source[key]
    return list(rows.values())


def _changes(request: HttpRequest) -> list[KeywordChange]:
    changes = []
    for raw in _keyword_attributes(request):
        row = KeywordIn.model_validate(raw)
        keyword_id = None
        if row.id not in (None, ""):
            try:
                keyword_id = int(str(row.id))
            except ValueError:
                raise ApiError(422, "Validation failed: Keyword id must be a number") from None
        changes.append(
            KeywordChange(
                keyword=row.keyword,
                whole_word=None if row.whole_word is None else as_bool(row.whole_word),
                id=keyword_id,
                destroy=as_bool(raw.get("_destroy", row.destroy)),
            )
        )
    return changes


def _filter_data(request: HttpRequest, found: Filter) -> HttpResponse:
    auth = require_user(request, "read:filters")
    fresh = Filter.objects.prefetch_related("keywords", "statuses").get(id=found.id)
    return json_response(Serializer(request, auth.viewer).filter_v2(fresh))


@router.get("/api/v2/filters", summary="The caller's filters")
def filters_v2(request: HttpRequest) -> HttpResponse:
    auth = require_user(request, "read:filters")
    rows = Filter.objects.filter(account_id=auth.account.id).prefetch_related(
        "keywords", "statuses"
    )
    ser = Serializer(request, auth.viewer)
    return json_response([ser.filter_v2(f) for f in rows.order_by("id")])


@router.post("/api/v2/filters", openapi_extra=body_doc(FilterIn), summary="Create a filter")
def create_filter(request: HttpRequest) -> HttpResponse:
    auth = require_user(request, "write:filters")
    data = parse(request, FilterIn)
    seconds, _ = _expires_in(data.expires_in)
    words = [(c.keyword, True if c.whole_word is None else c.whole_word) for c in _changes(request)]
    made = do_create_filter(
        data.title,
        context=data.context,
        action=data.filter_action or "warn",
        expires_in=seconds,
        keywords=words,
        acting_user=auth.account,
    )
    return _filter_data(request, made)


@router.get("/api/v2/filters/{filter_id}", summary="A filter")
def get_filter(request: HttpRequest, filter_id: str) -> HttpResponse:
    auth = require_user(request, "read:filters")
    return _filter_data(request, access_filter(auth.viewer, filter_id))


@router.put(
    "/api/v2/filters/{filter_id}", openapi_extra=body_doc(FilterIn), summary="Change a filter"
)
def update_filter(request: HttpRequest, filter_id: str) -> HttpResponse:
    auth = require_user(request, "write:filters")
    found = access_filter(auth.viewer, filter_id)
    data = parse(request, FilterIn)
    seconds, cleared = _expires_in(data.expires_in)
    changed = do_update_filter(
        found,
        title=data.title,
        context=data.context,
        action=data.filter_action,
        expires_in=seconds,
        clear_expiry=cleared,
        keyword_changes=_changes(request),
        acting_user=auth.account,
    )
    return _filter_data(request, changed)


@router.delete("/api/v2/filters/{filter_id}", summary="Delete a filter")
def delete_filter(request: HttpRequest, filter_id: str) -> HttpResponse:
    auth = require_user(request, "write:filters")
    do_delete_filter(access_filter(auth.viewer, filter_id), acting_user=auth.account)
    return json_response({})


# -- keywords ---------------------------------------------------------------------


class NewKeywordIn(Schema):
    keyword: Any = None
    whole_word: bool | str | None = None


@router.get("/api/v2/filters/{filter_id}/keywords", summary="A filter's keywords")
def keywords(request: HttpRequest, filter_id: str) -> HttpResponse:
    auth = require_user(request, "read:filters")
    found = access_filter(auth.viewer, filter_id)
    ser = Serializer(request, auth.viewer)
    return json_response([ser.filter_keyword(k) for k in found.keywords.order_by("id")])


@router.post(
    "/api/v2/filters/{filter_id}/keywords",
    openapi_extra=body_doc(NewKeywordIn),
    summary="Add a keyword to a filter",
)
def add_keyword(request: HttpRequest, filter_id: str) -> HttpResponse:
    auth = require_user(request, "write:filters")
    found = access_filter(auth.viewer, filter_id)
    data = parse(request, NewKeywordIn)
    made = do_add_filter_keyword(
        found,
        data.keyword,
        whole_word=as_bool(data.whole_word, default=True),
        acting_user=auth.account,
    )
    return json_response(Serializer(request, auth.viewer).filter_keyword(made))


@router.get("/api/v2/filters/keywords/{keyword_id}", summary="A filter keyword")
def get_keyword(request: HttpRequest, keyword_id: str) -> HttpResponse:
    auth = require_user(request, "read:filters")
    found = access_filter_keyword(auth.viewer, keyword_id)
    return json_response(Serializer(request, auth.viewer).filter_keyword(found))


@router.put(
    "/api/v2/filters/keywords/{keyword_id}",
    openapi_extra=body_doc(NewKeywordIn),
    summary="Change a filter keyword",
)
def update_keyword(request: HttpRequest, keyword_id: str) -> HttpResponse:
    auth = require_user(request, "write:filters")
    found = access_filter_keyword(auth.viewer, keyword_id)
    data = parse(request, NewKeywordIn)
    changed = do_update_filter_keyword(
        found,
        text=data.keyword,
        whole_word=None if data.whole_word is None else as_bool(data.whole_word),
        acting_user=auth.account,
    )
    return json_response(Serializer(request, auth.viewer).filter_keyword(changed))


@router.delete("/api/v2/filters/keywords/{keyword_id}", summary="Remove a filter keyword")
def delete_keyword(request: HttpRequest, keyword_id: str) -> HttpResponse:
    auth = require_user(request, "write:filters")
    do_delete_filter_keyword(
        access_filter_keyword(auth.viewer, keyword_id), acting_user=auth.account
    )
    return json_response({})


# -- statuses ---------------------------------------------------------------------


@router.get("/api/v2/filters/{filter_id}/statuses", summary="The statuses a filter matches")
def statuses(request: HttpRequest, filter_id: str) -> HttpResponse:
    auth = require_user(request, "read:filters")
    found = access_filter(auth.viewer, filter_id)
    ser = Serializer(request, auth.viewer)
    return json_response([ser.filter_status(s) for s in found.statuses.order_by("id")])


@router.post(
    "/api/v2/filters/{filter_id}/statuses",
    openapi_extra=body_doc(StatusIn),
    summary="Make a filter match a status",
)
def add_status(request: HttpRequest, filter_id: str) -> HttpResponse:
    auth = require_user(request, "write:filters")
    found = access_filter(auth.viewer, filter_id)
    post = access_post(auth.viewer, parse(request, StatusIn).status_id)
    made = do_add_filter_status(found, post, acting_user=auth.account)
    return json_response(Serializer(request, auth.viewer).filter_status(made))


@router.get("/api/v2/filters/statuses/{status_id}", summary="A filtered status entry")
def get_status(request: HttpRequest, status_id: str) -> HttpResponse:
    auth = require_user(request, "read:filters")
    found = access_filter_status(auth.viewer, status_id)
    return json_response(Serializer(request, auth.viewer).filter_status(found))


@router.delete("/api/v2/filters/statuses/{status_id}", summary="Stop a filter matching a status")
def delete_status(request: HttpRequest, status_id: str) -> HttpResponse:
    auth = require_user(request, "write:filters")
    do_delete_filter_status(access_filter_status(auth.viewer, status_id), acting_user=auth.account)
    return json_response({})


# -- v1 -----------------------------------------------------------------------------


@router.get("/api/v1/filters", summary="Filters as v1 shows them: one per keyword")
def filters_v1(request: HttpRequest) -> HttpResponse:
    auth = require_user(request, "read:filters")
    rows = (
        FilterKeyword.objects.filter(filter__account_id=auth.account.id)
        .select_related("filter")
        .order_by("filter_id", "id")
    )
    ser = Serializer(request, auth.viewer)
    return json_response([ser.filter_v1(k) for k in rows])
