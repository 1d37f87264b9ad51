"""Benchmark: every network-family line against the demo service, and the whole run.

    .venv/bin/python benchmarks/network/bench_demo.py [--repeat 3]

Measures (wall time, median of the repeats):

- ``demo start``: DemoService.start() (certificates, listeners, DNS zone);
- ``network lines``: every line a network family decides (tls, ports, dns, http, web,
  websocket, cors, ratelimit, auth, apikey), judged with one shared EvidenceStore so
  the gatherers run concurrently, as in a session;
- ``pytest --ready-env=demo``: the whole checklist in a subprocess (includes interpreter
  start, collection and the demo's own start and stop).

The SPEC target: the whole checklist except load and stress against the demo under 10 s
of wall time on 2 cores.  This is a benchmark, never a timed test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.demo import DemoService
from pytest_biothings_ready.evidence.registry import checks_for
from pytest_biothings_ready.evidence.store import EvidenceStore, run_checks
from pytest_biothings_ready.model import Status

NETWORK = ("tls", "ports", "dns", "http", "web", "websocket", "cors", "ratelimit", "auth", "apikey")
ROOT = Path(__file__).resolve().parents[2]


def _is_network(name: str) -> bool:
    module = name.split(".")[2] if name.count(".") >= 2 else ""
    return module in NETWORK


def network_lines() -> float:
    """Judge every network line against a fresh demo; returns the seconds it took."""
    items = [i for i in load_checklist(BUILTIN) if any(_is_network(c.name) for c in checks_for(i))]
    with DemoService() as settings:
        started = time.perf_counter()
        store = EvidenceStore(Environment("demo", settings))
        store.prefetch({u for i in items for c in checks_for(i) for u in c.uses})
        verdicts = {i.title: run_checks(i, checks_for(i), store) for i in items}
        elapsed = time.perf_counter() - started
    bad = {t: v for t, v in verdicts.items() if v is None or v.status is not Status.PASSED}
    for title, verdict in bad.items():
        print(f"  not passed: {title}: {verdict.status if verdict else None}")
    print(f"  {len(items)} network lines, {len(items) - len(bad)} passed")
    return elapsed


def demo_start() -> float:
    service = DemoService()
    started = time.perf_counter()
    service.start()
    elapsed = time.perf_counter() - started
    service.stop()
    return elapsed


def whole_run() -> float:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", "--ready-env=demo", "-q", "-p", "no:cacheprovider"],
            cwd=folder,
            capture_output=True,
            check=False,
        )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    for label, measure in (
        ("demo start", demo_start),
        ("network lines", network_lines),
        ("pytest --ready-env=demo", whole_run),
    ):
        times = [measure() for _ in range(repeat)]
        print(
            f"{label:26} median {statistics.median(times):6.2f} s  "
            f"(min {min(times):.2f}, max {max(times):.2f}, n={repeat})"
        )


if __name__ == "__main__":
    main()
