"""Compare the load stage's numbers with wrk, hey and a plain locust run, same targets.

    .venv/bin/python -m benchmarks.load.bench [--seconds 10] [--users 10]

Targets: a fixed 20 ms endpoint (uvicorn, its own process) and nginx's static file.
Each generator runs alone against a target, one after the other, with the same
concurrency; the table shows p50/p95/p99 and requests/s as each tool reports them.
SPEC: our p95 within 10% (or 2 ms) of wrk's and hey's; our requests/s at least those
of the plain locust FastHttpUser run.  See README.md for recorded numbers.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.probes.load.results import RunResult
from tests.support.servers import free_port, wait_for_port

HERE = Path(__file__).resolve().parent
Row = tuple[str, float, float, float, float]  # tool, p50, p95, p99, rps

NGINX_CONF = """daemon off; worker_processes 1; pid {root}/nginx.pid;
error_log {root}/error.log warn; events {{ worker_connections 4096; }}
http {{ access_log off; client_body_temp_path {root}; proxy_temp_path {root};
  fastcgi_temp_path {root}; uwsgi_temp_path {root}; scgi_temp_path {root};
  server {{ listen 127.0.0.1:{port}; root {root}/www; }} }}
"""


@contextmanager
def uvicorn_target() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "benchmarks.load.target:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait()


@contextmanager
def nginx_target() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        root, port = Path(folder), free_port()
        (root / "www" / "api").mkdir(parents=True)
        (root / "www" / "api" / "health").write_text("ok\n")
        (root / "nginx.conf").write_text(NGINX_CONF.format(root=root, port=port))
        proc = subprocess.Popen(
            [
                "/usr/sbin/nginx",
                "-p",
                folder,
                "-c",
                f"{folder}/nginx.conf",
                "-e",
                f"{folder}/error.log",
            ]
        )
        try:
            wait_for_port(port)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait()


def ours(url: str, users: int, seconds: int) -> Row:
    load = {"users": users, "spawn_rate": 1000, "duration_s": seconds, "progress_s": 0}
    env = Environment("bench", {"base_url": url, "timeout_s": 5, "load": load})
    result: RunResult = EvidenceStore(env).get("load")
    phase = result.phase("expected")
    t = phase.total
    return ("load stage (ours)", t.p50, t.p95, t.p99, t.rps)


def wrk(url: str, users: int, seconds: int) -> Row:
    out = _run(
        [
            "wrk",
            "-t1",
            f"-c{users}",
            f"-d{seconds}s",
            "-s",
            str(HERE / "wrk_percentiles.lua"),
            f"{url}/api/health",
        ]
    )
    p50, p95, p99, rps = (float(v) for v in re.search(r"READY (.*)", out).group(1).split())
    return ("wrk -t1", p50, p95, p99, rps)


def hey(url: str, users: int, seconds: int) -> Row | None:
    if not shutil.which("hey"):
        return None
    out = _run(["hey", "-z", f"{seconds}s", "-c", str(users), f"{url}/api/health"])
    pct = {int(m[0]): float(m[1]) * 1000 for m in re.findall(r"(\d+)% in ([\d.]+) secs", out)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return ("hey", pct[50], pct[95], pct[99], rps)


def plain_locust(url: str, users: int, seconds: int) -> Row:
    with tempfile.TemporaryDirectory() as folder:
        _run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(HERE / "plain_locustfile.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                "1000",
                "-t",
                f"{seconds}s",
                "--host",
                url,
                "--csv",
                f"{folder}/plain",
                "--only-summary",
                "--reset-stats",
            ]
        )
        with open(f"{folder}/plain_stats.csv") as stream:
            row = next(r for r in csv.DictReader(stream) if r["Name"] == "Aggregated")
    return (
        "plain locust FastHttpUser",
        float(row["50%"]),
        float(row["95%"]),
        float(row["99%"]),
        float(row["Requests/s"]),
    )


def _run(argv: list[str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=600)
    return done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--users", type=int, default=10)
    args = parser.parse_args()
    for label, target in (
        ("fixed 20 ms (uvicorn)", uvicorn_target),
        ("nginx static", nginx_target),
    ):
        with target() as url:
            rows = [f(url, args.users, args.seconds) for f in (ours, wrk, hey, plain_locust)]
        print(f"\n### {label}, {args.users} connections/users, {args.seconds} s each\n")
        print("| generator | p50 ms | p95 ms | p99 ms | requests/s |")
        print("| --- | --- | --- | --- | --- |")
        for row in filter(None, rows):
            print(f"| {row[0]} | {row[1]:.1f} | {row[2]:.1f} | {row[3]:.1f} | {row[4]:.0f} |")


if __name__ == "__main__":
    main()
