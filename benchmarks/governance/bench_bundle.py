"""What ``--ready-bundle`` adds to the demo run (target: under 10%).

    .venv/bin/python benchmarks/governance/bench_bundle.py [--runs 5]

Runs ``pytest --ready-env=demo --ready-allow-unverified -q`` in a fresh folder,
alternately without and with ``--ready-bundle=b.zip`` (so load from other processes
hits both alike), and prints the median wall time of each and the difference.  A
conftest in the folder also times the bundle's own steps in-process (artifact hashes
and tool versions before teardown, members and zip after the record), which is the
cost the wall-time difference is made of, free of the run-to-run noise.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIMER = """
import json, os, time
from pytest_biothings_ready import bundle

def _timed(name):
    inner = getattr(bundle.BundleJob, name)
    def run(self, *args):
        start = time.perf_counter()
        try:
            return inner(self, *args)
        finally:
            with open(os.environ["BENCH_OUT"], "a") as out:
                out.write(json.dumps([name, time.perf_counter() - start]) + "\\n")
    setattr(bundle.BundleJob, name, run)

_timed("start")
_timed("write")
"""


def run(cwd: Path, extra: list[str], out: Path) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    args = [sys.executable, "-m", "pytest", "--ready-env=demo", "--ready-allow-unverified"]
    args += ["-q", "-p", "no:cacheprovider", *extra]
    start = time.perf_counter()
    subprocess.run(
        args,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        env={**__import__("os").environ, "BENCH_OUT": str(out)},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    plain: list[tuple[float, float]] = []
    bundled: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        (cwd / "conftest.py").write_text(TIMER)
        out = cwd / "steps.jsonl"
        for index in range(runs):  # alternate which goes first, against order effects
            if index % 2:
                bundled.append(run(cwd, ["--ready-bundle=b.zip"], out))
                plain.append(run(cwd, [], out))
            else:
                plain.append(run(cwd, [], out))
                bundled.append(run(cwd, ["--ready-bundle=b.zip"], out))
        steps: dict[str, list[float]] = {}
        for line in out.read_text().splitlines():
            name, seconds = json.loads(line)
            steps.setdefault(name, []).append(seconds)
        size = (cwd / "b.zip").stat().st_size
    for label, index in (("wall", 0), ("cpu", 1)):
        a = statistics.median(r[index] for r in plain)
        b = statistics.median(r[index] for r in bundled)
        print(f"{label} demo run             median {a:6.2f} s  ({_list(plain, index)})")
        print(f"{label} + --ready-bundle     median {b:6.2f} s  ({_list(bundled, index)})")
        print(f"{label} difference                  {b - a:+6.2f} s  ({(b - a) / a:+.1%})")
    for name, values in steps.items():
        print(f"bundle step {name:<6}       median {statistics.median(values) * 1000:6.0f} ms")
    print(f"bundle size                     {size / 1024:6.0f} KiB")


def _list(values: list[tuple[float, float]], index: int) -> str:
    return ", ".join(f"{v[index]:.2f}" for v in values)


if __name__ == "__main__":
    main()
