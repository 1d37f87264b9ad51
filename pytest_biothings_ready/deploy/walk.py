"""One walk of the repository: every file of a kind the deploy graph knows.

The walk prunes folders that never hold deployment artifacts (``.git``,
``node_modules``, virtualenvs, caches) and classifies files by name; only YAML/JSON
candidates for Kubernetes manifests are sniffed (their first 8 KiB).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SKIPPED_DIRS", "Found", "is_compose_name", "walk_repository"]

SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".next",
        ".nuxt",
        ".terraform",
        "site-packages",
        "bower_components",
        ".idea",
        ".vscode",
        ".cache",
    }
)
_COMPOSE = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$", re.IGNORECASE)
_PAAS = frozenset(
    {"fly.toml", "render.yaml", "railway.json", "railway.toml", "heroku.yml", "Procfile"}
)
_API_VERSION = re.compile(r"^apiVersion:\s*['\"]?([\w.\-/]+)", re.MULTILINE)
_KIND = re.compile(r"^kind:\s*['\"]?(\w+)", re.MULTILINE)
_SNIFF = 8192
# Folders whose JSON files may be Kubernetes manifests (data folders hold thousands).
_KUBE_FOLDER = re.compile(r"k8s|kube|manifest|deploy|openshift|infra|ops", re.IGNORECASE)


def is_compose_name(name: str) -> bool:
    """docker-compose*.yml / compose*.yaml (any ``.``/``-`` suffix before the extension)."""
    return bool(_COMPOSE.match(name))


@dataclass
class Found:
    """What the walk found, by kind (paths absolute, in walk order).

    Attributes:
        compose, manifests, paas, workflows: candidate entry points.
        charts: Helm chart folders (a Chart.yaml); their templates are not manifests.
        dockerfiles, nginx, prometheus, alertmanager, rules, dashboards, env_files,
            traefik: artifacts of a known kind, reached or not.
        skaffold: skaffold.yaml build configs (they name Dockerfiles).
        docs: README*, Markdown/reST under a ``docs`` folder, top-level ``*.md``.
    """

    compose: list[Path] = field(default_factory=list)
    manifests: list[Path] = field(default_factory=list)
    paas: list[Path] = field(default_factory=list)
    workflows: list[Path] = field(default_factory=list)
    charts: list[Path] = field(default_factory=list)
    dockerfiles: list[Path] = field(default_factory=list)
    nginx: list[Path] = field(default_factory=list)
    traefik: list[Path] = field(default_factory=list)
    prometheus: list[Path] = field(default_factory=list)
    alertmanager: list[Path] = field(default_factory=list)
    rules: list[Path] = field(default_factory=list)
    dashboards: list[Path] = field(default_factory=list)
    env_files: list[Path] = field(default_factory=list)
    skaffold: list[Path] = field(default_factory=list)
    docs: list[Path] = field(default_factory=list)


def walk_repository(root: Path) -> Found:
    """Classify every file under ``root`` (pruned folders skipped)."""
    found = Found()
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        folder = Path(current)
        found.docs.extend(_docs(root, folder, files))
        if "Chart.yaml" in files:
            found.charts.append(folder)
            dirs[:] = []  # templates/ and values*.yaml belong to the chart
            continue
        inside = folder.relative_to(root).as_posix().lower()  # not the checkout's own name
        for name in sorted(files):
            _classify(folder / name, name, inside, found)
    return found


def _docs(root: Path, folder: Path, files: list[str]) -> Iterator[Path]:
    in_docs = "docs" in folder.relative_to(root).parts or "doc" in folder.relative_to(root).parts
    for name in sorted(files):
        lower = name.lower()
        markup = lower.endswith((".md", ".rst", ".markdown"))
        if lower.startswith("readme") or (markup and (in_docs or folder == root)):
            yield folder / name


def _classify(path: Path, name: str, where: str, found: Found) -> None:
    lower = name.lower()
    parts = path.parts
    if is_compose_name(name):
        found.compose.append(path)
    elif name in _PAAS or (name == "app.yaml" and _is_app_engine(path)):
        found.paas.append(path)
    elif _is_workflow(parts, name):
        found.workflows.append(path)
    elif lower in ("skaffold.yaml", "skaffold.yml"):
        found.skaffold.append(path)
    elif lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        found.dockerfiles.append(path)
    elif lower.endswith((".conf", ".conf.template")) and "nginx" in f"{where}/{lower}":
        found.nginx.append(path)
    elif lower.endswith((".yml", ".yaml", ".json")):
        _classify_data(path, lower, where, found)
    elif lower == ".env" or lower.endswith(".env") or lower.startswith(".env."):
        found.env_files.append(path)
    elif lower.endswith(".rules"):
        found.rules.append(path)


def _classify_data(path: Path, lower: str, where: str, found: Found) -> None:
    if lower.startswith("prometheus") and not lower.endswith(".json"):
        found.prometheus.append(path)
    elif lower.startswith("alertmanager"):
        found.alertmanager.append(path)
    elif lower.startswith("traefik") or "traefik" in where:
        found.traefik.append(path)
    elif lower.endswith(".json") and "dashboard" in where + lower:
        found.dashboards.append(path)
    elif any(word in lower for word in ("rules", "alerts")) and "prometheus" in where:
        found.rules.append(path)
    elif (lower.endswith((".yml", ".yaml")) or _KUBE_FOLDER.search(where)) and _is_manifest(path):
        found.manifests.append(path)  # JSON is sniffed only where manifests live


def _is_workflow(parts: tuple[str, ...], name: str) -> bool:
    if name in (".gitlab-ci.yml", ".gitlab-ci.yaml"):
        return True
    return (
        len(parts) >= 3
        and parts[-3:-1] == (".github", "workflows")
        and name.endswith((".yml", ".yaml"))
    )


def _head(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(_SNIFF).decode("utf-8", "replace")
    except OSError:
        return ""


def _is_app_engine(path: Path) -> bool:
    return bool(re.search(r"^(runtime|env):", _head(path), re.MULTILINE))


def _is_manifest(path: Path) -> bool:
    """A Kubernetes object: ``apiVersion: group/version`` (not a digit) and ``kind:``.

    Grafana provisioning (``apiVersion: 1``) and tool configs (skaffold, kind, k3d)
    are not manifests.
    """
    if path.suffix == ".json":
        head = _head(path)
        return '"apiVersion"' in head and '"kind"' in head and '"metadata"' in head
    head = _head(path)
    version = _API_VERSION.search(head)
    if version is None or _KIND.search(head) is None:
        return False
    value = version.group(1)
    return not value[0].isdigit() and not value.startswith(_TOOL_GROUPS)


_TOOL_GROUPS = ("skaffold/", "kind.x-k8s.io/", "k3d.io/", "ctlptl.dev/", "tilt.dev/")
