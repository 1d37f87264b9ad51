"""Logging lines decided from the deploy path: structured and audit logging in the app
code, log shipping to a deployed store, and that store's retention."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository.checks import no_api
from pytest_biothings_ready.probes.repository.deploy import Service, Stack
from pytest_biothings_ready.probes.repository.exposure import apis
from pytest_biothings_ready.probes.repository.gather import Repository
from pytest_biothings_ready.probes.repository.outcome import decide, elsewhere, undecided
from pytest_biothings_ready.probes.static.yamlload import load_all

__all__ = ["audit_logging", "log_aggregation", "log_retention", "structured_logging"]

SHIPPERS = frozenset({"promtail", "fluent-bit", "fluentd", "vector", "filebeat", "alloy",
                      "logstash", "otel-collector", "opentelemetry-collector",
                      "opentelemetry-collector-contrib", "datadog-agent", "agent"})  # fmt: skip
STORES = frozenset({"loki", "elasticsearch", "opensearch", "graylog", "victoria-logs", "seq"})
DRIVERS = frozenset({"loki", "fluentd", "gelf", "syslog", "awslogs", "gcplogs", "splunk",
                     "awsfirelens", "logentries"})  # fmt: skip


@check("Structured logging implemented", uses=("repository",))
def structured_logging(ctx: Context) -> Verdict:
    """Every deployed API configures a JSON formatter (structlog JSONRenderer,
    python-json-logger, loguru ``serialize=True``, pino, winston ``format.json``)."""
    repo: Repository = ctx.evidence("repository")
    found = apis(repo)
    if not found:
        return no_api(repo)
    problems, checked = [], []
    for api in found:
        if api.code.logging:
            first = api.code.logging[0]
            checked.append(f"{api.name} configures {first.what} at {first.where}")
        else:
            problems.append(f"{api.name} configures no structured (JSON) log formatter "
                            f"in {api.code.files} source files")  # fmt: skip
    return decide(problems, checked, "logs are not structured", repo.not_deployed())


@check("Audit logging implemented", uses=("repository",))
def audit_logging(ctx: Context) -> Verdict:
    """A deployed API writes audit events: a logger named ``audit`` or an audit call."""
    repo: Repository = ctx.evidence("repository")
    found = apis(repo)
    if not found:
        return no_api(repo)
    audits = [f"{api.name}: {f.what} at {f.where}" for api in found for f in api.code.audit]
    if not audits:
        names = ", ".join(api.name for api in found)
        return Verdict.failed(
            f"no audit logger or audit event in the code of {names}.{repo.not_deployed()}"
        )
    return decide([], audits, "", repo.not_deployed())


def _services(repo: Repository, kinds: frozenset[str]) -> list[tuple[Stack, Service]]:
    return [(st, s) for st in repo.stacks for s in st.services if s.family in kinds]


@check("Log aggregation configured (ELK/Loki)", uses=("repository",))
def log_aggregation(ctx: Context) -> Verdict:
    """Each stack with an API ships its logs to a deployed store (a shipper beside Loki/
    Elasticsearch, or a logging driver that sends them away from the host)."""
    repo: Repository = ctx.evidence("repository")
    found = apis(repo)
    if not found:
        return no_api(repo)
    problems: list[str] = []
    checked: list[str] = []
    keys = ("monitoring.loki_url", "monitoring.elasticsearch_url")
    external = elsewhere(ctx.env, "the log store", *keys)
    for api in found:
        stack = api.stack
        stores = [s.name for s in stack.services if s.family in STORES]
        shippers = [s.name for s in stack.services if s.family in SHIPPERS]
        driver = api.service.log_driver
        if driver in DRIVERS:
            checked.append(f"{api.name} logging driver {driver}")
        elif stores and shippers:
            lost = _unreachable(stack)
            problems += lost
            if not lost:
                checked.append(f"{stack.file}: {', '.join(shippers)} ship to {', '.join(stores)}")
        elif stores or shippers:
            have = stores or shippers
            lack = (
                "no shipper (promtail, fluent-bit, vector...)"
                if stores
                else "no log store (Loki, Elasticsearch)"
            )
            problems.append(f"{stack.file} runs {', '.join(have)} but {lack}")
        elif external is None:
            problems.append(f"{api.name}: no log shipping on the deploy path; logs stay in the "
                            f"{driver or 'json-file'} driver on the host")  # fmt: skip
    if external is not None and not problems and not checked:
        return external
    return decide(problems, checked, "logs are not aggregated", repo.not_deployed())


@check("Log retention policies set", uses=("repository",))
def log_retention(ctx: Context) -> Verdict:
    """A deployed Loki's mounted config enables compactor retention with a retention_period."""
    repo: Repository = ctx.evidence("repository")
    lokis = _services(repo, frozenset({"loki"}))
    if not lokis:
        return undecided(
            "no deployed stack runs Loki (Elasticsearch keeps retention in ILM, outside the "
            f"repository).{repo.not_deployed()}"
        )
    problems, checked = [], []
    for _stack, loki in lokis:
        config = _loki_config(loki)
        if config is None:
            problems.append(
                f"{loki.where} {loki.name} mounts no config: Loki's default keeps logs forever"
            )
            continue
        where, doc = config
        period = str((doc.get("limits_config") or {}).get("retention_period") or "")
        enabled = (doc.get("compactor") or {}).get("retention_enabled") is True
        if not period or period in ("0", "0s") or not enabled:
            problems.append(
                f"{where} retention_period={period or 'unset'}, compactor.retention_enabled="
                f"{enabled}: logs are never deleted"
            )
        else:
            checked.append(f"{where} retention_period {period} with compactor retention enabled")
    return decide(problems, checked, "no log retention", repo.not_deployed())


def _unreachable(stack: Stack) -> list[str]:
    """promtail clients whose URL names a host the stack does not run."""
    from pytest_biothings_ready.probes.repository.urls import host_of, is_address

    names = {s.name for s in stack.services}
    problems = []
    for promtail in (s for s in stack.services if s.family == "promtail"):
        flags = ("-config.file=", "--config.file=")
        target = next(
            (w.split("=", 1)[1] for w in promtail.command.split() if w.startswith(flags)),
            "/etc/promtail/config.yml",
        )
        doc = _yaml_doc(promtail.mounted(target))
        for client in doc.get("clients") or []:
            url = str(client.get("url") or "") if isinstance(client, Mapping) else ""
            host = host_of(url)
            if host and host not in names and not is_address(host):
                problems.append(
                    f"{promtail.where} promtail ships to {url}, but {stack.file} runs no {host!r}"
                )
    return problems


def _yaml_doc(path: Path | None) -> Mapping[str, Any]:
    if path is None or not path.is_file():
        return {}
    try:
        docs = load_all(path.read_text(encoding="utf-8"))
    except Exception:  # a config that does not parse ships nothing
        return {}
    return docs[0] if docs and isinstance(docs[0], Mapping) else {}


def _loki_config(loki: Service) -> tuple[str, Mapping[str, Any]] | None:
    flags = ("-config.file=", "--config.file=")
    target = next((w.split("=", 1)[1] for w in loki.command.split() if w.startswith(flags)),
                  "/etc/loki/local-config.yaml")  # fmt: skip
    path = loki.mounted(target)
    if path is None or not path.is_file():
        return None
    try:
        docs = load_all(path.read_text(encoding="utf-8"))
    except Exception:  # a config that does not parse keeps nothing either
        return None
    doc = docs[0] if docs and isinstance(docs[0], Mapping) else {}
    return path.name, doc
