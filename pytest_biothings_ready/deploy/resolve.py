"""Repository mode's environment: the discovered artifacts as the static settings.

Every static check reads its files from a list key (``compose_files``, ``manifests``,
``dockerfiles``, ``nginx_configs``, ``monitoring.prometheus_config``...).  With
discovery on, :func:`with_discovery` fills each key the environment leaves unset with
the *reached* artifacts of its kind, so the static family judges exactly what is
deployed, unchanged.  ``nginx_configs`` names the reverse proxy: it is filled only when
a reached nginx config passes requests on (``proxy_pass``...); an nginx that only
serves a frontend's files is not judged as one.  A key the environment sets is left
alone (explicit overrides discovery for its kind).  The graph is kept for the ``deploy`` gatherer.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.deploy.graph import (
    ALERTMANAGER,
    BUILD_CONTEXT,
    COMPOSE,
    CONFIG,
    DASHBOARD,
    DATASOURCE,
    DOCKERFILE,
    MANIFEST,
    NGINX,
    PAAS,
    PROMETHEUS,
    TRAEFIK,
    Artifact,
    DeployGraph,
)
from pytest_biothings_ready.errors import ConfigError

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["graph_of", "with_discovery", "with_workloads"]

# setting -> (artifact kind, whether the setting holds a list)
FILLED: dict[str, tuple[str, bool]] = {
    "compose_files": (COMPOSE, True),
    "manifests": (MANIFEST, True),
    "dockerfiles": (DOCKERFILE, True),
    "nginx_configs": (NGINX, True),
    "monitoring.prometheus_config": (PROMETHEUS, False),
    "monitoring.alertmanager_config": (ALERTMANAGER, False),
    "monitoring.dashboards": (DASHBOARD, True),
}

# What the secret scan reads besides compose files, Dockerfiles and manifests.
SOURCE_KINDS = (BUILD_CONTEXT, PAAS, ALERTMANAGER, PROMETHEUS, TRAEFIK, DATASOURCE, CONFIG)

_GRAPHS: dict[int, tuple[Mapping[str, Any], DeployGraph]] = {}
_LOCK = threading.Lock()
_KEPT = 16


def with_discovery(env: Environment) -> Environment:
    """``env`` with its unset artifact keys filled from the deploy graph (discover = true)."""
    from pytest_biothings_ready.deploy.discover import build_graph, repo_root

    if env.get("repo") and not repo_root(env).is_dir():
        raise ConfigError(
            f"{env.source} [env.{env.name}]: repo {repo_root(env)} is not a folder "
            "(it is resolved against the folder of readiness.toml)"
        )
    if not env.get("discover"):
        return env

    try:
        graph = build_graph(env)
    except Exception as exc:  # a plugin bug must not stop the run: nothing is filled
        problem = f"discovery failed (plugin bug): {type(exc).__name__}: {exc}"
        graph = DeployGraph(repo_root(env), problems=(problem,))
    settings = _filled(env.settings, graph)
    _remember(settings, graph)
    return dataclasses.replace(env, settings=settings)


def graph_of(env: Environment) -> DeployGraph:
    """The graph discovery built for ``env``, else a fresh one."""
    with _LOCK:
        kept = _GRAPHS.get(id(env.settings))
    if kept is not None and kept[0] is env.settings:
        return kept[1]
    from pytest_biothings_ready.deploy.discover import build_graph

    return build_graph(env)


def with_workloads(graph: DeployGraph, objects: Iterable[Any], shown_root: Path) -> DeployGraph:
    """``graph`` plus the workloads, Services and mounted ConfigMap keys of ``objects``."""
    from pytest_biothings_ready.deploy.builder import Builder
    from pytest_biothings_ready.deploy.kube import follow_manifests

    builder = Builder(graph.root)
    for artifact in graph.reached:
        builder.reach(artifact)
    follow_manifests(objects, shown_root, builder)
    return dataclasses.replace(
        graph,
        reached=tuple(builder.reached.values()),
        services=(*graph.services, *builder.services),
    )


def _filled(settings: Mapping[str, Any], graph: DeployGraph) -> dict[str, Any]:
    filled: dict[str, Any] = {
        k: dict(v) if isinstance(v, Mapping) else v for k, v in settings.items()
    }
    for key, (kind, many) in FILLED.items():
        head, _, tail = key.rpartition(".")
        table = filled.setdefault(head, {}) if head else filled
        if not isinstance(table, dict) or table.get(tail):
            continue
        paths = list(dict.fromkeys(str(a.path) for a in _judged(graph, kind)))
        if kind == NGINX and not any(_proxies(p) for p in paths):
            continue  # an nginx that only serves files is not the reverse proxy
        if paths:
            table[tail] = paths if many else paths[0]
    if not filled.get("source_paths"):
        # the code that is deployed, the PaaS configs' env tables, the mounted configs
        sources = [str(a.path) for k in SOURCE_KINDS for a in graph.artifacts(k) if not a.key]
        if sources:
            filled["source_paths"] = list(dict.fromkeys(sources))
    if graph.custom_kinds and MANIFEST not in graph.explicit:
        known = list(filled.get("manifest_kinds") or [])
        filled["manifest_kinds"] = known + sorted(graph.custom_kinds - set(known))
    if "monitoring" in filled and not filled["monitoring"]:
        del filled["monitoring"]
    return filled


def _judged(graph: DeployGraph, kind: str) -> list[Artifact]:
    """The reached artifacts of ``kind`` the static family judges as files.

    Not ConfigMap keys (no file of their own), and not Dockerfiles that only a PaaS
    builds: the platform runs its own health checks and users, which the Dockerfile
    rules would misjudge (the deploy graph still lists them).
    """
    paas = {a.path for a in graph.artifacts(PAAS)}
    return [
        a
        for a in graph.artifacts(kind)
        if not a.key and not (kind == DOCKERFILE and a.reached_from in paas)
    ]


_PROXY = re.compile(r"(?:^|[\s;{])(?:proxy_pass|uwsgi_pass|fastcgi_pass|grpc_pass)\s")
_COMMENT = re.compile(r"#.*$", re.MULTILINE)


def _proxies(path: str) -> bool:
    """Whether an nginx config passes requests to a backend (it is the reverse proxy)."""
    from pytest_biothings_ready.deploy.builder import read_text

    return bool(_PROXY.search(_COMMENT.sub("", read_text(Path(path)) or "")))


def _remember(settings: Mapping[str, Any], graph: DeployGraph) -> None:
    with _LOCK:
        _GRAPHS[id(settings)] = (settings, graph)
        while len(_GRAPHS) > _KEPT:
            del _GRAPHS[next(iter(_GRAPHS))]
