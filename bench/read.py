"""Read throughput: home, public and hashtag timelines against a near-empty request, same run.

    python -m bench.read [--database-url URL] [--seconds 10] [--concurrency 8]
                         [--accounts N --posts N --follows N]   # seed sizes, if not seeded yet

Seeds the database with ``tidings bench seed`` if it is not seeded, starts
``tidings serve --workers 2`` on a free loopback port, signs in the account that
follows the most others (a session made directly in the database), then loads
each page for ``--seconds`` with ``wrk`` (``apt-get install wrk``) or, if missing,
a threaded keep-alive client. Prints a table and writes
``bench/results/read-<timestamp>.json``. Each figure is also given as a ratio to
the near-empty ``/healthz``, measured first and last in the same run (the mean of
the two). Where the client API is present, its timelines are measured too, with a
read token issued to the same account.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.loadgen import WRK_INSTALL_HINT, LoadResult, have_wrk, run_load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


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
        "--data-dir",
        default=str(ROOT / "tidings-data" / "bench"),
        help="Data dir for the server (secret key, SQLite file).",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="Load time per page.")
    parser.add_argument("--warmup", type=float, default=2.0, help="Unmeasured load first.")
    parser.add_argument("--concurrency", type=int, default=8, help="Open connections.")
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes.")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--accounts", type=int, default=10_000, help="Seed size, if seeding.")
    parser.add_argument("--posts", type=int, default=200_000, help="Seed size, if seeding.")
    parser.add_argument("--follows", type=int, default=100, help="Seed size, if seeding.")
    return parser.parse_args(argv)


def server_env(args: argparse.Namespace, port: int) -> dict[str, str]:
    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tidings.settings",
        "TIDINGS_DATA_DIR": str(data_dir),
        "TIDINGS_DEBUG": "0",
        "TIDINGS_RATE_LIMITS": "0",  # measure throughput, not the API's per-token limits
        "TIDINGS_DOMAIN": f"127.0.0.1:{port}",
        "TIDINGS_DATABASE_URL": args.database_url or f"sqlite:///{data_dir / 'bench.sqlite3'}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(args: argparse.Namespace, env: dict[str, str]) -> None:
    """``tidings bench seed`` with the requested sizes; it does nothing if already seeded."""
    command = [sys.executable, "-m", "tidings.cli", "bench", "seed"]
    command += ["--accounts", str(args.accounts), "--posts", str(args.posts)]
    command += ["--follows", str(args.follows)]
    subprocess.run(command, env=env, check=True)


def prepare_viewer(env: dict[str, str]) -> dict[str, Any]:
    """Sign in the account following the most others; returns its cookie and what to load.

    Runs in this process with the server's settings, so the session is one the server accepts.
    """
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.db.models import Count

    from tidings.social.models import Account, Hashtag, HomeEntry, Post, PostHashtag

    account = Account.objects.order_by("-following_count", "id").first()
    if account is None:
        raise SystemExit("The database has no accounts; seeding failed?")
    session = SessionStore()
    session[SESSION_KEY] = str(account.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = account.get_session_auth_hash()
    session.create()
    top_tag = (
        PostHashtag.objects.filter(listed=True)
        .values("hashtag")
        .annotate(uses=Count("id"))
        .order_by("-uses")
        .first()
    )
    tag = Hashtag.objects.get(id=top_tag["hashtag"]).name if top_tag else "farmersprotest"
    info = {
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "token": api_token(account),
        "viewer": account.username,
        "viewer_following": account.following_count,
        "viewer_home_entries": HomeEntry.objects.filter(owner=account).count(),
        "tag": tag,
        "tag_posts": PostHashtag.objects.filter(hashtag__name=tag, listed=True).count(),
        "dataset": {
            "accounts": Account.objects.count(),
            "posts": Post.objects.count(),
            "follows": int(sum(Account.objects.values_list("following_count", flat=True))),
            "home_entries": HomeEntry.objects.count(),
        },
        "database": connection.vendor,
    }
    connection.close()
    return info


def api_token(account: Any) -> str | None:
    """A read-only API token for ``account``, or None where this build has no client API."""
    try:
        from tidings.api.actions import do_create_app, do_issue_token
    except ImportError:
        return None
    app = do_create_app(
        "Read benchmark",
        redirect_uris="urn:ietf:wg:oauth:2.0:oob",
        scopes="read",
        acting_user=account,
    )
    return do_issue_token(account, app.app.application, ["read"], acting_user=account).raw


@contextmanager
def running_server(env: dict[str, str], port: int, workers: int):
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


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.tool == "wrk" and not have_wrk():
        raise SystemExit(WRK_INSTALL_HINT)
    if args.tool == "auto" and not have_wrk():
        print(WRK_INSTALL_HINT + " Falling back to a Python threaded client.", file=sys.stderr)
    port = free_port()
    env = server_env(args, port)
    seed(args, env)
    subprocess.run([sys.executable, "-m", "tidings.cli", "migrate", "-v0"], env=env, check=True)
    info = prepare_viewer(env)
    token = info.pop("token")
    web = {"Cookie": info["cookie"]}
    pages = [
        ("near-empty /healthz", "/healthz", web),
        ("home /", "/", web),
        ("public /public", "/public", web),
        (f"hashtag /tags/{info['tag']}", f"/tags/{info['tag']}", web),
    ]
    if token:
        api = {"Authorization": f"Bearer {token}"}
        pages += [
            ("API home", "/api/v1/timelines/home", api),
            ("API home ?limit=40", "/api/v1/timelines/home?limit=40", api),
            ("API public", "/api/v1/timelines/public", api),
            ("API hashtag", f"/api/v1/timelines/tag/{info['tag']}", api),
        ]
    pages.append(("near-empty /healthz, again", "/healthz", web))  # shows drift during the run
    rows: list[dict[str, Any]] = []
    info["load_average_before"] = round(os.getloadavg()[0], 2)
    with running_server(env, port, args.workers) as base:
        for name, path, headers in pages:
            checked = probe(base + path, headers)
            run_load(
                base + path,
                seconds=args.warmup,
                connections=args.concurrency,
                headers=headers,
                tool=args.tool,
            )
            result: LoadResult = run_load(
                base + path,
                seconds=args.seconds,
                connections=args.concurrency,
                headers=headers,
                tool=args.tool,
            )
            rows.append({"name": name, "path": path, **checked, **result.as_dict()})
            print(f"  measured {name}: {result.rps:.1f} req/s", file=sys.stderr)
    info["load_average_after"] = round(os.getloadavg()[0], 2)
    baseline = (rows[0]["rps"] + rows[-1]["rps"]) / 2 or 1.0
    for row in rows:
        row["ratio_to_near_empty"] = round(row["rps"] / baseline, 3)
    print_table(rows, info, args)
    failing = [row["name"] for row in rows if row["errors"] or row["status"] != 200]
    if failing:
        print(f"\nWarning: errors or non-200 answers on {', '.join(failing)}; see the JSON.")
    write_results(rows, info, args)


def print_table(rows: list[dict[str, Any]], info: dict[str, Any], args: argparse.Namespace) -> None:
    dataset = info["dataset"]
    print(
        f"\nRead benchmark: {dataset['accounts']} accounts, {dataset['posts']} posts, "
        f"{dataset['follows']} follows on {info['database']}; {args.workers} workers, "
        f"{args.concurrency} connections, {args.seconds:g} s per page, tool {rows[0]['tool']}; "
        f"load average {info['load_average_before']} before, {info['load_average_after']} after "
        "(other work on the machine skews every figure; the ratios less so)."
    )
    print(
        f"Signed in as @{info['viewer']} (follows {info['viewer_following']}, "
        f"{info['viewer_home_entries']} home entries); tag #{info['tag']} has {info['tag_posts']} posts.\n"
    )
    header = f"{'page':34} {'status':>6} {'KB':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'× near-empty':>12} {'errors':>6}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['name'][:34]:34} {row['status']:>6} {row['bytes'] / 1024:>6.1f} {row['rps']:>8.1f} "
            f"{row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['ratio_to_near_empty']:>12.2f} {row['errors']:>6}"
        )


def write_results(
    rows: list[dict[str, Any]], info: dict[str, Any], args: argparse.Namespace
) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    report = {
        "benchmark": "read",
        "at": stamp,
        "commit": commit,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": info["load_average_before"],
            "load_average_after": info["load_average_after"],
        },
        "settings": {
            "seconds": args.seconds,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "workers": args.workers,
        },
        "viewer": {k: info[k] for k in ("viewer", "viewer_following", "viewer_home_entries")},
        "dataset": info["dataset"] | {"database": info["database"]},
        "pages": rows,
    }
    path = RESULTS / f"read-{stamp}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
