"""SLO and KPI lines, judged from the KPI queries of :mod:`.kpi`.

Every verdict states the query's value, the threshold, the job and how much of the
window had data.  A query that returns nothing is ``failed`` ("no data for ..."),
never passed; with less history than ``monitoring.min_history`` it is unverified.
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.query import duration_seconds
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.observability.kpi import KpiValue
from pytest_biothings_ready.probes.observability.rules import RuleSet

__all__: list[str] = []


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


def judge(
    ctx: Context,
    name: str,
    label: str,
    shown: Callable[[float], str],
    ok: Callable[[float], bool],
    expected: str,
    worst: Callable[..., float] = max,
) -> Verdict:
    """Compare KPI ``name`` (worst series) to its expectation; evidence in one line."""
    value: KpiValue = ctx.evidence(f"kpi-{name}")
    where = f"job {value.history.job!r} {_span(value)}"
    if not value.values:
        return Verdict.failed(f"no data for {label} ({value.query}) {where}; required: {expected}")
    observed = worst(value.values)
    verdict = Verdict.passed if ok(observed) else Verdict.failed
    return verdict(f"{label} {shown(observed)} {where}; required: {expected}")


def _pct(x: float) -> str:
    return f"{x * 100:.3g}%"


def _uses(name: str) -> tuple[str, ...]:
    return (f"kpi-{name}", "prometheus-history", "prometheus-targets")


@check(
    "Error rates < 1%",
    "Reliability: < 1% error rate",
    uses=_uses("error_rate"),
    needs=("prometheus_url",),
)
def error_rate_below_slo(ctx: Context) -> Verdict:
    """The service's 5xx ratio over the SLO window is below ``thresholds.error_rate``."""
    limit = ctx.env.threshold("error_rate")
    return judge(ctx, "error_rate", "error ratio", _pct, lambda v: v < limit, f"< {_pct(limit)}")


@check(
    "Response times within SLA (p95 < 500ms)",
    "Performance: p95 response time < 500ms",
    uses=_uses("p95"),
    needs=("prometheus_url",),
)
def p95_within_sla(ctx: Context) -> Verdict:
    """The p95 request latency over the SLO window is below ``thresholds.p95_ms``."""
    limit = ctx.env.threshold("p95_ms")
    return judge(
        ctx,
        "p95",
        "p95 latency",
        lambda v: f"{v * 1000:.0f} ms",
        lambda v: v * 1000 < limit,
        f"< {limit:g} ms",
    )


@check(
    "System uptime > 99.9%",
    "Availability: > 99.9% uptime",
    uses=_uses("uptime"),
    needs=("prometheus_url",),
)
def uptime_above_slo(ctx: Context) -> Verdict:
    """The share of successful scrapes (``up``) over the window exceeds ``thresholds.uptime``."""
    limit = ctx.env.threshold("uptime")
    return judge(
        ctx,
        "uptime",
        "uptime",
        lambda v: f"{v * 100:.3f}%",
        lambda v: v > limit,
        f"> {limit * 100:g}%",
        worst=min,
    )


@check(
    "Resource utilization within normal ranges",
    uses=_uses("resource_utilization"),
    needs=("prometheus_url",),
)
def resources_normal(ctx: Context) -> Verdict:
    """No instance uses more CPU than ``monitoring.cpu_max_cores`` (5-minute rate)."""
    limit = float(ctx.env.get("monitoring.cpu_max_cores"))
    return judge(
        ctx,
        "resource_utilization",
        "peak CPU",
        lambda v: f"{v:.2f} cores",
        lambda v: v <= limit,
        f"<= {limit:g} cores per instance",
    )


def _alert_rules_exist(ctx: Context, label: str, value: str) -> int:
    """How many loaded alert rules carry ``label=value`` (nothing to fire otherwise)."""
    rules: RuleSet = ctx.evidence("prometheus-rules")
    count = sum(1 for a in rules.alerts if a.labels.get(label) == value)
    if not count:
        raise NotConfigured(
            f"monitoring.{'security' if 'security' in label else 'severity'}_label",
            ctx.env.name,
            f"Prometheus has no alert rule with {label}={value!r}, so none "
            "could have fired; add one or adjust the label setting",
        )
    return count


@check(
    "No critical alerts triggered",
    uses=(*_uses("critical_alerts"), "prometheus-rules"),
    needs=("prometheus_url",),
)
def no_critical_alerts(ctx: Context) -> Verdict:
    """No critical alert of the service fired during the SLO window (rules must exist)."""
    label, value = (
        str(ctx.env.get(f"monitoring.{k}")) for k in ("severity_label", "critical_value")
    )
    rules = _alert_rules_exist(ctx, label, value)
    return judge(
        ctx,
        "critical_alerts",
        f"firing {label}={value} alerts",
        lambda v: f"{v:.0f} (of {rules} rules)",
        lambda v: v == 0,
        "0",
    )


