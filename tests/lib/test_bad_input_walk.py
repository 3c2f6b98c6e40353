"""Every text input of the API and the web forms meets NUL bytes, 1 MB strings and broken UTF-8.

The routes come from ``/api/openapi.json`` and the web URL conf, so a new route
is walked without editing this file. Run it on both databases:
``TIDINGS_DATABASE_URL=postgres://… pytest tests/lib``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import orjson
import pytest
from django import forms
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tidings.legal.actions.intake import do_import_demand
from tidings.web import desk_forms
from tidings.web import forms as web_forms

NUL = "a\x00b"
LONG = "x" * 1_000_000
BROKEN_UTF8 = b"caf\xe9 \xff\xfe"

PATH_PARAM = re.compile(r"\{(\w+)\}")


@dataclass
class World:
    admin_client: Client
    web_client: Client
    anonymous: Client
    ids: dict[str, str]
    handle: str


@pytest.fixture
def world(make_account, make_post, token_for, settings, legal_admin) -> World:
    settings.TIDINGS_RATE_LIMITS = False
    bob = make_account("bob")
    post = make_post(bob, "hello #walk")
    demand = do_import_demand(
        "@bob\n",
        authority_name="Ministry",
        country="IN",
        reference="R/1",
        acting_user=legal_admin,
    ).demand
    scopes = "read write follow push admin:read admin:write"
    admin_client = Client(headers={"Authorization": f"Bearer {token_for(legal_admin, scopes)}"})
    web_client = Client()
    web_client.force_login(legal_admin)
    ids = {
        "account_id": str(bob.id),
        "status_id": str(post.id),
        "demand_id": str(demand.id),
        "notification_id": "1",
        "withholding_id": "1",
        "hashtag": "walk",
    }
    return World(admin_client, web_client, Client(), ids, bob.username)


def _schema(client: Client) -> dict:
    return orjson.loads(client.get("/api/openapi.json").content)


def _body_fields(schema: dict, operation: dict) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        body = media["schema"]
        if "$ref" in body:
            body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
        return list(body.get("properties", {}))
    return []


def _api_operations(schema: dict) -> Iterator[tuple[str, str, list[str], list[str], list[str]]]:
    """(method, path, path params, query params, body fields) of every documented operation."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = operation.get("parameters", [])
            yield (
                method,
                path,
                [p["name"] for p in params if p["in"] == "path"],
                [p["name"] for p in params if p["in"] == "query"],
                _body_fields(schema, operation),
            )


def _fill(path: str, ids: dict[str, str], bad: dict[str, str] | None = None) -> str:
    bad = bad or {}
    return PATH_PARAM.sub(
        lambda m: quote(bad.get(m.group(1), ids.get(m.group(1), "1")), safe=""), path
    )


def _call(client: Client, method: str, path: str, **kwargs):
    return getattr(client, method)(path, **kwargs)


def _assert_refused_or_handled(response, where: str, *, nul: bool = False) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code} {response.content[:300]!r}"
    if nul:
        assert response.status_code == 400, f"{where}: {response.status_code}"
        assert b"NUL" in response.content, where
    is_api = where.split(" ")[1].startswith(("/api/", "/oauth/token", "/oauth/revoke"))
    if is_api and response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), where


def _assert_no_nul_stored() -> None:
    """No text column of any table holds a NUL (PostgreSQL cannot; SQLite would, silently)."""
    if connection.vendor != "sqlite":
        return
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                column = connection.ops.quote_name(field.column)
                found = model._default_manager.extra(where=[f"instr({column}, char(0)) > 0"])  # noqa: S610
                assert not found.exists(), f"{model.__name__}.{field.name} holds a NUL"


def _form_encoded(fields: dict[str, str | bytes]) -> bytes:
    parts = []
    for key, value in fields.items():
        raw = value if isinstance(value, bytes) else value.encode()
        parts.append(f"{quote(key)}={quote(raw, safe='')}")
    return "&".join(parts).encode()


def _multipart(fields: dict[str, str | bytes]) -> bytes:
    chunks = []
    for key, value in fields.items():
        raw = value if isinstance(value, bytes) else value.encode()
        chunks.append(
            b'--BOUNDARY\r\nContent-Disposition: form-data; name="' + key.encode() + b'"\r\n\r\n'
        )
        chunks.append(raw + b"\r\n")
    chunks.append(b"--BOUNDARY--\r\n")
    return b"".join(chunks)


MULTIPART = "multipart/form-data; boundary=BOUNDARY"


def _api_bodies(field: str) -> Iterator[tuple[str, str, bytes, bool]]:
    """(label, content type, body, holds a NUL) for one field."""
    for label, value in (("NUL", NUL), ("1 MB", LONG)):
        nul = label == "NUL"
        yield f"json {label}", "application/json", orjson.dumps({field: value}), nul
        yield (
            f"form {label}",
            "application/x-www-form-urlencoded",
            _form_encoded({field: value}),
            nul,
        )
    yield "multipart NUL", MULTIPART, _multipart({field: NUL}), True
    yield (
        "json broken UTF-8",
        "application/json",
        b'{"' + field.encode() + b'": "' + BROKEN_UTF8 + b'"}',
        False,
    )
    yield (
        "form broken UTF-8",
        "application/x-www-form-urlencoded",
        _form_encoded({field: BROKEN_UTF8}),
        False,
    )
    yield "multipart broken UTF-8", MULTIPART, _multipart({field: BROKEN_UTF8}), False


