"""Build the deploy graph: find entry points under ``repo``, follow their references."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_biothings_ready.deploy.graph import DeployGraph

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["build_graph"]


def build_graph(env: Environment) -> DeployGraph:
    """The deploy graph of ``env``'s repository (work in progress: entry points only)."""
    root = env.path(str(env.get("repo") or ".")).resolve()
    return DeployGraph(root=root, discovered=bool(env.get("discover")))
