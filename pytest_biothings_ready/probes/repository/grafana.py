"""Grafana dashboards as deployed: provisioned through mounts, valid, wired to a
provisioned datasource, querying series a deployed app or exporter provides."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository.deploy import Service, Stack
from pytest_biothings_ready.probes.repository.gather import Repository
from pytest_biothings_ready.probes.repository.outcome import decide, elsewhere, undecided
from pytest_biothings_ready.probes.static.yamlload import load_all

__all__ = ["dashboards_provisioned"]

PROVISIONING = "/etc/grafana/provisioning"
# Exporter image families and the series prefixes they provide.
EXPORTERS = {
    "node-exporter": ("node_",), "cadvisor": ("container_", "machine_"),
    "redis_exporter": ("redis_",), "redis-exporter": ("redis_",),
    "postgres-exporter": ("pg_",), "postgres_exporter": ("pg_",),
    "nginx-prometheus-exporter": ("nginx_",), "blackbox-exporter": ("probe_",),
    "mysqld-exporter": ("mysql_",), "statsd-exporter": ("",), "pushgateway": ("",),
}  # fmt: skip
BUILT_IN = frozenset({"grafana", "-- Grafana --", "-- Mixed --", "-- Dashboard --", "default"})
ALWAYS = ("up", "scrape_", "prometheus_", "process_", "python_", "go_", "nodejs_", "ALERTS")


def _yaml(path: Path) -> list[Any]:
    try:
        return load_all(path.read_text(encoding="utf-8"))
    except Exception:  # an unreadable provisioning file provisions nothing
        return []


def _entries(service: Service, kind: str, key: str) -> list[Mapping[str, Any]]:
    folder = service.mounted(f"{PROVISIONING}/{kind}")
    if folder is None or not folder.is_dir():
        return []
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml"))
    docs = [d for p in files for d in _yaml(p) if isinstance(d, Mapping)]
    return [e for d in docs for e in d.get(key) or [] if isinstance(e, Mapping)]


def _panels(board: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for panel in board.get("panels") or []:
        if isinstance(panel, Mapping):
            yield panel
            yield from _panels(panel)  # rows nest their panels


@check("Grafana dashboards configured", uses=("repository",))
def dashboards_provisioned(ctx: Context) -> Verdict:
    """A deployed Grafana provisions dashboards from mounted files that load as JSON, use a
    provisioned datasource, and query series a deployed app or exporter provides."""
    repo: Repository = ctx.evidence("repository")
    if skip := repo.no_stacks():
        return skip
    grafanas = [(st, s) for st in repo.stacks for s in st.services if s.family == "grafana"]
    if not grafanas and (external := elsewhere(ctx.env, "Grafana", "monitoring.grafana_url")):
        return external
    if not grafanas:  # a managed Grafana is common: absence is not a finding
        stacks = ", ".join(s.file for s in repo.stacks)
        return undecided(f"no deployed stack runs Grafana ({stacks}).{repo.not_deployed()}")
    problems: list[str] = []
    checked: list[str] = []
    for stack, grafana in grafanas:
        _grafana(repo, stack, grafana, problems, checked)
    return decide(problems, checked, "dashboards not provisioned as deployed", repo.not_deployed())


def _grafana(
    repo: Repository, stack: Stack, grafana: Service, problems: list[str], checked: list[str]
) -> None:
    providers = _entries(grafana, "dashboards", "providers")
    sources = _entries(grafana, "datasources", "datasources")
    if not providers:
        problems.append(
            f"{grafana.where} {grafana.name} mounts no dashboard provider under "
            f"{PROVISIONING}/dashboards"
        )
        return
    names = {str(s.get(k)) for s in sources for k in ("name", "uid") if s.get(k)}
    if not names:
        problems.append(f"{grafana.where} {grafana.name} provisions no datasource")
    known = _known_series(repo, stack)
    for provider in providers:
        folder = str((provider.get("options") or {}).get("path") or "")
        local = grafana.mounted(folder) if folder else None
        boards = sorted(local.rglob("*.json")) if local is not None and local.is_dir() else []
        if not boards:
            problems.append(
                f"{grafana.name} provider {provider.get('name', '?')} reads "
                f"{folder or '(no path)'}, where no mounted dashboard JSON lies"
            )
        for path in boards:
            _board(path, names, known, problems, checked)


def _known_series(repo: Repository, stack: Stack) -> tuple[set[str], tuple[str, ...]]:
    series = {n for s in stack.services if (c := repo.app(s)) for n in c.metric_names}
    prefixes = ALWAYS + tuple(
        p for s in stack.services for k, ps in EXPORTERS.items() if k in s.image for p in ps
    )
    return series, prefixes


def _board(
    path: Path,
    sources: set[str],
    known: tuple[set[str], tuple[str, ...]],
    problems: list[str],
    checked: list[str],
) -> None:
    try:
        board = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        problems.append(f"{path.name} is not valid JSON ({exc})")
        return
    board = board.get("dashboard", board) if isinstance(board, Mapping) else {}
    shown = f"{path.name} ({board.get('title') or 'untitled'})"
    queries = 0
    for panel in _panels(board):
        name = f"{shown} panel {panel.get('title', '?')!r}"
        problems += [
            f"{name} uses datasource {ref!r}, which is not provisioned "
            f"({', '.join(sorted(sources)) or 'none'})"
            for ref in _refs(panel)
            if ref and "$" not in ref and ref not in sources and ref not in BUILT_IN
        ]
        exprs = [
            str(t.get("expr") or "") for t in panel.get("targets") or [] if isinstance(t, Mapping)
        ]
        queries += sum(1 for e in exprs if e)
        problems += [
            f"{name} queries {m}, which no deployed app or exporter of the stack defines"
            for e in exprs
            for m in sorted(_unknown(e, known))[:1]
        ]
    if queries:
        checked.append(f"{shown}: {queries} queries on provisioned datasources")
    else:
        problems.append(f"{shown} has no panel query")


def _unknown(expr: str, known: tuple[set[str], tuple[str, ...]]) -> set[str]:
    """Series ``expr`` selects that nothing deployed defines."""
    from pytest_biothings_ready.evidence.monitoring import AlertRule

    series, prefixes = known
    names = AlertRule("", expr, {}, {}).metrics()
    return (
        {m for m in names if "$" not in m and not m.startswith("~")}
        - series
        - {m for m in names if m.startswith(prefixes)}
    )


def _refs(panel: Mapping[str, Any]) -> list[str]:
    found = []
    for holder in [panel, *[t for t in panel.get("targets") or [] if isinstance(t, Mapping)]]:
        ref = holder.get("datasource")
        if isinstance(ref, str):
            found.append(ref)
        elif isinstance(ref, Mapping) and ref.get("uid"):
            found.append(str(ref["uid"]))
    return found
