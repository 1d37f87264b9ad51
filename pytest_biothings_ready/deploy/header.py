"""The terminal header of a repository-mode run: entry points and what they reach."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from pytest_biothings_ready.deploy.graph import DOCS, ENTRY_KINDS

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.deploy.graph import Artifact, DeployGraph

__all__ = ["deploy_header", "header_lines"]

_LISTED = 6  # more artifacts than this in one group are counted, not listed


def deploy_header(env: Environment | None) -> list[str]:
    """The header of ``env``'s run: nothing for the demo, or a live run that deploys nothing."""
    if env is None or not env.get("discover"):
        return []
    from pytest_biothings_ready.deploy.resolve import graph_of

    graph = graph_of(env)
    if not graph.entries and env.get("base_url"):
        return []
    return header_lines(graph)


def header_lines(graph: DeployGraph) -> list[str]:
    """A few lines: the entry points (named), the reached artifacts (named or counted)."""
    entries = graph.entries
    if not entries:
        where = "discovered under" if graph.discovered else "named for"
        return [f"biothings-ready: no deploy entry point {where} {graph.root}"]
    lines = [f"biothings-ready: deploy entry points: {_names(graph, entries)}"]
    reached = [a for a in graph.reached if a.kind not in (*ENTRY_KINDS, DOCS)]
    if reached:
        lines.append(f"biothings-ready: reached from them: {_names(graph, reached)}")
    tail = []
    if graph.not_deployed:
        tail.append(f"not deployed: {_few(graph, graph.not_deployed)}")
    if graph.missing:
        tail.append(f"referenced but missing: {_few(graph, graph.missing)}")
    if graph.problems:
        tail.append(f"problem: {graph.problems[0]}" + _more(len(graph.problems) - 1))
    if tail:
        lines.append("biothings-ready: " + "; ".join(tail))
    return lines


def _names(graph: DeployGraph, artifacts: list[Artifact] | tuple[Artifact, ...]) -> str:
    if len(artifacts) <= _LISTED:
        return ", ".join(f"{_shown(graph, a)} ({a.kind})" for a in artifacts)
    counts = Counter(a.kind for a in artifacts)
    return ", ".join(f"{count} {kind}" for kind, count in counts.items())


def _more(count: int) -> str:
    return f" (and {count} more)" if count > 0 else ""


def _few(graph: DeployGraph, artifacts: tuple[Artifact, ...]) -> str:
    """Up to three paths by name, then how many more."""
    shown = ", ".join(_shown(graph, a) for a in artifacts[:3])
    return shown + (f" and {len(artifacts) - 3} more" if len(artifacts) > 3 else "")


def _shown(graph: DeployGraph, artifact: Artifact) -> str:
    try:
        text = artifact.path.relative_to(graph.root).as_posix()
    except ValueError:
        text = str(artifact.path)
    return f"{text}#{artifact.key}" if artifact.key else text
