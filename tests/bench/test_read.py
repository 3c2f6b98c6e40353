"""``python -m bench.read`` end to end on a tiny dataset, and its failures stated plainly."""

from __future__ import annotations

import json
import socket
import stat
from pathlib import Path

import pytest

from bench import loadgen, read

TIMELINES = {"API home, 20", "API home, 40", "API hashtag, 20", "API public, 20", "web /"}
TIMELINES |= {"web /public"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bench-read")


@pytest.fixture(scope="module")
def report(data_dir) -> dict:
    """One short run against SQLite (a fresh data dir): every endpoint, both viewers."""
    (report,) = read.main(
        [
            *("--data-dir", str(data_dir), "--results-dir", str(data_dir / "results")),
            *("--accounts", "40", "--posts", "400", "--follows", "6"),
            *("--seconds", "0.3", "--cost-seconds", "0.3", "--warmup", "0"),
            *("--tool", "python", "--concurrency", "2"),
        ]
    )
    return report


def test_every_endpoint_answers_200_with_a_throughput(report):
    for row in report["pages"]:
        assert row["status"] == 200, row
        assert row["errors"] == 0, row
        assert row["rps"] > 0 and 0 < row["p50_ms"] <= row["p99_ms"], row


def test_timelines_are_measured_for_both_viewers_and_show_posts(report):
    for role in ("median", "most"):
        names = {row["name"] for row in report["pages"] if row["viewer"] == role}
        assert names >= TIMELINES
        assert any(name.startswith("web /tags/") for name in names)
    home_40 = [row for row in report["pages"] if row["name"] == "API home, 40"]
    assert all(row["posts_on_page"] > 20 for row in home_40 if row["viewer"] == "most")
    assert report["viewers"]["most"]["following"] > report["viewers"]["median"]["following"]


def test_near_static_endpoints_are_measured_anonymously(report):
    static = {row["path"]: row for row in report["pages"] if row["group"] == "near-static"}
    assert set(static) == set(read.NEAR_STATIC)
    assert all(row["viewer"] == "" for row in static.values())


def test_ratios_divide_by_healthz_without_a_cookie_first_and_last(report):
    first, last = (row for row in report["pages"] if row["group"] == "baseline")
    assert report["pages"][0] == first
    assert report["pages"][-1] == last
    assert first["path"] == last["path"] == "/healthz"
    baseline = (first["rps"] + last["rps"]) / 2
    for row in report["pages"]:
        assert row["ratio_to_healthz"] == pytest.approx(row["rps"] / baseline, abs=0.001)


def test_cookie_and_token_costs_are_measured_against_the_same_requests_without(report):
    cookie = report["signed_in_cost"]["session_cookie"]
    assert cookie["plain"]["path"] == cookie["signed_in"]["path"] == "/healthz"
    assert cookie["plain"]["sends"] == [] and cookie["signed_in"]["sends"] == ["Cookie"]
    token = report["signed_in_cost"]["bearer_token"]
    assert token["signed_in"]["sends"] == ["Authorization"]
    assert token["signed_in"]["status"] == 200, "the token was accepted"
    for cost in (cookie, token):
        assert cost["added_ms_p50"] == pytest.approx(
            cost["signed_in"]["p50_ms"] - cost["plain"]["p50_ms"], abs=0.002
        )


def test_the_report_is_written_as_json_without_credentials(report, data_dir):
    (written,) = (data_dir / "results").glob("*.json")
    assert written.name.startswith("read-sqlite-")
    text = written.read_text()
    assert json.loads(text)["pages"] == report["pages"]
    assert "Bearer" not in text and "sessionid=" not in text


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_postgres_is_a_clear_error(tmp_path):
    url = f"postgres://postgres@127.0.0.1:{closed_port()}/tidings_bench"
    with pytest.raises(SystemExit, match=r"PostgreSQL at 127\.0\.0\.1:\d+ is unreachable"):
        read.main(["--database-url", url, "--data-dir", str(tmp_path)])


def test_an_unknown_database_name_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="unknown database 'mysql'"):
        read.main(["--databases", "sqlite,mysql", "--data-dir", str(tmp_path)])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--databases", " , "], "names no database"),
        (["--database-url", "mysql://localhost/tidings"], "Unsupported --database-url"),
    ],
)
def test_a_database_it_cannot_use_is_a_clear_error(tmp_path, argv, message):
    with pytest.raises(SystemExit, match=message):
        read.main([*argv, "--data-dir", str(tmp_path)])


def test_asking_for_wrk_without_wrk_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(read, "have_wrk", lambda: False)
    with pytest.raises(SystemExit, match="apt-get install wrk"):
        read.main(["--tool", "wrk", "--data-dir", str(tmp_path)])


def fake_wrk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    wrk = tmp_path / "wrk"
    wrk.write_text("#!/bin/sh\n" + script)
    wrk.chmod(wrk.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")


def test_wrks_report_is_read_into_a_result(monkeypatch, tmp_path):
    fake_wrk(
        tmp_path,
        monkeypatch,
        'echo \'WRK_JSON {"requests": 500, "duration_us": 2000000, "errors": 3, '
        '"status_errors": 0, "p50_us": 1500, "p99_us": 9000, "mean_us": 2100.5}\'\n',
    )
    result = loadgen.run_wrk("http://127.0.0.1:9/healthz", seconds=2, connections=4, headers={})
    assert (result.requests, result.errors, result.rps) == (500, 3, 250.0)
    assert (result.p50_ms, result.p99_ms, result.mean_ms) == (1.5, 9.0, 2.1005)


def test_a_failing_wrk_is_reported_with_its_message(monkeypatch, tmp_path):
    fake_wrk(tmp_path, monkeypatch, "echo 'unable to connect to 127.0.0.1:9' >&2\nexit 1\n")
    with pytest.raises(RuntimeError, match="unable to connect"):
        loadgen.run_wrk("http://127.0.0.1:9/healthz", seconds=1, connections=1, headers={})


def test_wrk_runs_with_the_threads_and_headers_asked_for():
    command = loadgen.wrk_command(
        "http://127.0.0.1:8000/",
        seconds=0.4,
        connections=4,
        headers={"Cookie": "sessionid=x"},
        threads=1,
        script="r.lua",
    )
    assert command[:4] == ["wrk", "-t1", "-c4", "-d1s"]
    assert command[-3:] == ["-H", "Cookie: sessionid=x", "http://127.0.0.1:8000/"]


def test_groups_load_only_those_pages_and_the_healthz_baseline():
    viewers = {role: {"token": "t", "cookie": "c"} for role in ("median", "most")}
    endpoints = read.plan(viewers, "tag", "web")
    assert {e.group for e in endpoints} == {"baseline", "web"}
    assert [e.name for e in endpoints if e.group == "baseline"] == [
        "/healthz, no cookie (first)",
        "/healthz, no cookie (last)",
    ]
    assert len([e for e in endpoints if e.group == "web"]) == 6  # three pages, two viewers
    assert {e.group for e in read.plan(viewers, "tag")} == {"baseline", "near-static", "api", "web"}
