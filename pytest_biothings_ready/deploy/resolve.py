"""Repository mode's environment: the discovered artifacts as the static settings.

Every static check reads its files from a list key (``compose_files``, ``manifests``,
``dockerfiles``, ``nginx_configs``, ``monitoring.prometheus_config``...).  With
discovery on, :func:`with_discovery` fills each key the environment leaves unset with
the *reached* artifacts of its kind, so the static family judges exactly what is
deployed, unchanged.  A key the environment sets is left alone (explicit overrides
discovery for its kind).  The graph is kept for the ``deploy`` gatherer.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.deploy.graph import (
    ALERTMANAGER,
    COMPOSE,
    DASHBOARD,
    DOCKERFILE,
    MANIFEST,
    NGINX,
    PROMETHEUS,
    DeployGraph,
)

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["graph_of", "with_discovery"]

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

_GRAPHS: dict[int, tuple[Mapping[str, Any], DeployGraph]] = {}
_LOCK = threading.Lock()
_KEPT = 16


def with_discovery(env: Environment) -> Environment:
    """``env`` with its unset artifact keys filled from the deploy graph (discover = true)."""
    if not env.get("discover"):
        return env
    from pytest_biothings_ready.deploy.discover import build_graph

    graph = build_graph(env)
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


def _filled(settings: Mapping[str, Any], graph: DeployGraph) -> dict[str, Any]:
    filled: dict[str, Any] = {
        k: dict(v) if isinstance(v, Mapping) else v for k, v in settings.items()
    }
    for key, (kind, many) in FILLED.items():
        head, _, tail = key.rpartition(".")
        table = filled.setdefault(head, {}) if head else filled
        if not isinstance(table, dict) or table.get(tail):
            continue
        paths = [str(a.path) for a in graph.artifacts(kind) if not a.key]
        paths = list(dict.fromkeys(paths))
        if paths:
            table[tail] = paths if many else paths[0]
    if "monitoring" in filled and not filled["monitoring"]:
        del filled["monitoring"]
    return filled


def _remember(settings: Mapping[str, Any], graph: DeployGraph) -> None:
    with _LOCK:
        _GRAPHS[id(settings)] = (settings, graph)
        while len(_GRAPHS) > _KEPT:
            del _GRAPHS[next(iter(_GRAPHS))]