@check(
    "No security alerts triggered",
    uses=(*_uses("security_alerts"), "prometheus-rules"),
    needs=("prometheus_url",),
)
def no_security_alerts(ctx: Context) -> Verdict:
    """No security alert fired during the SLO window (security rules must exist)."""
    label, value = (
        str(ctx.env.get(f"monitoring.{k}")) for k in ("security_label", "security_value")
    )
    rules = _alert_rules_exist(ctx, label, value)
    return judge(
        ctx,
        "security_alerts",
        f"firing {label}={value} alerts",
        lambda v: f"{v:.0f} (of {rules} rules)",
        lambda v: v == 0,
        "0",
    )


@check(
    "Performance trends stable", uses=(*_uses("p95"), "kpi-p95_previous"), needs=("prometheus_url",)
)
def performance_stable(ctx: Context) -> Verdict:
    """p95 latency this window is at most ``trend_tolerance`` above the window before."""
    before: KpiValue = ctx.evidence("kpi-p95_previous")
    if not before.values:
        raise NotConfigured(
            "monitoring.slo_window",
            ctx.env.name,
            f"no data for the previous {before.history.window} window yet ({before.query})",
        )
    base = max(before.values)
    tolerance = float(ctx.env.get("monitoring.trend_tolerance"))
    return judge(
        ctx,
        "p95",
        "p95 latency",
        lambda v: f"{v * 1000:.0f} ms (was {base * 1000:.0f} ms)",
        lambda v: v <= base * (1 + tolerance),
        f"at most {tolerance * 100:g}% above the previous window",
    )


@check("No memory leaks detected", uses=_uses("memory_growth"), needs=("prometheus_url",))
def no_memory_leak(ctx: Context) -> Verdict:
    """Resident memory grows by less than ``memory_growth_max`` over the window (slope)."""
    limit = float(ctx.env.get("monitoring.memory_growth_max"))
    return judge(
        ctx,
        "memory_growth",
        "resident memory growth",
        _pct,
        lambda v: v < limit,
        f"< {_pct(limit)}",
    )


@check(
    "Agent tasks completing successfully",
    "Agent Performance: Task success rate > 95%",
    uses=_uses("task_success"),
    needs=("prometheus_url",),
)
def task_success(ctx: Context) -> Verdict:
    """The agent task success ratio over the window exceeds ``thresholds.task_success``."""
    limit = ctx.env.threshold("task_success")
    return judge(
        ctx,
        "task_success",
        "task success",
        _pct,
        lambda v: v > limit,
        f"> {_pct(limit)}",
        worst=min,
    )


@check("Cost: Within 15% of budget forecast", uses=_uses("cost"), needs=("prometheus_url",))
def cost_within_budget(ctx: Context) -> Verdict:
    """Spend (``kpi.cost``) is at most ``cost_tolerance`` above ``cost_forecast``."""
    forecast = float(ctx.env.require("monitoring.cost_forecast"))
    tolerance = float(ctx.env.get("monitoring.cost_tolerance"))
    return judge(
        ctx,
        "cost",
        "cost",
        lambda v: f"{v:.2f}",
        lambda v: v <= forecast * (1 + tolerance),
        f"<= {forecast:g} + {tolerance * 100:g}%",
    )


@check(
    "Cost Efficiency: LLM costs within projections",
    uses=_uses("llm_cost"),
    needs=("prometheus_url",),
)
def llm_cost_within_projection(ctx: Context) -> Verdict:
    """LLM spend (``kpi.llm_cost``) does not exceed ``llm_cost_forecast``."""
    forecast = float(ctx.env.require("monitoring.llm_cost_forecast"))
    return judge(
        ctx,
        "llm_cost",
        "LLM cost",
        lambda v: f"{v:.2f}",
        lambda v: v <= forecast,
        f"<= {forecast:g}",
    )


@check("Backup jobs completing successfully", uses=_uses("backup_age"), needs=("prometheus_url",))
def backups_succeed(ctx: Context) -> Verdict:
    """The last successful backup job is younger than ``monitoring.backup_max_age``."""
    limit = str(ctx.env.get("monitoring.backup_max_age"))
    return judge(
        ctx,
        "backup_age",
        "last successful backup",
        lambda v: f"{_human(v)} ago",
        lambda v: v <= duration_seconds(limit),
        f"within {limit}",
    )