@pytest.mark.django_db(transaction=False)
def test_every_api_input_refuses_nul_and_survives_long_and_broken_text(world):
    schema = _schema(world.anonymous)
    calls = 0
    for method, path, path_params, query_params, body_fields in _api_operations(schema):
        clients = [world.admin_client]
        if path.startswith(("/oauth/", "/api/v1/apps", "/api/v1/accounts")) and method == "post":
            clients.append(world.anonymous)
        for client in clients:
            for name in path_params:
                for label, value in (("NUL", NUL), ("1 MB", "9" * 100_000)):
                    url = _fill(path, world.ids, {name: value})
                    where = f"{method.upper()} {url[:80]} path {name} {label}"
                    _assert_refused_or_handled(
                        _call(client, method, url), where, nul=label == "NUL"
                    )
                    calls += 1
            base = _fill(path, world.ids)
            for name in query_params:
                for label, raw in (
                    ("NUL", "a%00b"),
                    ("1 MB", LONG),
                    ("broken UTF-8", "caf%E9%FF"),
                ):
                    url = f"{base}?{name}={raw}"
                    where = f"{method.upper()} {base} query {name} {label}"
                    _assert_refused_or_handled(
                        _call(client, method, url), where, nul=label == "NUL"
                    )
                    calls += 1
            for name in body_fields:
                for label, content_type, body, nul in _api_bodies(name):
                    where = f"{method.upper()} {base} body {name} {label}"
                    response = _call(client, method, base, data=body, content_type=content_type)
                    _assert_refused_or_handled(response, where, nul=nul)
                    calls += 1
    assert calls > 300  # the walk really walked
    _assert_no_nul_stored()


def _web_routes() -> Iterator[tuple[str, list[str]]]:
    """(route with <converters>, names of its str parameters) of every page the UI serves."""

    def walk(patterns, prefix: str) -> Iterator[tuple[str, list[str]]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith(("api/", "oauth/", "^", ".well-known", "nodeinfo", "auth/")):
                    continue
                if route.endswith("/") and route[:-1] in seen:
                    continue
                seen.add(route)
                yield route, re.findall(r"<(?:str:)?(\w+)>", route)

    seen: set[str] = set()
    yield from walk(get_resolver().url_patterns, "")


def _web_form_fields() -> list[str]:
    names = {"q", "next", "page", "max_id", "items"}
    for module in (web_forms, desk_forms):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm):
                names.update(value.base_fields)
    return sorted(names)


def _web_url(route: str, world: World, bad: str | None) -> str:
    def value(match: re.Match) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "int":
            return world.ids.get(name.replace("post_id", "status_id"), "1")
        return quote(bad, safe="") if bad is not None else world.handle

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


@pytest.mark.django_db
def test_every_web_page_and_form_refuses_nul_and_survives_long_and_broken_text(world):
    fields = _web_form_fields()
    calls = 0
    for route, str_params in _web_routes():
        if route == "logout":
            continue  # would sign the walking client out
        for client in (world.web_client, world.anonymous):
            for label, bad in (("NUL", NUL), ("1 MB", "y" * 100_000)):
                if str_params:
                    url = _web_url(route, world, bad)
                    where = f"GET /{route} path {label}"
                    _assert_refused_or_handled(client.get(url), where, nul=label == "NUL")
                    calls += 1
            url = _web_url(route, world, None)
            for label, raw in (("NUL", "a%00b"), ("1 MB", LONG), ("broken UTF-8", "caf%E9%FF")):
                query = "&".join(f"{name}={raw}" for name in ("q", "page", "max_id", "match"))
                where = f"GET /{route} query {label}"
                _assert_refused_or_handled(client.get(f"{url}?{query}"), where, nul=label == "NUL")
                calls += 1
            for label, value in (("NUL", NUL), ("broken UTF-8", BROKEN_UTF8)):
                every_field = dict.fromkeys(fields, value)
                for encoding, body, content_type in (
                    ("form", _form_encoded(every_field), "application/x-www-form-urlencoded"),
                    ("multipart", _multipart(every_field), MULTIPART),
                ):
                    where = f"POST /{route} {encoding} every field {label}"
                    response = client.post(url, data=body, content_type=content_type)
                    _assert_refused_or_handled(response, where, nul=label == "NUL")
                    calls += 1
            if client is world.anonymous:
                continue
            for name in fields:
                where = f"POST /{route} form {name} 1 MB"
                response = client.post(
                    url,
                    data=_form_encoded({name: LONG}),
                    content_type="application/x-www-form-urlencoded",
                )
                _assert_refused_or_handled(response, where)
                calls += 1
    assert calls > 300
    _assert_no_nul_stored()
