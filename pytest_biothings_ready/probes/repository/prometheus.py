"""The Prometheus of each deployed stack: its mounted config, scrape jobs and rule files.

``rule_files`` entries are container paths (relative ones to the config's folder),
resolved through the service's mounts; the config is loaded with ``promtool check
config --syntax-only`` and the rule files it reaches with ``promtool check rules``.
"""

from __future__ import annotations

import fnmatch
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pytest_biothings_ready.probes.repository.deploy import Service, Stack
from pytest_biothings_ready.probes.repository.validate import Validation
from pytest_biothings_ready.probes.static.yamlload import key_line, line_of, load_all

__all__ = ["Job", "PromConfig", "read_prometheus"]

CONFIG = "/etc/prometheus/prometheus.yml"
PROMTOOL = "/usr/bin/promtool"
_DONE: dict[tuple[bytes, ...], Validation] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Job:
    """A scrape job: its name, metrics path and ``host:port`` targets."""

    name: str
    where: str
    metrics_path: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class PromConfig:
    """A deployed Prometheus.

    Attributes:
        stack: its stack.
        service: the prometheus service.
        file: the config (shown path).
        jobs: scrape jobs.
        rules: rule files reached (local paths).
        missing: ``rule_files`` entries no mounted file provides, with where.
        validation: promtool on the config and the reached rule files.
    """

    stack: Stack
    service: Service
    file: str
    jobs: tuple[Job, ...]
    rules: tuple[Path, ...]
    missing: tuple[str, ...]
    validation: Validation


def _config_path(service: Service) -> tuple[str, Path | None]:
    target = CONFIG
    for word in service.command.split():
        if word.startswith("--config.file="):
            target = word.split("=", 1)[1]
    return target, service.mounted(target)


def runs_prometheus(service: Service) -> bool:
    return "prometheus" in service.image.split(":")[0].rsplit("/", 1)[-1]


def read_prometheus(
    stack: Stack, service: Service, shown: Any, timeout: float
) -> PromConfig | None:
    """The Prometheus config ``service`` runs (None when it mounts none)."""
    target, path = _config_path(service)
    if path is None or not path.is_file():
        return None
    name = shown(path)
    try:
        docs = load_all(path.read_text(encoding="utf-8"))
    except Exception as exc:  # any YAML failure is "does not load"
        return PromConfig(stack, service, name, (), (), (), Validation(False, f"{name}: {exc}"))
    doc = docs[0] if docs and isinstance(docs[0], Mapping) else {}
    jobs = tuple(_jobs(name, doc))
    rules, missing = _rules(service, target, name, doc)
    checked = _promtool(path, rules, timeout)
    return PromConfig(stack, service, name, jobs, tuple(rules), tuple(missing), checked)


def _jobs(name: str, doc: Mapping[str, Any]) -> list[Job]:
    found = []
    for job in doc.get("scrape_configs") or []:
        if not isinstance(job, Mapping):
            continue
        targets = [
            str(t)
            for static in job.get("static_configs") or []
            if isinstance(static, Mapping)
            for t in static.get("targets") or []
        ]
        found.append(
            Job(
                str(job.get("job_name", "?")),
                f"{name}:{line_of(job)}",
                str(job.get("metrics_path") or "/metrics"),
                tuple(targets),
            )
        )
    return found


def _rules(
    service: Service, config: str, name: str, doc: Mapping[str, Any]
) -> tuple[list[Path], list[str]]:
    reached: list[Path] = []
    missing: list[str] = []
    where = f"{name}:{key_line(doc, 'rule_files')}"
    folder = PurePosixPath(config).parent
    for entry in doc.get("rule_files") or []:
        container = str(entry) if str(entry).startswith("/") else str(folder / str(entry))
        found = _resolve(service, container)
        if found:
            reached += found
        else:
            missing.append(
                f"{where} rule_files entry {entry} ({container} in the container): "
                "no mounted file provides it"
            )
    return reached, missing


def _resolve(service: Service, container: str) -> list[Path]:
    if not any(ch in container for ch in "*?["):
        path = service.mounted(container)
        return [path] if path is not None and path.is_file() else []
    parent = service.mounted(str(PurePosixPath(container).parent))
    if parent is None or not parent.is_dir():
        return []
    pattern = PurePosixPath(container).name
    return sorted(p for p in parent.iterdir() if p.is_file() and fnmatch.fnmatch(p.name, pattern))


def _promtool(config: Path, rules: list[Path], timeout: float) -> Validation:
    """promtool on ``config`` and ``rules`` (memoized on their contents: stacks share them)."""
    try:
        key = tuple(p.read_bytes() for p in (config, *rules))
    except OSError as exc:
        return Validation(False, f"cannot read {exc.filename}: {exc.strerror}")
    with _LOCK:
        known = _DONE.get(key)
    if known is None:
        known = _run(config, rules, timeout)
        with _LOCK:
            _DONE[key] = known
    return known


def _run(config: Path, rules: list[Path], timeout: float) -> Validation:
    if not Path(PROMTOOL).exists():
        return Validation(None, "promtool is not installed here (apt-get install prometheus)")
    steps = [[PROMTOOL, "check", "config", "--syntax-only", str(config)]]
    if rules:
        steps.append([PROMTOOL, "check", "rules", *map(str, rules)])
    for step in steps:
        try:
            done = subprocess.run(
                step, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return Validation(None, f"promtool did not finish in {timeout:g} s")
        if done.returncode != 0:
            text = (done.stderr or done.stdout).strip().splitlines()
            reason = next(
                (ln for ln in text if "FAILED" in ln or "error" in ln.lower()),
                text[-1] if text else "",
            )
            return Validation(False, f"promtool {step[2]} fails: {reason.strip()[:200]}")
    return Validation(True, "loads with promtool")
