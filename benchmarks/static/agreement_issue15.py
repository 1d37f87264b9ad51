"""Agreement with checkov on the issue-15 repositories (``tests/static/repos/issue15``).

For every repository and every line its ``case.toml`` expects a verdict for, where
checkov has a matching check, print our verdict beside checkov's::

    python3 -m venv /tmp/checkov-venv && /tmp/checkov-venv/bin/pip install checkov
    .venv/bin/python benchmarks/static/agreement_issue15.py /tmp/checkov-venv/bin/checkov

checkov "fails" a line when a mapped check failed on a file of the repository and
"passes" it when mapped checks ran and none failed; with no mapped check run it has
no verdict and the pair is left out of the counts.
"""

from __future__ import annotations

import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.static.agreement import run_checkov  # noqa: E402
from tests.support.evaluate import judge  # noqa: E402

CASES = ROOT / "tests" / "static" / "repos" / "issue15"
SECRETS = ("CKV_SECRET_",)
MAPPING: dict[str, tuple[str, ...]] = {
    "Non-root user in containers": (
        *(f"CKV_K8S_{n}" for n in (6, 16, 17, 18, 19, 20, 23, 25, 37, 39, 40)),
        "CKV_DOCKER_3",
        "CKV_DOCKER_8",
    ),
    "Resource limits set (CPU, memory)": ("CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13"),
    "Health checks configured": ("CKV_K8S_8", "CKV_K8S_9", "CKV_DOCKER_2"),
    "Load balancer configured with health checks": ("CKV_K8S_8",),
    "API keys are rotated and not hardcoded": SECRETS,
    "Database credentials are secure (if using external DB)": SECRETS,
    # CKV_K8S_35 ("prefer secrets as files") fails every pod that reads a Secret as env,
    # vault-synced or not: it says how a secret is consumed, not where it is stored.
    "All secrets stored in secure vault (AWS Secrets Manager, etc.)": SECRETS,
}


def by_case(results: list[dict[str, object]]) -> dict[str, dict[str, set[str]]]:
    """case folder -> {"failed": check ids, "passed": check ids}."""
    table: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"failed": set(), "passed": set()})
    for report in results:
        outcome = report["results"]  # type: ignore[index]
        for kind in ("failed", "passed"):
            for entry in outcome.get(f"{kind}_checks", []):  # type: ignore[attr-defined]
                parts = Path(entry["file_path"]).parts
                name = parts[parts.index("issue15") + 1] if "issue15" in parts else parts[1]
                table[name][kind].add(entry["check_id"])
    return table


def theirs(ids: dict[str, set[str]], prefixes: tuple[str, ...]) -> tuple[str, list[str]]:
    failed = sorted(i for i in ids["failed"] if i.startswith(prefixes))
    if failed:
        return "failed", failed
    ran = [i for i in ids["passed"] if i.startswith(prefixes)]
    return ("passed" if ran else "none"), []


def _case(folder: Path) -> dict[str, object]:
    return tomllib.loads((folder / "case.toml").read_text())


def main(checkov: str) -> None:
    import shutil
    import tempfile

    cases = sorted(CASES.iterdir())
    malformed = {f.name for f in cases if _case(f).get("malformed")}
    with tempfile.TemporaryDirectory() as tmp:
        # One malformed object makes checkov's whole kubernetes runner crash (and report
        # nothing for any repository): those cases run through our checks only.
        copy = Path(tmp) / "issue15"
        for folder in cases:
            if folder.name not in malformed:
                shutil.copytree(folder, copy / folder.name)
        results, seconds = run_checkov(checkov, copy)
    table = by_case(results)
    agree = differ = undecided = 0
    print(f"checkov {seconds:.1f} s on {len(cases) - len(malformed)} repositories")
    print("| repository | line | expected | ours | checkov | |")
    print("| --- | --- | --- | --- | --- | --- |")
    for folder in cases:
        case = _case(folder)
        for expect in case["expect"]:
            line = expect["line"]
            if line not in MAPPING:
                continue
            verdict = judge(line, {"timeout_s": 5, **case["settings"]}, root=folder)
            other, ids = theirs(table[folder.name], MAPPING[line])
            if folder.name in malformed:
                other, ids = "none", ["not run: malformed on purpose"]
            mine = verdict.status.value
            decided = other != "none" and mine in {"passed", "failed"}
            mark = ("==" if mine == other else "!=") if decided else ".."
            agree += mark == "=="
            differ += mark == "!="
            undecided += mark == ".."
            shown = f"{other} ({', '.join(ids)})" if ids else other
            cells = [folder.name, line[:40], expect["status"], mine, shown, mark]
            print("| " + " | ".join(cells) + " |")
    print(f"\nagree {agree}, differ {differ}, decided by one side only {undecided}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/checkov-venv/bin/checkov")
