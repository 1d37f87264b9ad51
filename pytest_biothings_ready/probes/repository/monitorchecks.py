"""Metrics exposure and alert rules, cross-checked against what the stacks deploy.

Scrape targets must name services of the Prometheus's own stack, and a target built
from the repository must expose the job's ``metrics_path`` in its code; ``rule_files``
must resolve to mounted files; an alert selecting ``job="X"`` must match a scrape job.
"""

from __future__ import annotations

import re

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository.gather import Repository
from pytest_biothings_ready.probes.repository.outcome import decide, undecided
from pytest_biothings_ready.probes.repository.prometheus import Job, PromConfig
from pytest_biothings_ready.probes.repository.urls import is_address
from pytest_biothings_ready.probes.static.yamlload import load_all

__all__ = ["alert_rules_consistent", "metrics_exposed_configured"]

_JOB = re.compile(r"""\bjob\s*=\s*["']([^"']+)["']""")


@check("Prometheus metrics endpoints exposed", uses=("repository",))
def metrics_exposed_configured(ctx: Context) -> Verdict:
    """A deployed app exposes metrics on the path a loading Prometheus config scrapes it at.

    Every ``static_configs`` target names a service of the Prometheus's stack (or an
    address); a target built from the repository must define the job's
    ``metrics_path`` (prometheus-fastapi-instrumentator, prometheus_client ASGI/WSGI
    apps, prometheus-flask-exporter, django-prometheus, prom-client routes).
    """
    repo: Repository = ctx.evidence("repository")
    tail = repo.not_deployed()
    problems: list[str] = []
    checked: list[str] = []
    for config in repo.prometheus:
        if config.validation.ok is False:
            problems.append(f"{config.file}: {config.validation.detail}")
        for job in config.jobs:
            _targets(repo, config, job, problems, checked)
    if not repo.prometheus:
        problems += _unscraped(ctx, repo)
    if problems:
        return decide(problems, [], "metrics not exposed where scraped", tail)
    if not checked:
        return undecided(
            f"no scrape target of a deployed Prometheus is built from the repository.{tail}"
        )
    unsure = [c for c in repo.prometheus if c.validation.ok is None]
    if unsure:
        return undecided(f"{unsure[0].file}: {unsure[0].validation.detail}.{tail}")
    return decide([], checked, "", tail)


def _unscraped(ctx: Context, repo: Repository) -> list[str]:
    """No Prometheus deployed: an app without metrics fails, one with metrics is undecided."""
    served = [c for c in repo.apps.values() if c.routes]  # APIs, not frontends or workers
    exposing = [c for c in served if c.metrics]
    if exposing:
        shown = ", ".join(f"{c.service.name} ({c.metrics[0].where})" for c in exposing)
        raise NotConfigured(
            "monitoring.prometheus_config", ctx.env.name, f"no deployed Prometheus scrapes {shown}"
        )
    if not served:
        return []
    names = ", ".join(sorted({c.service.name for c in served}))
    return [f"no deployed app exposes Prometheus metrics ({names}) and no stack runs Prometheus"]


def _targets(
    repo: Repository, config: PromConfig, job: Job, problems: list[str], checked: list[str]
) -> None:
    names = {s.name: s for s in config.stack.services}
    for target in job.targets:
        host = target.rpartition(":")[0] if ":" in target else target
        scrape = f"job {job.name} ({job.where}) scrapes {target}{job.metrics_path}"
        if host not in names:
            if not is_address(host):
                problems.append(
                    f"{scrape}, but {config.stack.file} has no service {host!r} "
                    f"(services: {', '.join(sorted(names))})"
                )
            continue
        code = repo.app(names[host])
        if code is None:
            continue
        found = [f for f in code.metrics if str(f.detail) in (job.metrics_path, "*")]
        if found:
            checked.append(f"{scrape}, exposed by {found[0].what} at {found[0].where}")
        else:
            problems.append(f"{scrape}, but the app of {host} defines no such metrics path")


@check("Critical alerts configured (service down, high error rates)", uses=("repository",))
def alert_rules_consistent(ctx: Context) -> Verdict:
    """Every ``rule_files`` entry resolves to a mounted file; alert ``job=`` selectors match."""
    repo: Repository = ctx.evidence("repository")
    problems: list[str] = []
    for config in repo.prometheus:
        problems += list(config.missing)
        if config.validation.ok is False:
            problems.append(f"{config.file}: {config.validation.detail}")
        jobs = {j.name for j in config.jobs}
        for rules in config.rules:
            for job in _selected_jobs(rules.read_text(encoding="utf-8", errors="replace")):
                if job not in jobs:
                    problems.append(
                        f"{rules.name}: an alert selects job={job!r}, which no scrape job of "
                        f"{config.file} defines ({', '.join(sorted(jobs)) or 'none'})"
                    )
    if problems:
        return decide(problems, [], "alert rules cannot work", repo.not_deployed())
    return undecided(
        f"rule files and alert selectors consistent with the scrape jobs.{repo.not_deployed()}"
    )


def _selected_jobs(text: str) -> set[str]:
    try:
        docs = load_all(text)
    except Exception:  # promtool reports broken rule files
        return set()
    found: set[str] = set()
    for doc in docs:
        for group in (doc.get("groups") or []) if isinstance(doc, dict) else []:
            for rule in group.get("rules") or [] if isinstance(group, dict) else []:
                if isinstance(rule, dict) and "alert" in rule:
                    found |= set(_JOB.findall(str(rule.get("expr", ""))))
    return found
