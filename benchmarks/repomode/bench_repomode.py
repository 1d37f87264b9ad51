"""Time repository mode (discovery + deploy graph + every ready_static line).

    .venv/bin/python benchmarks/repomode/bench_repomode.py [--manifests 500] [--runs 3]
        [--checkov /tmp/checkov-venv/bin/checkov] [--process] [--compare]

The tree is benchmarks/static's generated repository (N manifests, N/10 Dockerfiles, a
Trivy report) plus 20 compose stacks (each building one of the images, mounting an
nginx config and a prometheus.yml with rule files) and a source tree of 200 Python
modules.  Nothing is named in the settings but ``repo``: discovery finds it all.
Prints the graph's build time, the whole run's wall time (graph, every gatherer and
every ready_static line, fresh evidence store, as in a session) and, with
``--process``, a fresh ``pytest --ready-env=bench -m ready_static`` process.  The first
run starts the CPU pool's worker (evidence/cpu.py); ``--compare`` also times every run
with the pool off (``READY_CPU_WORKERS=0``, as before the pool), alternating, and checks
that the verdicts are identical.  CPU is this process's only (workers not counted).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "static"))

from generate import generate  # noqa: E402

COMPOSE = """services:
  api:
    build:
      context: ../../images/svc-{i}
      target: ""
    deploy:
      resources:
        limits: {{cpus: "1", memory: 512M}}
    healthcheck:
      test: ["CMD", "python", "-c", "print(1)"]
  proxy:
    image: nginxinc/nginx-unprivileged:1.27
    ports: ["8443:8443"]
    volumes:
      - ./nginx.conf:/etc/nginx/nginx.conf:ro
  prometheus:
    image: prom/prometheus:v2.53.0
    volumes:
      - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro
      - ./rules:/etc/prometheus/rules:ro
"""
NGINX = """events {}
http {
  upstream api { server api:8000; keepalive 16; }
  server {
    listen 8443;
    location / { proxy_pass http://api; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
"""
PROMETHEUS = """rule_files: ["rules/*.yml"]
scrape_configs:
  - job_name: api
    static_configs: [{targets: ["api:8000"]}]
"""
RULES = """groups:
  - name: api
    rules:
      - alert: ApiDown
        expr: up{job="api"} == 0
        labels: {severity: critical}
"""
SOURCE = '''"""Module {i} of the service."""
import logging
import os

LOG = logging.getLogger(__name__)
TIMEOUT = int(os.environ.get("TIMEOUT_{i}", "30"))


def handler_{i}(request: dict) -> dict:
    LOG.info("handled %s", request.get("id"))
    return {{"ok": True, "module": {i}}}
'''


def build_tree(root: Path, manifests: int) -> dict[str, object]:
    """benchmarks/static's tree + 20 compose stacks + 200 source modules."""
    settings = generate(root, manifests, manifests // 10)
    for i in range(20):
        stack = root / "stacks" / f"stack-{i:02d}"
        (stack / "rules").mkdir(parents=True)
        (stack / "docker-compose.yml").write_text(COMPOSE.format(i=i))
        (stack / "nginx.conf").write_text(NGINX)
        (stack / "prometheus.yml").write_text(PROMETHEUS)
        (stack / "rules" / "api.yml").write_text(RULES)
    (root / "src" / "service").mkdir(parents=True)
    for i in range(200):
        (root / "src" / "service" / f"mod_{i:03d}.py").write_text(SOURCE.format(i=i))
    keep = ("timeout_s", "scan_reports", "scan_max_age", "cost_labels", "session_affinity_required")
    return {"repo": ".", "source_paths": ["src/"], **{k: settings[k] for k in keep}}


def run_once(root: Path, settings: dict[str, object]) -> tuple[float, float, float, dict[str, str]]:
    """(graph s, whole-run wall s, whole-run CPU s, verdicts), fresh environment and store."""
    from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.deploy.lines import is_static_item
    from pytest_biothings_ready.deploy.resolve import graph_of, with_discovery
    from pytest_biothings_ready.evidence.registry import checks_for
    from pytest_biothings_ready.evidence.store import EvidenceStore, run_checks

    items = [i for i in load_checklist(BUILTIN) if is_static_item(i)]
    cpu = time.process_time()
    started = time.perf_counter()
    env = with_discovery(Environment("bench", settings, root))
    graph_s = time.perf_counter() - started
    store = EvidenceStore(env)
    store.prefetch(sorted({name for i in items for c in checks_for(i) for name in c.uses}))
    verdicts = {}
    for item in items:
        verdict = run_checks(item, checks_for(item), store)
        verdicts[item.title] = f"{verdict.status}: {verdict.evidence[:140]}" if verdict else "-"
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu
    assert graph_of(env).entries
    return graph_s, total, cpu, verdicts


def run_process(root: Path, settings: dict[str, object]) -> float:
    """Wall seconds of a fresh ``pytest --ready-env=bench -m ready_static`` process."""
    lines = [f"{k} = {_toml(v)}" for k, v in settings.items()]
    (root / "readiness.toml").write_text("[env.bench]\n" + "\n".join(lines) + "\n")
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--ready-env=bench",
            "-m",
            "ready_static",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(root),
        ],
        cwd=root,
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return time.perf_counter() - started


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return f'"{value}"' if isinstance(value, str) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--manifests", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--process", action="store_true")
    parser.add_argument("--checkov", help="path to a checkov executable (separate venv)")
    parser.add_argument("--compare", action="store_true", help="also time with the pool off")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = build_tree(root, args.manifests)
        results, alone = [], []
        for _ in range(args.runs):
            if args.compare:
                os.environ["READY_CPU_WORKERS"] = "0"
                alone.append(run_once(root, settings))
                del os.environ["READY_CPU_WORKERS"]
            results.append(run_once(root, settings))
            assert not alone or alone[-1][3] == results[-1][3], "verdicts differ, pool off"
        if alone:
            print(
                f"pool off (READY_CPU_WORKERS=0): whole run best {min(r[1] for r in alone):.2f} s"
                f" (runs {', '.join(f'{r[1]:.2f}' for r in alone)}); CPU best "
                f"{min(r[2] for r in alone):.2f} s; verdicts identical"
            )
        graphs = [r[0] for r in results]
        totals = [r[1] for r in results]
        cpus = [r[2] for r in results]
        print(
            f"repository mode on {args.manifests} manifests + {args.manifests // 10} Dockerfiles"
            f" + 20 compose stacks + 200 modules: graph best {min(graphs):.3f} s; whole run "
            f"best {min(totals):.2f} s (runs {', '.join(f'{t:.2f}' for t in totals)}); "
            f"CPU best {min(cpus):.2f} s"
        )
        for title, text in results[-1][3].items():
            print(f"  {title}: {text}")
        if args.process:
            print(f"fresh pytest process: {run_process(root, settings):.2f} s")
        if args.checkov:
            started = time.perf_counter()
            subprocess.run(
                [
                    args.checkov,
                    "-d",
                    str(root),
                    "--framework",
                    "kubernetes",
                    "dockerfile",
                    "secrets",
                    "--skip-download",
                    "--quiet",
                    "--compact",
                ],
                capture_output=True,
                check=False,
            )
            print(f"checkov on the same tree: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
