"""Where a read request's time goes: in-process timings per endpoint against ``/healthz``.

    python -m bench.profile_request [--data-dir DIR] [--database-url URL] [--requests 60]
                                    [--rounds 3] [--only SUBSTRING] [--profile PATH]
                                    [--json FILE]

Runs the Django test client against an already seeded database (``tidings bench
seed``, or ``tidings demo``), with the server's settings from ``TIDINGS_*``. Each
request ends as a server's does (``close_old_connections``), so a database
connection that is not kept between requests is paid for, as under gunicorn.
Endpoints are measured in turn, ``rounds`` times over, ``requests`` each; the
figure is the median time of a request and its ratio to ``/healthz`` (no cookie)
measured in the same rounds: 0.25x means a quarter of a near-empty request's
throughput. ``--profile`` prints a cProfile of the endpoints matching it instead.
Viewers: the account following the most others and the median one (by following).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import time
from pathlib import Path
from typing import Any


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_request")
    parser.add_argument("--data-dir", default=os.environ.get("TIDINGS_DATA_DIR", ""))
    parser.add_argument("--database-url", default=os.environ.get("TIDINGS_DATABASE_URL", ""))
    parser.add_argument("--requests", type=int, default=60, help="Requests per endpoint a round.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--only", default="", help="Measure only endpoints whose path or name contains this."
    )
    parser.add_argument("--profile", default="", help="cProfile the paths containing this.")
    parser.add_argument("--json", default="", help="Write the figures here too.")
    add_clock_argument(parser)
    return parser.parse_args(argv)


def add_clock_argument(parser: argparse.ArgumentParser) -> None:
    """``--clock wall|cpu``, shared by the in-process benchmarks."""
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="cpu: this process's CPU time, steadier on a busy machine (leaves out the time "
        "a PostgreSQL server spends, but not SQLite's, which runs in-process).",
    )


def setup(args: argparse.Namespace) -> None:
    if args.data_dir:
        os.environ["TIDINGS_DATA_DIR"] = str(Path(args.data_dir).resolve())
    if args.database_url:
        os.environ["TIDINGS_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tidings.settings")
    os.environ["TIDINGS_RATE_LIMITS"] = "0"
    os.environ.setdefault("TIDINGS_GEOIP", "0")
    import django

    django.setup()


def viewers() -> list[dict[str, Any]]:
    """The busiest and the median viewer, each with a session cookie and a read token."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tidings.api.actions import do_create_app, do_issue_token
    from tidings.social.models import Account

    accounts = Account.objects.filter(is_active=True).order_by("-following_count", "id")
    count = accounts.count()
    if not count:
        raise SystemExit("No accounts: seed first (tidings bench seed, or tidings demo).")
    chosen = {"most": accounts[0], "median": accounts[count // 2]}
    app = do_create_app(
        "Profile", redirect_uris="urn:ietf:wg:oauth:2.0:oob", scopes="read", acting_user=None
    )
    out = []
    for label, account in chosen.items():
        session = SessionStore()
        session[SESSION_KEY] = str(account.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = account.get_session_auth_hash()
        session.create()
        token = do_issue_token(account, app.app.application, ["read"], acting_user=account).raw
        out.append(
            {
                "label": label,
                "username": account.username,
                "following": account.following_count,
                "cookie": session.session_key,
                "token": token,
            }
        )
    return out


def busiest_tag() -> str:
    from django.db.models import Count

    from tidings.social.models import Hashtag, PostHashtag

    top = (
        PostHashtag.objects.filter(listed=True)
        .values("hashtag")
        .annotate(uses=Count("id"))
        .order_by("-uses")
        .first()
    )
    return Hashtag.objects.get(id=top["hashtag"]).name if top else "farmersprotest"


def endpoints(people: list[dict[str, Any]], tag: str) -> list[tuple[str, str, dict[str, str]]]:
    """(name, path, how to authenticate) for every measured request."""
    rows: list[tuple[str, str, dict[str, str]]] = [
        ("healthz", "/healthz", {}),
        ("healthz+cookie", "/healthz", {"cookie": people[0]["cookie"]}),
        ("healthz+token", "/healthz", {"token": people[0]["token"]}),
        ("api instance v1", "/api/v1/instance", {}),
        ("api instance v2", "/api/v2/instance", {}),
        ("api custom_emojis", "/api/v1/custom_emojis", {}),
        (
            "api verify_credentials",
            "/api/v1/accounts/verify_credentials",
            {"token": people[0]["token"]},
        ),
        ("api public 20", "/api/v1/timelines/public?limit=20", {"token": people[0]["token"]}),
        ("api tag 20", f"/api/v1/timelines/tag/{tag}?limit=20", {"token": people[0]["token"]}),
    ]
    for person in people:
        who = person["label"]
        rows += [
            (f"api home 20 ({who})", "/api/v1/timelines/home?limit=20", {"token": person["token"]}),
            (f"api home 40 ({who})", "/api/v1/timelines/home?limit=40", {"token": person["token"]}),
        ]
    rows += [(f"web home ({p['label']})", "/", {"cookie": p["cookie"]}) for p in people]
    rows += [
        ("web public", "/public", {"cookie": people[0]["cookie"]}),
        ("web tag", f"/tags/{tag}", {"cookie": people[0]["cookie"]}),
    ]
    return rows


def make_request(client: Any, path: str, auth: dict[str, str]) -> int:
    from django.conf import settings
    from django.db import close_old_connections

    client.cookies.clear()
    if "cookie" in auth:
        client.cookies[settings.SESSION_COOKIE_NAME] = auth["cookie"]
    headers = {"Authorization": f"Bearer {auth['token']}"} if "token" in auth else {}
    response = client.get(path, headers=headers)
    close_old_connections()  # as a server does at the end of every request
    return response.status_code


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    people = viewers()
    tag = busiest_tag()
    rows = [
        r
        for r in endpoints(people, tag)
        if not args.only or args.only in r[1] or args.only in r[0] or r[0] == "healthz"
    ]
    from django.conf import settings

    client = Client(HTTP_HOST=settings.DOMAIN)
    if args.profile:
        profiler = cProfile.Profile()
        chosen = [r for r in rows if args.profile in r[1] or args.profile in r[0]]
        if not chosen:
            raise SystemExit(f"No endpoint matches {args.profile!r}")
        for _name, path, auth in chosen:
            make_request(client, path, auth)
            profiler.enable()
            for _ in range(args.requests):
                make_request(client, path, auth)
            profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return {}
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    times: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    statuses: dict[str, int] = {}
    for _ in range(args.rounds):
        for name, path, auth in rows:
            statuses[name] = make_request(client, path, auth)  # warm
            for _ in range(args.requests):
                start = clock()
                make_request(client, path, auth)
                times[name].append(clock() - start)
    failed = {name: status for name, status in statuses.items() if status != 200}
    if failed:
        raise SystemExit(f"Some requests failed: {failed}")
    base = statistics.median(times["healthz"])
    results = {
        name: {
            "status": statuses[name],
            "median_ms": round(statistics.median(t) * 1000, 3),
            "ratio": round(base / statistics.median(t), 3),
        }
        for name, t in times.items()
    }
    for name in ("healthz+cookie", "healthz+token"):
        if name in results:
            results[name]["added_ms"] = round((statistics.median(times[name]) - base) * 1000, 3)
    return {
        "database": connection.vendor,
        "viewers": [{k: p[k] for k in ("label", "username", "following")} for p in people],
        "tag": tag,
        "requests": args.requests,
        "rounds": args.rounds,
        "clock": args.clock,
        "results": results,
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    setup(args)
    report = measure(args)
    if not report:
        return
    print(f"database: {report['database']}  clock: {report['clock']}  tag: {report['tag']}")
    print(f"viewers: {report['viewers']}")
    print(f"{'endpoint':32} {'status':>6} {'median ms':>10} {'x healthz':>10}")
    for name, row in report["results"].items():
        extra = f"  (+{row['added_ms']} ms)" if "added_ms" in row else ""
        print(
            f"{name:32} {row['status']:>6} {row['median_ms']:>10.2f} {row['ratio']:>9.3f}x{extra}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
