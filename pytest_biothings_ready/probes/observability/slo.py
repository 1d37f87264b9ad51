"""SLO and KPI lines, judged from the KPI queries of :mod:`.kpi`.

The lines differ only in data, so they are one table, :data:`SLOS`, of frozen
:class:`Slo` specs registered by one function.  Every verdict states the query's
value, the threshold, the job and how much of the window had data.  A query that
returns nothing is ``failed`` ("no data for ..."), never passed; with less history
than ``monitoring.min_history`` it is unverified.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

from pytest_biothings_ready.evidence.query import duration_seconds
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.observability.kpi import KpiValue
from pytest_biothings_ready.probes.observability.limits import (
    Limit,
    alerts,
    backup_limit,
    cost_limit,
    ms,
    p95_limit,
    pct,
    setting,
    threshold,
    trend_limit,
    uptime_limit,
)

__all__ = ["SLOS", "Limit", "Slo"]


def _span(value: KpiValue) -> str:
    seconds, window = value.history.span_s, value.history.window
    # The earliest sample is found at subquery resolution: within 2% counts as full.
    if seconds >= 0.98 * duration_seconds(window):
        return f"over {window}"
    return f"over the {_human(seconds)} of data in the {window} window"


def _human(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"


@dataclass(frozen=True)
class Slo:
    """One SLO/KPI line.

    Attributes:
        name: the check's name (the catalog's key).
        titles: the checklist lines it decides.
        kpi: the KPI query it reads (``kpi-NAME`` evidence).
        label: what the value is, in evidence.
        shown: formats a value.
        compare: ``value <op> bound`` must hold (``operator.lt``...).
        limit: the bound and wording, from the environment.
        doc: the catalog's "decided by" text.
        worst: ``max`` or ``min``: which series value is judged.
        uses: evidence read besides the KPI.
    """

    name: str
    titles: tuple[str, ...]
    kpi: str
    label: str
    shown: Callable[[float], str]
    compare: Callable[[float, float], bool]
    limit: Callable[[Context], Limit]
    doc: str
    worst: Callable[[list[float]], float] = max
    uses: tuple[str, ...] = ()


def judge(ctx: Context, slo: Slo) -> Verdict:
    """Compare the KPI's worst series to the line's limit; evidence in one line."""
    limit = slo.limit(ctx)
    value: KpiValue = ctx.evidence(f"kpi-{slo.kpi}")
    label = limit.label or slo.label
    where = f"job {value.history.job!r} {_span(value)}"
    numbers = [v for v in value.values if not math.isnan(v)]
    if not numbers:
        why = f": {value.missing}" if value.missing else ""
        why = why or (": NaN (0/0: no requests in the window?)" if value.values else "")
        return Verdict.failed(
            f"no data for {label} ({value.query}) {where}{why}; required: {limit.expected}"
        )
    observed = slo.worst(numbers)
    verdict = Verdict.passed if slo.compare(observed, limit.bound) else Verdict.failed
    note = f" {limit.note}" if limit.note else ""
    return verdict(f"{label} {slo.shown(observed)}{note} {where}; required: {limit.expected}")


SLOS: tuple[Slo, ...] = (
    Slo(
        "error_rate_below_slo",
        ("Error rates < 1%", "Reliability: < 1% error rate"),
        "error_rate",
        "error ratio",
        pct,
        operator.lt,
        threshold("error_rate", lambda b: f"< {pct(b)}"),
        "The service's 5xx ratio over the SLO window is below ``thresholds.error_rate``.",
    ),
    Slo(
        "p95_within_sla",
        ("Response times within SLA (p95 < 500ms)", "Performance: p95 response time < 500ms"),
        "p95",
        "p95 latency",
        ms,
        operator.lt,
        p95_limit,
        "The p95 request latency over the SLO window is below ``thresholds.p95_ms``.",
    ),
    Slo(
        "uptime_above_slo",
        ("System uptime > 99.9%", "Availability: > 99.9% uptime"),
        "uptime",
        "uptime",
        lambda v: f"{v * 100:.3f}%",
        operator.gt,
        uptime_limit,
        "The share of successful scrapes (``up``) over the window exceeds ``thresholds.uptime``.",
        worst=min,
    ),
    Slo(
        "resources_normal",
        ("Resource utilization within normal ranges",),
        "resource_utilization",
        "peak CPU",
        lambda v: f"{v:.2f} cores",
        operator.le,
        setting("cpu_max_cores", lambda b: f"<= {b:g} cores per instance"),
        "No instance uses more CPU than ``monitoring.cpu_max_cores`` (5-minute rate).",
    ),
    Slo(
        "no_critical_alerts",
        ("No critical alerts triggered",),
        "critical_alerts",
        "firing critical alerts",
        lambda v: f"{v:.0f}",
        operator.eq,
        alerts("severity", "critical_value"),
        "No critical alert of the service fired during the SLO window (rules must exist).",
        uses=("prometheus-rules",),
    ),
    Slo(
        "no_security_alerts",
        ("No security alerts triggered",),
        "security_alerts",
        "firing security alerts",
        lambda v: f"{v:.0f}",
        operator.eq,
        alerts("security", "security_value"),
        "No security alert fired during the SLO window (security rules must exist).",
        uses=("prometheus-rules",),
    ),
    Slo(
        "performance_stable",
        ("Performance trends stable",),
        "p95",
        "p95 latency",
        ms,
        operator.le,
        trend_limit,
        "p95 latency this window is at most ``trend_tolerance`` above the window before.",
        uses=("kpi-p95_previous",),
    ),
    Slo(
        "no_memory_leak",
        ("No memory leaks detected",),
        "memory_growth",
        "resident memory growth",
        pct,
        operator.lt,
        setting("memory_growth_max", lambda b: f"< {pct(b)}"),
        "Resident memory grows by less than ``memory_growth_max`` over the window (slope).",
    ),
    Slo(
        "task_success",
        ("Agent tasks completing successfully", "Agent Performance: Task success rate > 95%"),
        "task_success",
        "task success",
        pct,
        operator.gt,
        threshold("task_success", lambda b: f"> {pct(b)}"),
        "The agent task success ratio over the window exceeds ``thresholds.task_success``.",
        worst=min,
    ),
    Slo(
        "cost_within_budget",
        ("Cost: Within 15% of budget forecast",),
        "cost",
        "cost",
        lambda v: f"{v:.2f}",
        operator.le,
        cost_limit,
        "Spend (``kpi.cost``) is at most ``cost_tolerance`` above ``cost_forecast``.",
    ),
    Slo(
        "llm_cost_within_projection",
        ("Cost Efficiency: LLM costs within projections",),
        "llm_cost",
        "LLM cost",
        lambda v: f"{v:.2f}",
        operator.le,
        setting("llm_cost_forecast", lambda b: f"<= {b:g}"),
        "LLM spend (``kpi.llm_cost``) does not exceed ``llm_cost_forecast``.",
    ),
    Slo(
        "backups_succeed",
        ("Backup jobs completing successfully",),
        "backup_age",
        "last successful backup",
        lambda v: f"{_human(v)} ago",
        operator.le,
        backup_limit,
        "The last successful backup job is younger than ``monitoring.backup_max_age``.",
    ),
)


def _register(slo: Slo) -> None:
    """One ``@check`` per spec; the function's docstring is the catalog's text."""

    def decide(ctx: Context) -> Verdict:
        return judge(ctx, slo)

    decide.__name__ = decide.__qualname__ = slo.name
    decide.__doc__ = slo.doc
    uses = (f"kpi-{slo.kpi}", "prometheus-history", "prometheus-targets", *slo.uses)
    check(*slo.titles, uses=uses, needs=("prometheus_url",))(decide)


for _slo in SLOS:
    _register(_slo)
