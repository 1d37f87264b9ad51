"""Wall time of whole runs: the demo, a repository-only run with error items, collect-only.

    .venv/bin/python benchmarks/core/bench_run.py [--runs 3]

Each figure is the median of ``--runs`` fresh ``pytest`` processes in an empty folder
(``-q -p no:cacheprovider``), as pytest reports it ("in N s") and as wall time:

1. ``--ready-env=demo --ready-allow-unverified`` (issue 9 target: at most 3.5 s);
2. ``--ready-env=ci --ready-allow-unverified`` with a readiness.toml whose base_url is
   a closed loopback port: 19 ``error`` items, whose findings must render without
   building Python tracebacks;
3. ``--collect-only --ready-env=demo`` (target: under 0.5 s).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
_IN = re.compile(r" in ([0-9.]+)s")
CLOSED = '[env.ci]\nbase_url = "https://127.0.0.1:9"\ntimeout_s = 1\n'


def run(args: list[str], cwd: Path, runs: int) -> tuple[float, float, str]:
    """Median (pytest's own seconds, wall seconds) and the last summary line."""
    reported, walls, last = [], [], ""
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False).stdout
        walls.append(time.perf_counter() - start)
        last = out.strip().splitlines()[-1] if out.strip() else ""
        match = _IN.search(last)
        reported.append(float(match.group(1)) if match else float("nan"))
    return statistics.median(reported), statistics.median(walls), last


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        demo = run([*PYTEST, "--ready-env=demo", "--ready-allow-unverified"], cwd, runs)
        collect = run([*PYTEST, "--collect-only", "--ready-env=demo"], cwd, runs)
        (cwd / "readiness.toml").write_text(CLOSED)
        errors = run([*PYTEST, "--ready-env=ci", "--ready-allow-unverified"], cwd, runs)
    for label, (reported, wall, last) in (
        ("demo run (target <= 3.5 s)", demo),
        ("repository-only, error items", errors),
        ("collect-only demo (< 0.5 s)", collect),
    ):
        print(f"{label:32} pytest {reported:5.2f} s  wall {wall:5.2f} s  | {last}")


if __name__ == "__main__":
    main()
