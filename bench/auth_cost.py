"""What a session cookie or a bearer token adds to a request that needs the account.

    python -m bench.auth_cost [--data-dir DIR] [--database-url URL] [--requests 500]
                              [--rounds 5] [--clock wall|cpu]

In process, against an already seeded database (``bench.profile_request`` makes the
session and the token, so point it at a writable copy). Each leg runs a request
through the middleware a page runs (sessions, authentication, the viewer, the
suspended-account check) and then asks what every signed-in page or API call asks:
who the account is (``request.viewer``; ``api_auth`` for the token). The legs run in
A/B/B/A order per round: no credentials, then the cookie, then the token; each
request ends as a server's does (``close_old_connections``). The figure is the
difference of the medians: the milliseconds a cookie or a token adds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.profile_request import add_clock_argument, setup, viewers


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.auth_cost")
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    add_clock_argument(parser)
    return parser.parse_args(argv)


def legs(person: dict[str, Any]) -> dict[str, Callable[[], object]]:
    """name → one request's worth of work (middleware, then asking who is calling)."""
    from django.conf import settings
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.db import close_old_connections
    from django.http import HttpRequest, HttpResponse
    from django.test import RequestFactory

    from tidings.api.auth import api_auth
    from tidings.visibility.middleware import ViewerMiddleware
    from tidings.web.suspended import SuspendedAccountMiddleware

    factory = RequestFactory(HTTP_HOST=settings.DOMAIN)

    def page(request: HttpRequest) -> HttpResponse:
        SuspendedAccountMiddleware(lambda r: HttpResponse()).process_view(request, page)
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        assert (request.viewer.account_id is not None) == signed_in
        return HttpResponse()

    def api(request: HttpRequest) -> HttpResponse:
        assert api_auth(request).viewer.account_id is not None
        return HttpResponse()

    def chain(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], Any]:
        return SessionMiddleware(AuthenticationMiddleware(ViewerMiddleware(view)))

    web_chain, api_chain = chain(page), chain(api)
    cookie = f"{settings.SESSION_COOKIE_NAME}={person['cookie']}"
    bearer = f"Bearer {person['token']}"

    def run(handler: Callable[[HttpRequest], Any], **headers: str) -> Callable[[], object]:
        def once() -> object:
            response = handler(factory.get("/settings/profile", **headers))
            close_old_connections()
            return response

        return once

    return {
        "none": run(web_chain),
        "cookie": run(web_chain, HTTP_COOKIE=cookie),
        "token": run(api_chain, HTTP_AUTHORIZATION=bearer),
    }


def measure(args: argparse.Namespace) -> dict[str, float]:
    person = viewers()[0]
    work = legs(person)
    times: dict[str, list[float]] = {name: [] for name in work}
    order = ["none", "cookie", "token", "token", "cookie", "none"]
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    for _ in range(args.rounds):
        for name in order:
            work[name]()  # warm
            for _ in range(args.requests // 2):
                start = clock()
                work[name]()
                times[name].append(clock() - start)
    medians = {name: statistics.median(t) * 1000 for name, t in times.items()}
    return {
        "none_ms": round(medians["none"], 4),
        "cookie_added_ms": round(medians["cookie"] - medians["none"], 4),
        "token_added_ms": round(medians["token"] - medians["none"], 4),
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    setup(args)
    from django.conf import settings
    from django.db import connection

    result = measure(args)
    redis = "redis" if settings.REDIS_URL else "no redis"
    print(f"database: {connection.vendor} ({redis}, {args.clock} clock)  {result}")


if __name__ == "__main__":
    main()
