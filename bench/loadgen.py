"""Load generators for the benchmarks: ``wrk`` when installed, else a threaded keep-alive client.

Both hit one URL for a fixed time with a fixed number of connections and report
requests/s and latency percentiles in the same shape. Only loopback URLs are accepted.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

WRK_INSTALL_HINT = "wrk is not installed; install it with `apt-get install wrk` (Debian/Ubuntu)."

_WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "WRK_JSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"errors\\": %d, "
    .. "\\"status_errors\\": %d, \\"p50_us\\": %d, \\"p99_us\\": %d, \\"mean_us\\": %.1f}\\n",
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
"""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    tool: str
    mean_ms: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, object]:
        return asdict(self) | {"rps": round(self.rps, 1)}


def wrk_command(
    url: str,
    *,
    seconds: float,
    connections: int,
    headers: dict[str, str],
    threads: int,
    script: str,
) -> list[str]:
    """The ``wrk`` command line; wrk runs whole seconds, at least one."""
    command = ["wrk", f"-t{max(1, min(threads, connections))}", f"-c{connections}"]
    command += [f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", script]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return [*command, url]


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"benchmarks only load the local machine, not {host}")


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    url: str, *, seconds: float, connections: int, headers: dict[str, str], threads: int = 2
) -> LoadResult:
    """Load ``url`` with ``wrk``; a failed or unreadable run raises ``RuntimeError`` saying why."""
    _check_loopback(url)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_REPORT)
    command = wrk_command(
        url,
        seconds=seconds,
        connections=connections,
        headers=headers,
        threads=threads,
        script=script.name,
    )
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(
            f"wrk failed (exit {done.returncode}) on {url}: {(done.stderr or done.stdout).strip()}"
        )
    report = json.loads(line.removeprefix("WRK_JSON "))
    return LoadResult(
        requests=report["requests"],
        seconds=report["duration_us"] / 1e6,
        errors=report["errors"],
        p50_ms=report["p50_us"] / 1000,
        p99_ms=report["p99_us"] / 1000,
        tool="wrk",
        mean_ms=report["mean_us"] / 1000,
    )


def run_threads(
    url: str, *, seconds: float, connections: int, headers: dict[str, str]
) -> LoadResult:
    """One thread per connection, each a keep-alive HTTP/1.1 client in a loop until the deadline."""
    _check_loopback(url)
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    start = time.perf_counter()
    deadline = start + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors[index] += 1
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                continue
            latencies[index].append(time.perf_counter() - began)
        conn.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - start
    merged = sorted(x for per in latencies for x in per)

    def percentile(p: float) -> float:
        return merged[min(len(merged) - 1, int(len(merged) * p / 100))] * 1000 if merged else 0.0

    return LoadResult(
        requests=len(merged),
        seconds=elapsed,
        errors=sum(errors),
        p50_ms=percentile(50),
        p99_ms=percentile(99),
        tool="python-threads",
        mean_ms=sum(merged) / len(merged) * 1000 if merged else 0.0,
    )


def run_load(
    url: str,
    *,
    seconds: float,
    connections: int,
    headers: dict[str, str],
    tool: str = "auto",
    threads: int = 2,
) -> LoadResult:
    """Load ``url`` with ``tool`` (``wrk``, ``python`` or ``auto``: wrk if installed).

    ``threads`` is wrk's; the Python client runs one thread per connection.
    """
    if tool == "wrk" or (tool == "auto" and have_wrk()):
        return run_wrk(
            url, seconds=seconds, connections=connections, headers=headers, threads=threads
        )
    return run_threads(url, seconds=seconds, connections=connections, headers=headers)
