"""Synthetic deployment repositories for repository mode, and a graph builder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.deploy.discover import build_graph
from pytest_biothings_ready.deploy.graph import DeployGraph

REPOS = Path(__file__).parent / "repos"


def graph_of(name: str, **settings: Any) -> DeployGraph:
    """The deploy graph of ``repos/NAME`` (readiness.toml beside it) with ``settings``."""
    return build_graph(Environment("ci", settings, REPOS / name))


def relative(graph: DeployGraph, kind: str) -> list[str]:
    """The reached paths of ``kind``, relative to the repository root."""
    return [p.relative_to(graph.root).as_posix() for p in graph.paths(kind)]


def not_deployed(graph: DeployGraph) -> list[str]:
    return [a.path.relative_to(graph.root).as_posix() for a in graph.not_deployed]
