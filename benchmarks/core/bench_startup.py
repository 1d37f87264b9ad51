"""Start-up cost of the plugin: collect-only against the demo, and the inert import.

    .venv/bin/python benchmarks/core/bench_startup.py [--runs 10] [--stat min]

Measures, in one run, the wall time of
  1. ``pytest --collect-only -q --ready-env=demo`` (SPEC target: under 1.5 s);
  2. ``pytest --collect-only -q`` in an empty folder with the plugin and with
     ``-p no:biothings_ready`` (SPEC target: the inert plugin adds under 50 ms);
  3. ``python -X importtime -c 'import pytest_biothings_ready.plugin'`` (self time).
Each figure is the median (or, with ``--stat min``, the minimum: the figure a busy
machine disturbs least) of ``--runs`` fresh processes, after one warm-up run.

With ``PYTHONDONTWRITEBYTECODE`` set (as in the shared dev environment) every import
would compile from source, which no installed plugin does: the runs then write their
bytecode under a temporary ``PYTHONPYCACHEPREFIX`` instead.  The import is measured
from the temporary folder, so a checkout in the current directory cannot shadow the
one on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = dict(os.environ)
STAT = {"median": statistics.median, "min": min}


def wall(args: list[str], cwd: Path, runs: int, stat: str = "median") -> float:
    """Median (or minimum) wall time of ``args`` in ``cwd``, seconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return float(STAT[stat](samples))


def plugin_import_ms(cwd: Path) -> float:
    """Cumulative import time of the plugin module on top of pytest, milliseconds."""
    out = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            "import pytest; import pytest_biothings_ready.plugin",
        ],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    for line in out.splitlines():
        if line.rstrip().endswith("| pytest_biothings_ready.plugin"):
            return int(line.split("|")[1]) / 1000
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--stat", choices=sorted(STAT), default="median")
    arguments = parser.parse_args()
    runs, stat = arguments.runs, arguments.stat
    pytest_cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"]
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        if ENV.pop("PYTHONDONTWRITEBYTECODE", None):
            ENV["PYTHONPYCACHEPREFIX"] = str(cwd / "pycache")
        wall([*pytest_cmd, "--collect-only", "--ready-env=demo"], cwd, 1)  # warm-up
        demo = wall([*pytest_cmd, "--collect-only", "--ready-env=demo"], cwd, runs, stat)
        with_plugin = wall([*pytest_cmd, "--collect-only"], cwd, runs, stat)
        disabled = [*pytest_cmd, "--collect-only", "-p", "no:biothings_ready"]
        without = wall(disabled, cwd, runs, stat)
        imported = plugin_import_ms(cwd)
    print(f"collect-only --ready-env=demo : {demo * 1000:7.0f} ms (target < 1500 ms)")
    print(f"empty run, plugin inert      : {with_plugin * 1000:7.0f} ms")
    print(f"empty run, plugin disabled   : {without * 1000:7.0f} ms")
    print(
        f"inert plugin adds            : {(with_plugin - without) * 1000:7.0f} ms (target < 50 ms)"
    )
    print(f"import of plugin module      : {imported:7.1f} ms cumulative")


if __name__ == "__main__":
    main()
