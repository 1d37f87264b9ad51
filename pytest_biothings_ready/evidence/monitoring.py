"""Monitoring evidence that several families read: alert rules, Alertmanager routes, the
service's scrape job.

The observability family gathers these (``prometheus-rules``, ``rule-files``,
``alertmanager-config``, ``prometheus-targets``); cost and oncall judge them too, so the
types and the pure helpers over them live here rather than in one family's modules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.promql import metric_names, name_patterns
from pytest_biothings_ready.evidence.registry import Context

__all__ = [
    "AlertRule",
    "AlertmanagerConfig",
    "RuleSet",
    "Target",
    "WrongJob",
    "labels_match",
    "matcher_holds",
    "route_for",
    "service_job",
]

_JOB = re.compile(r'\bjob\s*(=~|=)\s*"([^"]*)"')
_UP = re.compile(r"(?<![\w:])up\s*(\{|==|<|$|\s|\))|absent\s*\(")
_UP_INVERTED = re.compile(r"^\s*up\s*(\{[^}]*\})?\s*(==\s*1|>=\s*1|>\s*0|!=\s*0)\s*$")
_ERRORS = re.compile(r'5\.\.|5xx|"5|error|fail', re.IGNORECASE)


_MATCHER = re.compile(r'^\s*([\w.]+)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$')

# Route options Alertmanager does not pass down to child routes.
_NOT_INHERITED = ("mute_time_intervals", "active_time_intervals")


@dataclass(frozen=True)
class AlertRule:
    """One alerting rule.

    Attributes:
        name: the alert name.
        expr: its PromQL expression.
        labels: its static labels (severity...).
        annotations: its annotations (runbook_url, summary...).
        health: ``ok``, ``err`` or ``unknown`` (live rules), ``file`` for rule files.
        error: the last evaluation error, if any.
        for_s: its ``for`` duration in seconds (-1: not a valid duration).
        interval_s: its group's evaluation ``interval`` in seconds (0: the global one;
            -1: not a valid duration).
    """

    name: str
    expr: str
    labels: dict[str, str]
    annotations: dict[str, str]
    health: str = "file"
    error: str = ""
    for_s: float = 0.0
    interval_s: float = 0.0

    def jobs(self) -> list[tuple[str, str]]:
        """The ``job`` matchers in the expression, as (operator, value)."""
        return _JOB.findall(self.expr)

    def metrics(self) -> set[str]:
        """Metric names (or ``__name__`` regexes) the expression selects."""
        return set(metric_names(self.expr)) | {f"~{r}" for r in name_patterns(self.expr)}

    def selects_metric(self) -> bool:
        """Whether the expression reads any series: a selector, or a bare name such as a
        recording rule (``job:errors:ratio5m > 0.05``); ``vector(0) > 1`` reads none."""
        return bool(self.metrics())

    def is_down_alert(self) -> bool:
        """On ``up`` or ``absent(...)``, and not the inverted ``up == 1`` (fires when up)."""
        return bool(_UP.search(self.expr)) and not _UP_INVERTED.match(self.expr)

    def is_error_alert(self) -> bool:
        return not self.is_down_alert() and bool(_ERRORS.search(self.expr + self.name))


@dataclass(frozen=True)
class RuleSet:
    """The alert rules of one source.

    Attributes:
        source: where they came from (a Prometheus URL or file paths).
        alerts: every alerting rule.
        problems: what the source's own tooling rejected (promtool, evaluation).
        jobs: the scrape jobs known to that source (targets or scrape config).
    """

    source: str
    alerts: tuple[AlertRule, ...]
    problems: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()


@dataclass(frozen=True)
class AlertmanagerConfig:
    """One Alertmanager configuration.

    Attributes:
        source: the URL or file it came from.
        route: the root route (a mapping as in alertmanager.yml).
        receivers: receiver name -> its integrations (``slack_configs``...).
        problems: what amtool rejected.
        raw: the whole configuration (time intervals, inhibit rules).
    """

    source: str
    route: dict[str, Any]
    receivers: dict[str, tuple[str, ...]]
    problems: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """One active scrape target.

    Attributes:
        job: its ``job`` label.
        url: the URL Prometheus scrapes.
        health: ``up``, ``down`` or ``unknown``.
        error: the last scrape error.
        pool: its scrape pool (the configured ``job_name``, before relabelling).
    """

    job: str
    url: str
    health: str
    error: str = ""
    pool: str = ""


def labels_match(node: dict[str, Any], labels: dict[str, str], prefix: str = "") -> bool:
    """Whether ``labels`` satisfy every ``PREFIXmatch``/``_re``/``matchers`` of ``node``.

    A matcher of the wrong shape (``match: "a=b"``) matches nothing: Alertmanager
    refuses such a file, and amtool's complaint is reported.  For inhibit rules
    (``prefix``), a negative matcher on a label the probe alert lacks
    (``namespace!="prod"``) is taken as not matching: real alerts carry that label, and
    such a rule does not catch *every* critical alert.
    """
    match = node.get(f"{prefix}match") or {}
    match_re = node.get(f"{prefix}match_re") or {}
    matchers = node.get(f"{prefix}matchers") or []
    if not (isinstance(match, dict) and isinstance(match_re, dict) and isinstance(matchers, list)):
        return False
    checks = [(k, "=", str(v)) for k, v in match.items()]
    checks += [(k, "=~", str(v)) for k, v in match_re.items()]
    for text in matchers:
        if found := _MATCHER.match(str(text)):
            checks.append((found[1], found[2], found[3]))
    if prefix and any(k not in labels and op in ("!=", "!~") for k, op, _ in checks):
        return False
    return all(matcher_holds(labels.get(k, ""), op, v) for k, op, v in checks)


def matcher_holds(value: str, op: str, wanted: str) -> bool:
    try:
        hit = value == wanted if op in ("=", "!=") else bool(re.fullmatch(wanted, value))
    except re.error:
        return False  # Alertmanager rejects the file; amtool says why.
    return hit if op in ("=", "=~") else not hit


def route_for(
    route: dict[str, Any], labels: dict[str, str], inherited: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The effective leaf routes (receiver, repeat_interval, depth) an alert reaches."""
    kept = {k: v for k, v in (inherited or {}).items() if k not in _NOT_INHERITED}
    node = {**kept, **{k: v for k, v in route.items() if k != "routes"}}
    node["depth"] = (inherited or {}).get("depth", -1) + 1
    leaves: list[dict[str, Any]] = []
    children = route.get("routes")
    for child in children if isinstance(children, list) else []:
        if isinstance(child, dict) and labels_match(child, labels):
            leaves += route_for({**child, "continue": False}, labels, node)
            if not child.get("continue"):
                break
    return leaves or [node]


