"""Prometheus itself: scrape targets and alert rules, live and from files.

Lines decided:

- Critical alerts configured (service down, high error rates)
- Runbooks created for common alerts
- Error rates monitored
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.query import PROMETHEUS, get_json, prometheus_data
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.evidence.transport import sanitize
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.observability.firing import (
    near_misses,
    never_fires,
    not_loaded,
    short,
)
from pytest_biothings_ready.probes.observability.rules import (
    AlertRule,
    RuleSet,
    alerts_from_groups,
    rules_from_files,
)
from pytest_biothings_ready.probes.observability.samejob import foreign_job

if TYPE_CHECKING:
    from pytest_biothings_ready.probes.observability.metrics import MetricsScrape

__all__ = ["Target", "WrongJob", "rule_sources", "service_job"]


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


@gatherer("prometheus-targets", needs=("prometheus_url",))
def gather_targets(ctx: Context) -> tuple[Target, ...]:
    """The active scrape targets of ``prometheus_url``."""
    data = prometheus_data(ctx.env, "/api/v1/targets", state="active")
    return tuple(
        Target(
            sanitize(str(t.get("labels", {}).get("job", ""))),
            sanitize(str(t.get("scrapeUrl", ""))),
            sanitize(str(t.get("health", "unknown"))),
            sanitize(str(t.get("lastError") or ""))[:300],
            sanitize(str(t.get("scrapePool") or "")),
        )
        for t in (data or {}).get("activeTargets") or []
    )


@gatherer("prometheus-rules", needs=("prometheus_url",))
def gather_rules(ctx: Context) -> RuleSet:
    """The alerting rules loaded in ``prometheus_url``, with the jobs it scrapes."""
    data = prometheus_data(ctx.env, "/api/v1/rules", type="alert")
    alerts = alerts_from_groups((data or {}).get("groups") or [])
    jobs = sorted({t.job for t in ctx.evidence("prometheus-targets")})
    problems = [f"rule {a.name} does not evaluate: {a.error}" for a in alerts if a.health == "err"]
    return RuleSet(str(ctx.env.get("prometheus_url")), tuple(alerts), tuple(problems), tuple(jobs))


@gatherer("prometheus-alertmanagers", needs=("prometheus_url",))
def gather_alertmanagers(ctx: Context) -> tuple[str, ...] | None:
    """The Alertmanagers ``prometheus_url`` sends its alerts to (active ones); None when
    the API does not have that endpoint (Thanos, Mimir: their rulers notify)."""
    body = get_json(ctx.env, PROMETHEUS, "/api/v1/alertmanagers", missing=True)
    if body is None:
        return None
    data = body.get("data") if isinstance(body, dict) else None
    active = (data or {}).get("activeAlertmanagers") or []
    return tuple(sanitize(str(a.get("url", ""))) for a in active if isinstance(a, dict))


@gatherer("rule-files")
def gather_rule_files(ctx: Context) -> RuleSet | None:
    """The rule files named by ``monitoring.alert_rules``/``prometheus_config``."""
    return rules_from_files(ctx.env)


def rule_sources(ctx: Context) -> list[RuleSet]:
    """Every configured rule source; NotConfigured when there is none."""
    sources = [] if not ctx.env.get("prometheus_url") else [ctx.evidence("prometheus-rules")]
    files = ctx.evidence("rule-files")
    sources += [files] if files is not None else []
    if not sources:
        raise NotConfigured(
            "prometheus_url",
            ctx.env.name,
            "or monitoring.alert_rules / monitoring.prometheus_config",
        )
    return sources


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


def _exposed(ctx: Context) -> frozenset[str] | None:
    """Sample names the service exposes, when its metrics endpoint can be read."""
    if not ctx.env.get("metrics_url"):
        return None
    try:
        scrape: MetricsScrape = ctx.evidence("metrics")
    except ProbeError:
        return None
    return None if scrape.missing else scrape.sample_names


def _job_known(rule: AlertRule, jobs: tuple[str, ...]) -> bool:
    if not jobs:
        return True
    return all(
        any(j == v if op == "=" else re.fullmatch(v, j) for j in jobs) for op, v in rule.jobs()
    )


def _metric_exposed(rule: AlertRule, exposed: frozenset[str] | None) -> bool:
    names = rule.metrics()
    if not names or any(":" in n for n in names):
        # Bare names and recording rules (``job:errors:rate5m``) are not the service's
        # exposition: nothing to compare, as long as the rule reads some series.
        return rule.selects_metric()
    if exposed is None:
        return True
    return any(
        n in exposed if not n.startswith("~") else any(re.fullmatch(n[1:], e) for e in exposed)
        for n in names
    )


def critical_findings(ctx: Context, rules: RuleSet) -> tuple[list[str], list[str]]:
    """What is missing in ``rules`` for the critical-alerts line, and what works."""
    label = str(ctx.env.get("monitoring.severity_label"))
    value = str(ctx.env.get("monitoring.critical_value"))
    critical = [a for a in rules.alerts if a.labels.get(label) == value]
    dead = [reason for a in critical if (reason := never_fires(a))]
    critical = [a for a in critical if not never_fires(a)]
    down = [a for a in critical if a.is_down_alert() and _job_known(a, rules.jobs)]
    exposed = _exposed(ctx)
    errors = [a for a in critical if a.is_error_alert() and _metric_exposed(a, exposed)]
    findings = list(rules.problems)
    if (not down or not errors) and dead:
        findings.append(f"critical rules that cannot fire: {'; '.join(dead[:4])}")
    if (not down or not errors) and (misses := near_misses(rules, label, value)):
        findings.append(
            f"{label} values {', '.join(map(repr, misses))} are not {value!r} "
            "(Alertmanager matchers are exact)"
        )
    if not down:
        findings.append(_missing("service-down (up/absent)", critical, rules, label, value))
    if not errors:
        findings.append(_missing("error-rate", critical, rules, label, value))
    good = [f"down: {', '.join(a.name for a in down)}"] if down else []
    good += [f"error rate: {', '.join(a.name for a in errors)}"] if errors else []
    return findings, good


def _missing(kind: str, critical: list[AlertRule], rules: RuleSet, label: str, value: str) -> str:
    names = ", ".join(f"{a.name} [{short(a.expr)}]" for a in critical[:4]) or "none"
    jobs = f"; scrape jobs: {', '.join(rules.jobs)}" if rules.jobs else ""
    return (
        f"no working {label}={value} {kind} alert in {rules.source} "
        f"(critical alerts: {names}{jobs})"
    )


@check(
    "Critical alerts configured (service down, high error rates)",
    uses=(
        "prometheus-rules",
        "rule-files",
        "prometheus-targets",
        "metrics",
        "prometheus-alertmanagers",
    ),
)
def critical_alerts_configured(ctx: Context) -> Verdict:
    """A critical alert fires on the service being down and one on its error rate."""
    findings: list[str] = []
    good: list[str] = []
    sources = rule_sources(ctx)
    for rules in sources:
        missing, working = critical_findings(ctx, rules)
        findings += missing
        good += [f"{rules.source}: {'; '.join(working)}"] if working else []
    if len(sources) == 2:
        findings += not_loaded(ctx, live=sources[0], files=sources[1])
    if ctx.env.get("prometheus_url") and ctx.evidence("prometheus-alertmanagers") == ():
        findings.append(
            f"{ctx.env.get('prometheus_url')} sends alerts to no Alertmanager "
            "(/api/v1/alertmanagers lists none active), so no critical alert reaches anyone"
        )
    if findings:
        return Verdict.failed(" ".join(findings))
    return Verdict.passed("critical alerts that work: " + " | ".join(good))


@check(
    "Error rates monitored",
    uses=("prometheus-rules", "prometheus-targets", "metrics"),
    needs=("prometheus_url",),
)
def error_rates_monitored(ctx: Context) -> Verdict:
    """Prometheus scrapes the service and evaluates an error-rate alert rule on it."""
    try:
        job = service_job(ctx)
    except WrongJob as exc:
        return Verdict.failed(str(exc))
    targets = [t for t in ctx.evidence("prometheus-targets") if t.job == job]
    up = [t for t in targets if t.health == "up"]
    if up and (foreign := foreign_job(ctx, job)):
        return Verdict.failed(foreign)
    rules: RuleSet = ctx.evidence("prometheus-rules")
    exposed = _exposed(ctx)
    alerts = [
        a
        for a in rules.alerts
        if a.is_error_alert() and _metric_exposed(a, exposed) and _job_known(a, (job,))
    ]
    ok = [a for a in alerts if a.health == "ok" and not never_fires(a)]
    if not up:
        seen = "; ".join(f"{t.url} {t.health} {t.error}".strip() for t in targets)
        return Verdict.failed(
            f"job {job!r} has no target up in {rules.source} ({seen or 'no targets'})"
        )
    if not ok:
        seen = "; ".join(f"{a.name}: {a.health} {a.error}".strip() for a in alerts)
        return Verdict.failed(
            f"no error-rate alert rule evaluates in {rules.source} "
            f"({seen or 'none on a metric the service exposes'})"
        )
    return Verdict.passed(
        f"job {job!r}: {len(up)}/{len(targets)} targets up; error-rate "
        f"alert {ok[0].name} evaluates ({ok[0].expr})"
    )
