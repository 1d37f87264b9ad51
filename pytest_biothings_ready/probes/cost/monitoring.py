"""Cost dashboards, budget alerts and resource series, from the observability evidence.

The dashboards, metric names, alert rules and Alertmanager configuration are the
observability family's gatherers; this module only judges what they found.
"""

from __future__ import annotations

from typing import Any

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.monitoring import (
    AlertmanagerConfig,
    AlertRule,
    RuleSet,
    route_for,
    service_job,
)
from pytest_biothings_ready.evidence.promql import metric_names
from pytest_biothings_ready.evidence.query import instant_query
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict

__all__ = [
    "budget_alerts",
    "cost_dashboards",
    "metric_names",
    "resource_series",
    "resources_tracked",
]

CPU = ("container_cpu_usage_seconds_total", "process_cpu_seconds_total")
MEMORY = ("container_memory_working_set_bytes", "process_resident_memory_bytes")


def _cost_metrics(ctx: Context, expr: str) -> set[str]:
    words = [str(w).lower() for w in ctx.env.get("cost.metric_words") or []]
    return {m for m in metric_names(expr) if any(w in m.lower() for w in words)}


def _words(ctx: Context) -> str:
    return ", ".join(str(w) for w in ctx.env.get("cost.metric_words") or [])


def _optional(ctx: Context, name: str) -> Any:
    try:
        return ctx.evidence(name)
    except NotConfigured:
        return None


@check("Cost monitoring dashboards configured", uses=("dashboards", "metric-names"))
def cost_dashboards(ctx: Context) -> Verdict:
    """A dashboard panel queries a cost metric (cost.metric_words) that exists."""
    boards = ctx.evidence("dashboards")
    names: frozenset[str] = ctx.evidence("metric-names")
    panels = [(b.title, q, _cost_metrics(ctx, q)) for b in boards.boards for q in b.queries]
    costed = [(title, q, found) for title, q, found in panels if found]
    if not costed:
        return Verdict.failed(
            f"none of the {len(panels)} panel queries in {boards.source} names a cost metric "
            f"(a name containing {_words(ctx)})"
        )
    live = [(t, q) for t, q, found in costed if found & names]
    if not live:
        dead = "; ".join(f"{t}: {q}" for t, q, _ in costed[:3])
        return Verdict.failed(f"the cost panels query metrics that do not exist: {dead}")
    shown = "; ".join(f"{t}: {q}" for t, q in live[:3])
    return Verdict.passed(
        f"{len(live)} cost panels in {boards.source} on existing metrics: {shown}"
    )


def _rules(ctx: Context) -> RuleSet:
    for name in ("prometheus-rules", "rule-files"):
        if found := _optional(ctx, name):
            return found  # type: ignore[no-any-return]
    raise NotConfigured("prometheus_url", ctx.env.name, "or monitoring.alert_rules")


def _route_problems(rule: AlertRule, configs: tuple[AlertmanagerConfig, ...]) -> list[str]:
    problems = []
    for config in configs:
        for leaf in route_for(config.route, {**rule.labels, "alertname": rule.name}):
            receiver = str(leaf.get("receiver", ""))
            if not config.receivers.get(receiver):
                problems.append(f"{rule.name} routes to {receiver!r}, which has no integration")
    return problems


@check(
    "Budget alerts set up",
    uses=("prometheus-rules", "rule-files", "alertmanager-config", "metric-names"),
)
def budget_alerts(ctx: Context) -> Verdict:
    """An alert rule on a cost metric exists, its metric exists, and it routes to a receiver."""
    rules = _rules(ctx)
    configs: tuple[AlertmanagerConfig, ...] = ctx.evidence("alertmanager-config")
    if not configs:
        raise NotConfigured("alertmanager_url", ctx.env.name, "or monitoring.alertmanager_config")
    budget = [r for r in rules.alerts if _cost_metrics(ctx, r.expr)]
    if not budget:
        return Verdict.failed(
            f"none of the {len(rules.alerts)} alert rules in {rules.source} watches a cost "
            f"metric (a name containing {_words(ctx)})"
        )
    names: frozenset[str] | None = _optional(ctx, "metric-names")
    problems = list(rules.problems)
    if names is not None:
        problems += [
            f"{r.name} watches {sorted(_cost_metrics(ctx, r.expr))}, which do not exist"
            for r in budget
            if not _cost_metrics(ctx, r.expr) & names
        ]
    problems += [f"{r.name} fails to evaluate: {r.error}" for r in budget if r.health == "err"]
    problems += [p for r in budget for p in _route_problems(r, configs)]
    if problems:
        return Verdict.failed("; ".join(problems[:6]) + ".")
    shown = "; ".join(f"{r.name}: {r.expr}" for r in budget[:3])
    return Verdict.passed(f"budget alerts in {rules.source} route to receivers: {shown}")


@gatherer("resource-series", needs=("prometheus_url",))
def resource_series(ctx: Context) -> dict[str, tuple[str, ...]]:
    """Metric name -> the jobs with a current series of it, for the CPU and memory metrics."""
    query = f'count by (job, __name__) ({{__name__=~"{"|".join(CPU + MEMORY)}"}})'
    found: dict[str, list[str]] = {name: [] for name in CPU + MEMORY}
    for sample in instant_query(ctx.env, query):
        found[sample.labels.get("__name__", "")].append(sample.labels.get("job", "?"))
    return {name: tuple(sorted(jobs)) for name, jobs in found.items()}


def _tracked_by(found: dict[str, tuple[str, ...]], cpu: str, memory: str) -> set[str]:
    return set(found.get(cpu, ())) & set(found.get(memory, ()))


@check(
    "Resource utilization tracked",
    uses=("resource-series", "prometheus-targets"),
    needs=("prometheus_url",),
)
def resources_tracked(ctx: Context) -> Verdict:
    """Prometheus holds current CPU and memory series of every container, or of the service."""
    found: dict[str, tuple[str, ...]] = ctx.evidence("resource-series")
    seen = "; ".join(f"{name}: {', '.join(jobs)}" for name, jobs in found.items() if jobs)
    containers = _tracked_by(found, CPU[0], MEMORY[0])
    if containers:
        return Verdict.passed(
            f"per-container CPU and memory series (cAdvisor) from {', '.join(sorted(containers))}"
            f" ({seen})."
        )
    job = service_job(ctx)
    if job in _tracked_by(found, CPU[1], MEMORY[1]):
        return Verdict.passed(
            f"the service's job {job} has current CPU and memory series ({seen})."
        )
    return Verdict.failed(
        f"neither per-container series ({CPU[0]}, {MEMORY[0]}) nor the service's job {job!r} "
        f"with {CPU[1]} and {MEMORY[1]}; observed: {seen or 'none'}."
    )