def service_job(ctx: Context) -> str:
    """The service's ``job`` label: the one scraping metrics_url, else configured, else the only.

    ``monitoring.prometheus_job`` may name the label or the scrape pool (``job_name``
    before relabelling).  With ``metrics_url`` set, a configured job whose targets do
    not scrape it while another job does is the wrong job (failed); with no job
    configured, a lone job that scrapes another address is not taken for the service.
    """
    targets: tuple[Target, ...] = ctx.evidence("prometheus-targets")
    configured = ctx.env.get("monitoring.prometheus_job")
    scraping = _scraping_metrics_url(ctx, targets)
    if configured:
        labels = sorted({t.job for t in targets if str(configured) in (t.job, t.pool)})
        job = str(configured) if str(configured) in labels or not labels else labels[0]
        if scraping and job not in scraping:
            raise WrongJob(
                f"monitoring.prometheus_job {job!r} does not scrape metrics_url "
                f"{ctx.env.get('metrics_url')}; job {scraping[0]!r} does"
            )
        return job
    if scraping:
        return scraping[0]
    jobs = sorted({t.job for t in targets})
    if len(jobs) == 1 and not ctx.env.get("metrics_url"):
        return jobs[0]
    seen = "; ".join(f"{t.job}: {t.url}" for t in targets[:6]) or "no targets"
    raise ProbeError(
        f"cannot tell the service's scrape job: no target scrapes metrics_url "
        f"{ctx.env.get('metrics_url') or '(unset)'} ({seen}); set monitoring.prometheus_job"
    )


class WrongJob(ProbeError):
    """The configured scrape job is observably not the service's (a finding)."""


def _scraping_metrics_url(ctx: Context, targets: tuple[Target, ...]) -> list[str]:
    metrics_url = ctx.env.get("metrics_url")
    if not metrics_url:
        return []
    wanted = _endpoint(str(metrics_url))
    return sorted({t.job for t in targets if _endpoint(t.url) == wanted})


def _endpoint(url: str) -> tuple[str, int | None, str]:
    parts = urlsplit(url)
    return (parts.hostname or "", parts.port, parts.path.rstrip("/") or "/")
