"""The ``deploy`` gatherer: the deploy graph of the repository (repository mode).

Registers the repository-mode settings (``repo``, ``discover``, ``paas_configs``;
``docs_paths`` is declared by the documentation family, which reads it).  Parsing
happens in :mod:`pytest_biothings_ready.deploy.discover`, imported when the gatherer
runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_biothings_ready.config.schema import Key, register
from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer

if TYPE_CHECKING:
    from pytest_biothings_ready.deploy.graph import DeployGraph

__all__ = ["deploy_graph"]

register(
    Key(
        "repo",
        "path",
        "Deployment repository root; default: the folder of readiness.toml.",
        family="deploy",
    ),
    Key(
        "discover",
        "bool",
        "Find deploy entry points under repo and follow their references.",
        True,
        family="deploy",
    ),
    Key(
        "paas_configs",
        "list",
        "PaaS configs: fly.toml, render.yaml, railway.json, app.yaml, Procfile.",
        values="path",
        family="deploy",
    ),
)


@gatherer("deploy")
def deploy_graph(ctx: Context) -> DeployGraph:
    """Entry points under ``repo`` (or the explicit list keys) and what they reach.

    Kubernetes workloads, Services and mounted ConfigMap keys are added from the
    static family's parsed manifests (parsed once per session, not twice).
    """
    from dataclasses import replace

    from pytest_biothings_ready.deploy.graph import MANIFEST
    from pytest_biothings_ready.deploy.resolve import graph_of, with_workloads

    graph = graph_of(ctx.env)
    if not graph.artifacts(MANIFEST) or not ctx.env.get("manifests"):
        return graph
    try:
        parsed = ctx.evidence("manifests")
    except ProbeError as exc:
        return replace(graph, problems=(*graph.problems, f"manifests: {exc}"))
    return with_workloads(graph, parsed.objects, ctx.env.root)
