"""Dashboards: Grafana's HTTP API, or provisioned dashboard JSON files.

A dashboard counts when it parses and its panel queries name metrics that exist
(in Prometheus, else on the service's metrics endpoint); a panel whose every metric
is missing shows nothing and is reported.  Lines decided:

- Grafana dashboards configured: Grafana (``monitoring.grafana_url``) or the files
  of ``monitoring.dashboards`` hold dashboards whose panels query existing metrics.
- Monitoring dashboards active: Grafana itself answers healthy and serves them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.query import GRAFANA, get_json, prometheus_data
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.evidence.transport import sanitize
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.observability.provisioning import (
    is_provisioning,
    provider_folders,
)
from pytest_biothings_ready.probes.observability.rules import AlertRule

__all__ = ["Board", "Dashboards"]

MAX_BOARDS = 50


@dataclass(frozen=True)
class Board:
    """One dashboard.

    Attributes:
        title: its title.
        queries: the PromQL expressions of its panels.
        datasources: the literal datasource UIDs (or legacy names) its panels use.
    """

    title: str
    queries: tuple[str, ...]
    datasources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dashboards:
    """The dashboards found.

    Attributes:
        source: the Grafana URL or the files read.
        health: Grafana's ``/api/health`` database status (None for files).
        boards: the dashboards.
        problems: what does not load or points nowhere (invalid JSON, a datasource
            UID Grafana does not know).
    """

    source: str
    health: str | None
    boards: tuple[Board, ...]
    problems: tuple[str, ...] = ()


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _panels(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel, including those nested in rows (both JSON layouts)."""
    found = []
    rows = [p for row in _dicts(node.get("rows")) for p in _dicts(row.get("panels"))]
    for panel in _dicts(node.get("panels")) + rows:
        found.append(panel)
        found += _panels(panel) if panel.get("panels") else []
    return found


def _prometheus(source: Any) -> bool:
    """Whether a panel or target datasource may be Prometheus (Loki's LogQL is not)."""
    kind = source.get("type") if isinstance(source, dict) else None
    return not kind or kind == "prometheus" or "$" in str(kind)


def _queries(panel: dict[str, Any]) -> list[str]:
    return [
        str(t["expr"])
        for t in _dicts(panel.get("targets"))
        if t.get("expr") and _prometheus(t.get("datasource") or panel.get("datasource"))
    ]


# Grafana's built-in pseudo datasources, not entries of /api/datasources.
_BUILT_IN = frozenset({"grafana", "-- grafana --", "-- mixed --", "-- dashboard --", "default"})


def _datasource_refs(panel: dict[str, Any]) -> set[str]:
    found = set()
    for node in [panel, *_dicts(panel.get("targets"))]:
        source = node.get("datasource")
        ref = source.get("uid") if isinstance(source, dict) else source
        if ref and "$" not in str(ref) and str(ref).lower() not in _BUILT_IN:
            found.add(sanitize(str(ref)))
    return found


def _board(content: dict[str, Any]) -> Board:
    inner = content.get("dashboard")
    dashboard = inner if isinstance(inner, dict) else content
    panels = _panels(dashboard)
    queries = tuple(q for p in panels for q in _queries(p))
    refs = tuple(sorted({r for p in panels for r in _datasource_refs(p)}))
    return Board(sanitize(str(dashboard.get("title") or "untitled")), queries, refs)


def _unknown_datasources(ctx: Context, boards: list[Board]) -> list[str]:
    """Datasource references Grafana answers 404 for (by UID, then by legacy name)."""
    problems = []
    for ref in sorted({r for b in boards for r in b.datasources}):
        if _grafana(ctx, f"/api/datasources/uid/{ref}", missing=True) is not None:
            continue
        if _grafana(ctx, f"/api/datasources/name/{ref}", missing=True) is not None:
            continue
        titles = ", ".join(b.title for b in boards if ref in b.datasources)
        problems.append(f"datasource {ref!r} used by {titles} does not exist in Grafana")
    return problems


def _grafana(ctx: Context, path: str, missing: bool = False, **params: Any) -> Any:
    return get_json(ctx.env, GRAFANA, path, missing=missing, **params)


