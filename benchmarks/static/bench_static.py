"""Time the whole static family on a generated repository of 500 manifests + 50 Dockerfiles.

    .venv/bin/python benchmarks/static/bench_static.py [--manifests 500] [--dockerfiles 50]
        [--checkov /tmp/checkov-venv/bin/checkov] [--compare]

Runs every static gatherer and check once (fresh evidence store, as in a session) and
prints wall time per stage; with ``--checkov`` it also runs checkov on the test fixture
manifests and on the generated ones and prints where its findings and our verdicts differ.
With ``--compare`` each run is also timed with the CPU pool off (``READY_CPU_WORKERS=0``,
everything in this process, as before the pool), alternating, and the verdicts compared.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from generate import generate  # noqa: E402

from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist  # noqa: E402
from pytest_biothings_ready.config.environment import Environment  # noqa: E402
from pytest_biothings_ready.evidence.registry import checks_for  # noqa: E402
from pytest_biothings_ready.evidence.store import EvidenceStore, run_checks  # noqa: E402

STATIC_GATHERERS = ("manifests", "dockerfiles", "compose", "nginx", "scan-reports", "secrets-scan")


def run_family(root: Path, settings: dict[str, object]) -> tuple[float, dict[str, str]]:
    """Seconds for every static line (gatherers included), and the verdicts."""
    from tests.static.lines import STATIC_LINES

    items = {i.title: i for i in load_checklist(BUILTIN)}
    started = time.perf_counter()
    store = EvidenceStore(Environment("bench", settings, root))
    store.prefetch(STATIC_GATHERERS)
    verdicts = {}
    for title in STATIC_LINES:
        verdict = run_checks(items[title], checks_for(items[title]), store)
        assert verdict is not None
        verdicts[title] = f"{verdict.status}: {verdict.evidence[:160]}"
    return time.perf_counter() - started, verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--manifests", type=int, default=500)
    parser.add_argument("--dockerfiles", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--checkov", help="path to a checkov executable (separate venv)")
    parser.add_argument("--compare", action="store_true", help="also time with the pool off")
    args = parser.parse_args()
    load_checklist(BUILTIN)  # import and parse once, outside the timing
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = generate(root, args.manifests, args.dockerfiles)
        times, alone = [], []
        for _ in range(args.runs):
            if args.compare:
                os.environ["READY_CPU_WORKERS"] = "0"
                seconds, before = run_family(root, settings)
                del os.environ["READY_CPU_WORKERS"]
                alone.append(seconds)
            seconds, verdicts = run_family(root, settings)
            times.append(seconds)
            assert not args.compare or before == verdicts, "verdicts differ with the pool off"
        if alone:
            print(
                f"pool off (READY_CPU_WORKERS=0): best {min(alone):.2f} s, "
                f"runs {', '.join(f'{t:.2f}' for t in alone)}; verdicts identical"
            )
        print(
            f"static family on {args.manifests} manifests + {args.dockerfiles} Dockerfiles: "
            f"best {min(times):.2f} s, runs {', '.join(f'{t:.2f}' for t in times)} (target < 5 s)"
        )
        for title, text in verdicts.items():
            print(f"  {title}: {text}")
        if args.checkov:
            from agreement import compare

            compare(args.checkov, root)


if __name__ == "__main__":
    main()
