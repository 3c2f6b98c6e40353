"""Reading request parameters the way Mastodon clients send them.

Clients send form-encoded, multipart or JSON bodies; lists as ``key[]``;
booleans as ``1``/``0`` or ``true``/``false``. Everything is read into one
plain dict and then validated by a pydantic model (which also documents it
in the OpenAPI schema).
"""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from ninja import Schema
from ninja.parser import Parser
from pydantic import ValidationError

from tidings.lib.errors import InvalidInput
from tidings.lib.input_guard import multipart_fields

M = TypeVar("M", bound=Schema)


def _flatten(data: MultiValueDict) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key in data:
        if key.endswith("[]"):
            result.setdefault(key[:-2], [])
            result[key[:-2]] += data.getlist(key)
        elif "[" in key:
            continue  # nested form keys (fields_attributes[0][name]) are not supported
        else:
            values = data.getlist(key)
            result[key] = values if len(values) > 1 else values[0]
    return result


def _body(request: HttpRequest) -> tuple[dict[str, Any], MultiValueDict]:
    content_type = request.content_type or ""
    if content_type == "application/json":
        try:
            data = orjson.loads(request.body or b"{}")
        except orjson.JSONDecodeError:
            raise InvalidInput("The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise InvalidInput("The request body must be a JSON object.")
        return data, MultiValueDict()
    if request.method in ("POST",):
        return _flatten(request.POST), request.FILES
    if content_type == "multipart/form-data":
        post, files = multipart_fields(request)
        return _flatten(post), files
    if content_type == "application/x-www-form-urlencoded":
        return _flatten(QueryDict(request.body, encoding=request.encoding)), MultiValueDict()
    return {}, MultiValueDict()


def request_params(request: HttpRequest) -> dict[str, Any]:
    """Query string and body merged into one dict (the body wins); files under ``_files``."""
    cached = getattr(request, "_api_params", None)
    if cached is not None:
        return cached
    params = _flatten(request.GET)
    body, files = _body(request)
    params.update(body)
    params["_files"] = files
    request._api_params = params  # type: ignore[attr-defined]
    return params


def parse(request: HttpRequest, model: type[M]) -> M:
    """The request's parameters validated by ``model``; a 422 error names the bad fields."""
    data = {k: v for k, v in request_params(request).items() if k != "_files"}
    try:
        return model.model_validate(data)
    except ValidationError as error:
        parts = [
            f"{'.'.join(str(p) for p in e['loc']) or 'request'}: {e['msg']}"
            for e in error.errors()[:5]
        ]
        raise InvalidInput("Validation failed: " + "; ".join(parts)) from None


def body_doc(model: type[Schema]) -> dict[str, Any]:
    """``openapi_extra`` describing a body accepted as JSON, form or multipart."""
    schema = model.model_json_schema()
    content = {
        ct: {"schema": schema}
        for ct in ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
    }
    return {"requestBody": {"content": content, "required": False}}


def as_bool(value: Any, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "on", "yes", "t")


class MastodonParser(Parser):
    """Query strings with ``key[]`` lists, as Mastodon clients send them."""

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key in data:
            name = key[:-2] if key.endswith("[]") else key
            if name in list_fields:
                result.setdefault(name, [])
                result[name] += data.getlist(key)
            else:
                result[name] = data.getlist(key)[-1]
        return result
