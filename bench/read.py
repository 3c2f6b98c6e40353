"""Read throughput: timelines and near-static endpoints as a share of a near-empty request.

    python -m bench.read [--database-url URL | --databases sqlite,postgres]
                         [--seconds 20] [--concurrency 4] [--workers 2]
                         [--accounts N --posts N --follows N]   # seed sizes, if not seeded yet

For each database: seeds it with ``tidings bench seed`` if it is not seeded (a
PostgreSQL database that does not exist yet is created first), starts ``tidings
serve`` on a free loopback port and signs in two viewers, the account following
the median number of accounts and the one following the most (``tidings bench
viewers``). Then it loads, each for ``--seconds`` with ``wrk`` or, if missing, a
threaded keep-alive client:

* ``/healthz`` without a cookie, first and last: the near-empty baseline every
  ratio divides by (the mean of the two);
* the near-static endpoints, anonymously: ``/api/v1/instance``, ``/api/v2/instance``,
  ``/api/v1/custom_emojis``, ``/nodeinfo/2.0``;
* for each viewer: the API's home (20 and 40), hashtag and public timelines with
  the viewer's bearer token, and the web pages ``/``, ``/public`` and ``/tags/<tag>``
  with the viewer's session cookie.

Apart from that, the cost of being signed in, on one connection so that the
latency is the server's own time, in A/B/B/A order: ``/healthz`` with the session
cookie against ``/healthz`` without, and ``/api/v1/preferences`` with the bearer
token (it answers a constant document once the token is checked) against
``/api/v1/custom_emojis`` without (a constant document from the same API stack,
which never looks at a token). The difference of the medians is the milliseconds
a cookie or a token adds to every request.

Prints a table per database and writes ``bench/results/read-<database>-<time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.loadgen import WRK_INSTALL_HINT, LoadResult, have_wrk, run_load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/tidings_bench"
NEAR_STATIC = ("/api/v1/instance", "/api/v2/instance", "/api/v1/custom_emojis", "/nodeinfo/2.0")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.read", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TIDINGS_BENCH_DATABASE_URL", ""),
        help="Database to seed and serve (default: SQLite in --data-dir).",
    )
    parser.add_argument(
        "--databases",
        default="",
        help="Run on several databases in turn: a comma-separated list of 'sqlite' (the "
        "SQLite file in --data-dir) and 'postgres' (--postgres-url).",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TIDINGS_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help=f"The database 'postgres' stands for in --databases (default {DEFAULT_POSTGRES_URL}).",
    )
    parser.add_argument(
        "--data-dir",
        default=str(ROOT / "tidings-data" / "bench"),
        help="Data dir for the server (secret key, SQLite file).",
    )
    parser.add_argument("--results-dir", default=str(RESULTS), help="Where the JSON goes.")
    parser.add_argument("--seconds", type=float, default=20.0, help="Load time per endpoint.")
    parser.add_argument(
        "--cost-seconds",
        type=float,
        default=None,
        help="Load time per leg of the cookie and token cost runs (default: --seconds).",
    )
    parser.add_argument(
        "--groups",
        default="",
        help="Load only these groups of pages (comma-separated: near-static, api, web); "
        "the /healthz baseline is always loaded.",
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="Unmeasured load first.")
    parser.add_argument("--concurrency", type=int, default=4, help="Open connections.")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads.")
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes.")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--accounts", type=int, default=10_000, help="Seed size, if seeding.")
    parser.add_argument("--posts", type=int, default=200_000, help="Seed size, if seeding.")
    parser.add_argument("--follows", type=int, default=100, help="Seed size, if seeding.")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.warmup < 0 or args.concurrency < 1 or args.workers < 1:
        parser.error(
            "--seconds, --concurrency and --workers must be positive, --warmup not negative"
        )
    if args.cost_seconds is None:
        args.cost_seconds = args.seconds
    if args.databases and args.database_url:
        parser.error("give either --database-url or --databases, not both")
    return args


def database_urls(args: argparse.Namespace) -> list[str]:
    """The database URLs to run on, in order; '' is the SQLite file in the data dir."""
    if not args.databases:
        return [args.database_url]
    urls = []
    for name in (n.strip().lower() for n in args.databases.split(",") if n.strip()):
        if name == "sqlite":
            urls.append("")
        elif name in ("postgres", "postgresql"):
            urls.append(args.postgres_url)
        else:
            raise SystemExit(f"--databases: unknown database {name!r} (use sqlite, postgres)")
    if not urls:
        raise SystemExit("--databases names no database (use sqlite, postgres or both)")
    return urls


def sqlite_path(data_dir: Path) -> Path:
    return data_dir / "bench.sqlite3"


def server_env(args: argparse.Namespace, database_url: str, port: int) -> dict[str, str]:
    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tidings.settings",
        "TIDINGS_DATA_DIR": str(data_dir),
        "TIDINGS_DEBUG": "0",
        "TIDINGS_RATE_LIMITS": "0",  # measure throughput, not the API's per-token limits
        "TIDINGS_DOMAIN": f"127.0.0.1:{port}",
        "TIDINGS_DATABASE_URL": database_url or f"sqlite:///{sqlite_path(data_dir)}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_postgres(url: str) -> None:
    """Fail clearly if PostgreSQL cannot be reached; create the database if it does not exist."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    try:
        psycopg.connect(url, connect_timeout=5).close()
        return
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error) or not name:
            raise SystemExit(
                f"PostgreSQL at {where} is unreachable ({str(error).strip()}); start it, "
                "or pass another --database-url / --postgres-url."
            ) from None
    maintenance = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(maintenance, connect_timeout=5, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        raise SystemExit(f"Could not create database {name!r} at {where}: {error}") from None
    print(f"Created PostgreSQL database {name!r} at {where}.", file=sys.stderr)


def tidings(env: dict[str, str], *command: str, what: str) -> str:
    """Run ``tidings <command>`` with the server's settings; its stdout, or a clear exit."""
    done = subprocess.run(
        [sys.executable, "-m", "tidings.cli", *command],
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if command[:2] == ("bench", "seed") else subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{what} failed (tidings {' '.join(command)}):\n{done.stderr or ''}")
    return done.stdout


def seed(args: argparse.Namespace, env: dict[str, str]) -> None:
    """``tidings bench seed`` with the requested sizes; it does nothing if already seeded."""
    out = tidings(
        env,
        *("bench", "seed", "--accounts", str(args.accounts), "--posts", str(args.posts)),
        *("--follows", str(args.follows)),
        what="Seeding the benchmark dataset",
    )
    print(out.strip(), file=sys.stderr)


@contextmanager
def running_server(env: dict[str, str], port: int, workers: int) -> Iterator[str]:
    log_path = Path(env["TIDINGS_DATA_DIR"]) / "bench-server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "tidings.cli", "serve", "--host", "127.0.0.1"]
            + ["--port", str(port), "--workers", str(workers), "--no-migrate"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz", server, log_path)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_until_up(url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise SystemExit(f"tidings serve exited:\n{log_path.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 (loopback only)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise SystemExit("tidings serve did not answer within 60 s") from None
            time.sleep(0.2)


def probe(url: str, headers: dict[str, str]) -> dict[str, Any]:
    """One request: status and size, so a placeholder page or an error shows in the report."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    posts = len(json.loads(body)) if body.startswith(b"[") else body.count(b"<article")
    return {"status": status, "bytes": len(body), "posts_on_page": posts}


@dataclass(frozen=True)
class Endpoint:
    """One row of the report: what is loaded, as whom, and how it is grouped."""

    name: str
    path: str
    group: str  # baseline | near-static | api | web
    viewer: str = ""  # '' (anonymous), 'median' or 'most'
    headers: dict[str, str] = field(default_factory=dict)


def plan(viewers: dict[str, Any], tag: str, groups: str = "") -> list[Endpoint]:
    """Every endpoint in the order it is loaded; the baseline comes first and last.
    ``groups`` (comma-separated) keeps only those groups, and the baseline."""
    endpoints = [Endpoint("/healthz, no cookie (first)", "/healthz", "baseline")]
    endpoints += [Endpoint(path, path, "near-static") for path in NEAR_STATIC]
    for role in ("median", "most"):
        api = {"Authorization": f"Bearer {viewers[role]['token']}"}
        web = {"Cookie": viewers[role]["cookie"]}
        endpoints += [
            Endpoint("API home, 20", "/api/v1/timelines/home", "api", role, api),
            Endpoint("API home, 40", "/api/v1/timelines/home?limit=40", "api", role, api),
            Endpoint("API hashtag, 20", f"/api/v1/timelines/tag/{tag}", "api", role, api),
            Endpoint("API public, 20", "/api/v1/timelines/public", "api", role, api),
            Endpoint("web /", "/", "web", role, web),
            Endpoint("web /public", "/public", "web", role, web),
            Endpoint(f"web /tags/{tag}", f"/tags/{tag}", "web", role, web),
        ]
    endpoints.append(Endpoint("/healthz, no cookie (last)", "/healthz", "baseline"))
    wanted = {g.strip() for g in groups.split(",") if g.strip()}
    if wanted:
        endpoints = [e for e in endpoints if e.group == "baseline" or e.group in wanted]
    return endpoints


def measure(base: str, endpoint: Endpoint, args: argparse.Namespace) -> dict[str, Any]:
    checked = probe(base + endpoint.path, endpoint.headers)
    load = {"connections": args.concurrency, "headers": endpoint.headers, "tool": args.tool}
    load["threads"] = args.threads
    if args.warmup:
        run_load(base + endpoint.path, seconds=args.warmup, **load)
    result: LoadResult = run_load(base + endpoint.path, seconds=args.seconds, **load)
    print(f"  {endpoint.viewer or '-':6} {endpoint.name}: {result.rps:.1f} req/s", file=sys.stderr)
    return {
        "name": endpoint.name,
        "path": endpoint.path,
        "group": endpoint.group,
        "viewer": endpoint.viewer,
        **checked,
        **result.as_dict(),
    }


def signed_in_cost(
    base: str,
    args: argparse.Namespace,
    *,
    plain: tuple[str, dict[str, str]],
    signed_in: tuple[str, dict[str, str]],
) -> dict[str, Any]:
    """Milliseconds ``signed_in`` adds to ``plain``: one connection, legs in A/B/B/A order."""
    legs: dict[str, list[LoadResult]] = {"plain": [], "signed_in": []}
    order = [("plain", plain), ("signed_in", signed_in)]
    for label, (path, headers) in [*order, *reversed(order)]:
        if not legs[label] and args.warmup:
            run_load(
                base + path, seconds=args.warmup, connections=1, headers=headers, tool=args.tool
            )
        legs[label].append(
            run_load(
                base + path,
                seconds=args.cost_seconds,
                connections=1,
                headers=headers,
                tool=args.tool,
            )
        )

    def summary(results: list[LoadResult], path: str, headers: dict[str, str]) -> dict[str, Any]:
        return {
            "path": path,
            "status": probe(base + path, headers)["status"],
            "sends": sorted(headers),
            "rps": round(statistics.mean(r.rps for r in results), 1),
            "p50_ms": round(statistics.mean(r.p50_ms for r in results), 3),
            "mean_ms": round(statistics.mean(r.mean_ms for r in results), 3),
            "errors": sum(r.errors for r in results),
        }

    a = summary(legs["plain"], *plain)
    b = summary(legs["signed_in"], *signed_in)
    return {
        "plain": a,
        "signed_in": b,
        "added_ms_p50": round(b["p50_ms"] - a["p50_ms"], 3),
        "added_ms_mean": round(b["mean_ms"] - a["mean_ms"], 3),
    }


def run_one(args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    """Seed, serve and measure one database; returns the report (also written as JSON)."""
    if database_url.startswith(("postgres://", "postgresql://")):
        ensure_postgres(database_url)
    elif database_url and not database_url.startswith("sqlite:"):
        raise SystemExit(f"Unsupported --database-url {database_url!r} (postgres:// or sqlite:)")
    port = free_port()
    env = server_env(args, database_url, port)
    seed(args, env)
    tidings(env, "migrate", "-v0", what="Migrating the benchmark database")
    info = json.loads(tidings(env, "bench", "viewers", what="Signing in the viewers"))
    viewers = info.pop("viewers")
    endpoints = plan(viewers, info["tag"], args.groups)
    load_before = round(os.getloadavg()[0], 2)
    rows: list[dict[str, Any]] = []
    with running_server(env, port, args.workers) as base:
        for endpoint in endpoints[:-1]:
            rows.append(measure(base, endpoint, args))
        cost = {
            "session_cookie": signed_in_cost(
                base,
                args,
                plain=("/healthz", {}),
                signed_in=("/healthz", {"Cookie": viewers["most"]["cookie"]}),
            ),
            "bearer_token": signed_in_cost(
                base,
                args,
                plain=("/api/v1/custom_emojis", {}),
                signed_in=(
                    "/api/v1/preferences",
                    {"Authorization": f"Bearer {viewers['most']['token']}"},
                ),
            ),
        }
        rows.append(measure(base, endpoints[-1], args))
    baseline = statistics.mean(row["rps"] for row in rows if row["group"] == "baseline") or 1.0
    for row in rows:
        row["ratio_to_healthz"] = round(row["rps"] / baseline, 3)
    report = {
        "benchmark": "read",
        "at": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "commit": git_commit(),
        "database": info["database"],
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "settings": {
            k: getattr(args, k)
            for k in (
                "seconds",
                "cost_seconds",
                "warmup",
                "concurrency",
                "threads",
                "workers",
                "groups",
            )
        }
        | {"tool": rows[0]["tool"]},
        "dataset": info["dataset"],
        "tag": {"name": info["tag"], "posts": info["tag_posts"]},
        "viewers": {
            role: {k: v for k, v in viewer.items() if k not in ("cookie", "token")}
            for role, viewer in viewers.items()
        },
        "healthz_rps": round(baseline, 1),
        "pages": rows,
        "signed_in_cost": cost,
    }
    print_report(report)
    write_report(report, Path(args.results_dir))
    return report


def git_commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def print_report(report: dict[str, Any]) -> None:
    d, s, m = report["dataset"], report["settings"], report["machine"]
    print(
        f"\nRead benchmark on {report['database']} at {report['commit']}: {d['accounts']} accounts, "
        f"{d['posts']} posts, {d['follows']} follows (median followers {d['median_followers']:g}); "
        f"{s['workers']} workers, {s['concurrency']} connections, {s['seconds']:g} s per endpoint, "
        f"{s['tool']}; load average {m['load_average_before']} before, "
        f"{m['load_average_after']} after (other work on the machine skews every figure; "
        "the ratios less so)."
    )
    for role, viewer in report["viewers"].items():
        print(
            f"Viewer '{role}': @{viewer['handle']} follows {viewer['following']}, "
            f"{viewer['home_entries']} home entries."
        )
    print(f"Tag #{report['tag']['name']}: {report['tag']['posts']} posts.\n")
    header = (
        f"{'endpoint':30} {'viewer':>6} {'status':>6} {'KB':>6} {'req/s':>8} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'× healthz':>9} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in report["pages"]:
        print(
            f"{row['name'][:30]:30} {row['viewer'] or '-':>6} {row['status']:>6} "
            f"{row['bytes'] / 1024:>6.1f} {row['rps']:>8.1f} {row['p50_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f} {row['ratio_to_healthz']:>9.3f} {row['errors']:>6}"
        )
    print("\nSigned-in cost (one connection, A/B/B/A):")
    for what, cost in report["signed_in_cost"].items():
        a, b = cost["plain"], cost["signed_in"]
        print(
            f"  {what}: {b['path']} with it {b['p50_ms']:.2f} ms (p50) against {a['path']} "
            f"without {a['p50_ms']:.2f} ms: adds {cost['added_ms_p50']:.2f} ms "
            f"(mean {cost['added_ms_mean']:.2f} ms)"
        )
    failing = [
        f"{row['name']} ({row['viewer'] or 'anonymous'})"
        for row in report["pages"]
        if row["errors"] or row["status"] != 200
    ]
    failing += [
        f"{what} ({leg['path']})"
        for what, cost in report["signed_in_cost"].items()
        for leg in (cost["plain"], cost["signed_in"])
        if leg["errors"] or leg["status"] != 200
    ]
    if failing:
        print(f"\nWarning: errors or non-200 answers on {', '.join(failing)}; see the JSON.")


def write_report(report: dict[str, Any], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"read-{report['database']}-{report['at']}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"\nWrote {shown}")
    return path


def print_comparison(reports: list[dict[str, Any]]) -> None:
    """Side by side: each endpoint's ratio to /healthz on each database."""
    print("\nRatios to /healthz (no cookie), side by side:")
    names = [r["database"] for r in reports]
    print(f"{'endpoint':30} {'viewer':>6} " + " ".join(f"{n:>10}" for n in names))
    for index, row in enumerate(reports[0]["pages"]):
        ratios = [r["pages"][index]["ratio_to_healthz"] for r in reports]
        print(
            f"{row['name'][:30]:30} {row['viewer'] or '-':>6} "
            + " ".join(f"{x:>10.3f}" for x in ratios)
        )


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parse_args(argv)
    if args.tool == "wrk" and not have_wrk():
        raise SystemExit(WRK_INSTALL_HINT)
    if args.tool == "auto" and not have_wrk():
        print(WRK_INSTALL_HINT + " Falling back to a Python threaded client.", file=sys.stderr)
    reports = [run_one(args, url) for url in database_urls(args)]
    if len(reports) > 1:
        print_comparison(reports)
    return reports


if __name__ == "__main__":
    main()
