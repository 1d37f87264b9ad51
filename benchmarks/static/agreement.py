"""Agreement with checkov: run it on the same fixture repositories, compare per line.

checkov runs from its own virtualenv (it pins many packages), e.g.::

    python3 -m venv /tmp/checkov-venv && /tmp/checkov-venv/bin/pip install checkov
    .venv/bin/python benchmarks/static/agreement.py /tmp/checkov-venv/bin/checkov

For every fixture repository and every line both tools cover, checkov "fails" the
line when any mapped check failed on a file of that repository, and "passes" it when
mapped checks ran and none failed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.evaluate import judge  # noqa: E402

FIXTURES = ROOT / "tests" / "static" / "repos"
DEMO = ROOT / "pytest_biothings_ready" / "demo" / "repo"
# checkov check -> our checklist line
MAPPING = {
    "Non-root user in containers": (
        "CKV_K8S_6",
        "CKV_K8S_16",
        "CKV_K8S_20",
        "CKV_K8S_23",
        "CKV_K8S_40",
        "CKV_DOCKER_3",
        "CKV_DOCKER_8",
    ),
    "Resource limits set (CPU, memory)": ("CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13"),
    "Health checks configured": ("CKV_K8S_8", "CKV_K8S_9", "CKV_DOCKER_2"),
    "API keys are rotated and not hardcoded": ("CKV_SECRET_",),
    "All secrets stored in secure vault (AWS Secrets Manager, etc.)": ("CKV_K8S_35", "CKV_SECRET_"),
}


def run_checkov(checkov: str, folder: Path) -> tuple[list[dict[str, object]], float]:
    """checkov's results for ``folder`` (kubernetes, dockerfile, secrets) and its wall time."""
    started = time.perf_counter()
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    argv = [
        checkov,
        "-d",
        str(folder),
        "--framework",
        "kubernetes",
        "dockerfile",
        "secrets",
        "-o",
        "json",
        "--compact",
        "--skip-download",
    ]
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600, check=False)
    data = json.loads(proc.stdout or "[]")
    return (data if isinstance(data, list) else [data]), time.perf_counter() - started


def by_repo(results: list[dict[str, object]], single: str = "") -> dict[str, dict[str, set[str]]]:
    """repo -> {"failed": ids, "passed": ids} (everything under ``single`` when given)."""
    table: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"failed": set(), "passed": set()})
    for report in results:
        outcome = report["results"]  # type: ignore[index]
        for kind in ("failed", "passed"):
            for entry in outcome.get(f"{kind}_checks", []):  # type: ignore[attr-defined]
                parts = Path(entry["file_path"]).parts
                repo = single or (parts[parts.index("repos") + 1] if "repos" in parts else parts[1])
                table[repo][kind].add(entry["check_id"])
    return table


def ours(repo: Path, title: str) -> str:
    files = [p for p in repo.rglob("*") if p.is_file()]
    rel = [p.relative_to(repo).as_posix() for p in files]
    settings = {
        "timeout_s": 5,
        "dockerfiles": [r for r in rel if Path(r).name.startswith("Dockerfile")],
        "compose_files": [r for r in rel if Path(r).name.startswith("docker-compose")],
        "manifests": [
            r
            for r in rel
            if r.endswith((".yaml", ".yml")) and "compose" not in r and not r.startswith("allow")
        ],
        "source_paths": ["."],
    }
    verdict = judge(title, {k: v for k, v in settings.items() if v}, root=repo)
    return str(verdict.status)


def theirs(ids: dict[str, set[str]], title: str) -> str:
    wanted = MAPPING[title]
    failed = sorted(i for i in ids["failed"] if i.startswith(wanted))
    ran = failed or [i for i in ids["passed"] if i.startswith(wanted)]
    if failed:
        return "failed (" + ", ".join(failed) + ")"
    return "passed" if ran else "no check ran"


def _mark(mine: str, other: str) -> str:
    """``==`` same outcome, ``!=`` opposite, ``..`` one side did not decide."""
    if mine in {"error", "unverified"} or other == "no check ran":
        return ".."
    return "==" if (mine == "passed") == other.startswith("passed") else "!="


def compare(checkov: str, generated: Path | None = None) -> None:
    """Print our verdicts beside checkov's for every fixture repository."""
    results, seconds = run_checkov(checkov, FIXTURES)
    demo, demo_seconds = run_checkov(checkov, DEMO)
    table = by_repo(results)
    table.update(by_repo(demo, single="demo"))
    print(f"checkov on fixtures: {seconds:.1f} s; on the demo repo: {demo_seconds:.1f} s")
    # repos/issue15 holds one repository per case: agreement_issue15.py compares those.
    fixtures = (p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "issue15")
    names = [*sorted(fixtures), "demo"]
    for name in names:
        repo = DEMO if name == "demo" else FIXTURES / name
        for title in MAPPING:
            mine, other = ours(repo, title), theirs(table[name], title)
            print(f"{_mark(mine, other)} {name:26} {title[:38]:38} ours={mine:10} checkov={other}")
    if generated is not None:
        _, big = run_checkov(checkov, generated)
        print(f"checkov on the generated repository: {big:.1f} s")


if __name__ == "__main__":
    compare(sys.argv[1] if len(sys.argv) > 1 else "/tmp/checkov-venv/bin/checkov")
