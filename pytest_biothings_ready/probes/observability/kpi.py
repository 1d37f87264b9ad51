"""KPI queries: one PromQL instant query per KPI, over the SLO window.

Each KPI has a default query the user can replace with ``[env.NAME.kpi] NAME``.
Queries may use ``$job`` (the service's scrape job), ``$window``
(``monitoring.slo_window``), ``$span_s`` (seconds of the window that have data),
``$severity_label``/``$critical_value`` and ``$security_label``/``$security_value``.
How much history exists is measured once (earliest ``up`` sample of the job in the
window): below ``monitoring.min_history`` every KPI is unverified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import Template

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.query import duration_seconds, instant_query
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.observability.prometheus import service_job
from pytest_biothings_ready.probes.observability.rules import AlertRule
from pytest_biothings_ready.probes.observability.samejob import foreign_job
from pytest_biothings_ready.probes.observability.settings import KPI_KEYS

__all__ = ["DEFAULTS", "MEASURED", "History", "KpiValue", "kpi_value"]

# KPIs that must be computed from the service's own series (not a ``vector(0)`` default).
MEASURED = frozenset(
    {"error_rate", "p95", "uptime", "resource_utilization", "memory_growth", "task_success"}
)

_REQUESTS = '{__name__=~".*http_requests_total",job="$job"'
_BUCKETS = '{__name__=~".*http_request_duration_seconds_bucket",job="$job"}'
_TASKS = '{__name__=~".*agent_tasks_total",job="$job"'
_P95 = "histogram_quantile(0.95, sum by (le) (rate(" + _BUCKETS + "[$window]OFFSET)))"
_FIRED = 'count(max_over_time(ALERTS{alertstate="firing",MATCH}[$window])) or vector(0)'

DEFAULTS: dict[str, str | None] = {
    "error_rate": f'(sum(rate({_REQUESTS},status=~"5.."}}[$window])) or vector(0)) / '
    f"sum(rate({_REQUESTS}}}[$window]))",
    "p95": _P95.replace("OFFSET", ""),
    "p95_previous": _P95.replace("OFFSET", " offset $window"),
    "uptime": 'avg(avg_over_time(up{job="$job"}[$window]))',
    # irate: rate() divides by the whole range, which understates young series.
    "resource_utilization": "max(max_over_time(irate(process_cpu_seconds_total"
    '{job="$job"}[5m])[$window:]))',
    "critical_alerts": _FIRED.replace("MATCH", '$severity_label="$critical_value",job=~"$job|"'),
    "security_alerts": _FIRED.replace("MATCH", '$security_label="$security_value",job=~"$job|"'),
    "memory_growth": 'max(deriv(process_resident_memory_bytes{job="$job"}[$window]) * $span_s'
    ' / avg_over_time(process_resident_memory_bytes{job="$job"}[$window]))',
    "task_success": f'(sum(increase({_TASKS},outcome=~"success|succeeded|ok"}}[$window]))'
    " or vector(0)) / "
    f"sum(increase({_TASKS}}}[$window]))",
    "cost": None,
    "llm_cost": None,
    "backup_age": 'time() - max(kube_cronjob_status_last_successful_time{cronjob=~".*backup.*"})',
}


@dataclass(frozen=True)
class History:
    """How much data Prometheus holds for the service.

    Attributes:
        job: the service's scrape job.
        seconds: age of its earliest ``up`` sample within the window (0: none).
        window: the SLO window setting.
    """

    job: str
    seconds: float
    window: str

    @property
    def span_s(self) -> float:
        return min(self.seconds, duration_seconds(self.window))


@dataclass(frozen=True)
class KpiValue:
    """One evaluated KPI.

    Attributes:
        name: the KPI (a ``kpi.*`` key name).
        query: the PromQL sent, placeholders filled in.
        values: one value per returned series (empty: no data).
        history: the history it was computed over.
        missing: why the values are not data (the query's metrics have no series),
            empty when they are.
    """

    name: str
    query: str
    values: tuple[float, ...]
    history: History
    missing: str = ""


@gatherer("prometheus-history", needs=("prometheus_url",))
def gather_history(ctx: Context) -> History:
    """Age of the service job's earliest ``up`` sample inside the SLO window."""
    job = service_job(ctx)
    if foreign := foreign_job(ctx, job):
        raise ProbeError(f"{foreign}; set monitoring.prometheus_job to the service's job")
    window = str(ctx.env.get("monitoring.slo_window"))
    step = max(1, int(duration_seconds(str(ctx.env.get("monitoring.min_history"))) // 20))
    query = f'max(time() - min_over_time(timestamp(up{{job="{job}"}})[{window}:{step}s]))'
    samples = instant_query(ctx.env, query)
    return History(job, samples[0].value if samples else 0.0, window)


def fill(ctx: Context, template: str, history: History) -> str:
    """``template`` with its placeholders filled in for this environment."""
    env = ctx.env
    return Template(template).safe_substitute(
        job=history.job,
        window=history.window,
        span_s=f"{history.span_s:.0f}",
        severity_label=env.get("monitoring.severity_label"),
        critical_value=env.get("monitoring.critical_value"),
        security_label=env.get("monitoring.security_label"),
        security_value=env.get("monitoring.security_value"),
    )


def kpi_value(ctx: Context, name: str) -> KpiValue:
    """Evaluate KPI ``name`` (override or default) once enough history exists."""
    history: History = ctx.evidence("prometheus-history")
    template = ctx.env.get(f"kpi.{name}") or DEFAULTS[name]
    if not template:
        raise NotConfigured(f"kpi.{name}", ctx.env.name, "a PromQL query; there is no default")
    least = str(ctx.env.get("monitoring.min_history"))
    if history.seconds < duration_seconds(least):
        raise NotConfigured(
            "monitoring.min_history",
            ctx.env.name,
            f"Prometheus holds {history.seconds:.0f} s of history for job "
            f"{history.job!r}, less than {least}",
        )
    query = fill(ctx, template, history)
    values = tuple(s.value for s in instant_query(ctx.env, query))
    missing = _basis_missing(ctx, query, history) if values and name in MEASURED else ""
    return KpiValue(name, query, () if missing else values, history, missing)


def _basis_missing(ctx: Context, query: str, history: History) -> str:
    """Why ``query``'s answer is not a measurement: none of its metrics has a series.

    ``sum(rate(errors_total[7d])) or vector(0)`` answers 0 when the metric does not
    exist at all; that is no data, not "0% errors".
    """
    rule = AlertRule("", query, {}, {})
    names = rule.metrics()
    if not names:
        return "" if rule.selects_metric() else f"the query selects no metric ({query})"
    pattern = "|".join(n[1:] if n.startswith("~") else re.escape(n) for n in sorted(names))
    job = f',job="{history.job}"' if f'"{history.job}"' in query else ""
    probe = f'count(last_over_time({{__name__=~"{pattern}"{job}}}[{history.window}]))'
    if instant_query(ctx.env, probe):
        return ""
    return f"none of its metrics ({', '.join(sorted(names))}) has a series in {history.window}"


def _register(name: str) -> None:
    def gather(ctx: Context) -> KpiValue:
        return kpi_value(ctx, name)

    gather.__name__ = gather.__qualname__ = f"gather_kpi_{name}"
    gatherer(f"kpi-{name}", needs=("prometheus_url",))(gather)


for _name in KPI_KEYS:
    _register(_name)