@gatherer("dashboards")
def gather_dashboards(ctx: Context) -> Dashboards:
    """Dashboards from Grafana's API when configured, else from provisioned files."""
    if url := ctx.env.get("monitoring.grafana_url"):
        health = str((_grafana(ctx, "/api/health") or {}).get("database", "unknown"))
        found = _grafana(ctx, "/api/search", type="dash-db", limit=MAX_BOARDS) or []
        boards = [
            _board(_grafana(ctx, f"/api/dashboards/uid/{hit['uid']}"))
            for hit in found[:MAX_BOARDS]
            if hit.get("uid")
        ]
        problems = _unknown_datasources(ctx, boards)
        return Dashboards(str(url), health, tuple(boards), tuple(problems))
    paths = [ctx.env.path(str(p)) for p in ctx.env.get("monitoring.dashboards") or []]
    if not paths:
        raise NotConfigured("monitoring.grafana_url", ctx.env.name, "or monitoring.dashboards")
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise ProbeError(f"{missing[0]} does not exist; check `monitoring.dashboards`")
    root = ctx.env.path(".")
    paths = [f for p in paths for f in (provider_folders(p, root) if is_provisioning(p) else [p])]
    files = [f for p in paths for f in (sorted(p.rglob("*.json")) if p.is_dir() else [p])]
    loaded = [(f, _load(f)) for f in files]
    return Dashboards(
        ", ".join(str(p) for p in paths),
        None,
        tuple(_board(c) for _, c in loaded if isinstance(c, dict)),
        tuple(c for _, c in loaded if isinstance(c, str)),
    )


def _load(path: Path) -> dict[str, Any] | str:
    """A dashboard's JSON object, or why the file does not load (a finding: Grafana
    skips such a file)."""
    try:
        # utf-8-sig: dashboards exported on Windows often start with a BOM.
        content = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ProbeError(f"cannot read dashboard {path}: {exc.strerror}") from None
    except ValueError as exc:
        return f"dashboard {path} is not valid JSON: {exc}"
    if not isinstance(content, dict):
        return f"dashboard {path} is not a JSON object"
    return content


@gatherer("metric-names")
def gather_metric_names(ctx: Context) -> frozenset[str]:
    """Metric names that exist: Prometheus's ``__name__`` values, else the scrape's."""
    if ctx.env.get("prometheus_url"):
        names = prometheus_data(ctx.env, "/api/v1/label/__name__/values") or []
        return frozenset(str(n) for n in names)
    if ctx.env.get("metrics_url"):
        return frozenset(ctx.evidence("metrics").sample_names)
    raise NotConfigured(
        "prometheus_url",
        ctx.env.name,
        "or metrics_url, to tell whether dashboard queries hit metrics",
    )


def _metrics(query: str) -> set[str]:
    return {
        m for m in AlertRule("", query, {}, {}).metrics() if "$" not in m and not m.startswith("~")
    }


def _exists(found: set[str], names: frozenset[str]) -> bool:
    """Some of ``found`` exists; recording rules (``a:b:c``) live in Prometheus only, so
    against a bare metrics endpoint (no ``up`` among the names) they are taken on trust."""
    scrape_only = "up" not in names
    return bool(found & names) or (scrape_only and any(":" in m for m in found))


def _dead_queries(board: Board, names: frozenset[str]) -> list[str]:
    return [q for q in board.queries if (found := _metrics(q)) and not _exists(found, names)]


def _judge(ctx: Context, boards: Dashboards) -> Verdict:
    if boards.problems:
        return Verdict.failed("; ".join(boards.problems[:4]))
    names: frozenset[str] = ctx.evidence("metric-names")
    with_queries = [b for b in boards.boards if b.queries]
    if not with_queries:
        return Verdict.failed(
            f"no dashboard with panel queries in {boards.source} ({len(boards.boards)} dashboards)"
        )
    dead = [(b.title, q) for b in with_queries for q in _dead_queries(b, names)]
    if dead:
        listed = "; ".join(f"{t}: {q}" for t, q in dead[:4])
        return Verdict.failed(
            f"{len(dead)} panel queries in {boards.source} name only "
            f"metrics that do not exist: {listed}"
        )
    live = [q for b in with_queries for q in b.queries if _exists(_metrics(q), names)]
    if not live:
        return Verdict.failed(
            f"no panel query in {boards.source} names a metric that exists "
            f"(templated or constant queries only: {with_queries[0].queries[0]})"
        )
    titles = ", ".join(b.title for b in with_queries[:6])
    total = sum(len(b.queries) for b in with_queries)
    return Verdict.passed(
        f"{len(with_queries)} dashboards in {boards.source} ({titles}); "
        f"all {total} panel queries name existing metrics"
    )


@check("Grafana dashboards configured", uses=("dashboards", "metric-names", "metrics"))
def dashboards_configured(ctx: Context) -> Verdict:
    """Dashboards exist (Grafana or provisioned files) whose panels query existing metrics."""
    return _judge(ctx, ctx.evidence("dashboards"))


@check(
    "Monitoring dashboards active",
    uses=("dashboards", "metric-names", "metrics"),
    needs=("monitoring.grafana_url",),
)
def dashboards_active(ctx: Context) -> Verdict:
    """Grafana answers healthy and serves dashboards whose panels query existing metrics."""
    boards: Dashboards = ctx.evidence("dashboards")
    if boards.health != "ok":
        return Verdict.failed(f"Grafana at {boards.source} reports database {boards.health}")
    return _judge(ctx, boards)
