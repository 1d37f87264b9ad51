"""Log aggregation backends: Loki (``monitoring.loki_url``) or Elasticsearch/OpenSearch
(``monitoring.elasticsearch_url``), through their documented HTTP APIs.

Lines decided:

- Log aggregation configured (ELK/Loki): the backend is ready (Loki ``/ready``;
  Elasticsearch ``/_cluster/health`` green or yellow).
- Log aggregation working: the backend returns a line of the service from the last
  hour (Loki ``query_range`` with ``monitoring.loki_query``; Elasticsearch newest
  document of ``monitoring.elasticsearch_index``).
- Log retention policies set: Loki's ``retention_period`` (from ``/config`` or
  ``monitoring.loki_config``) or an Elasticsearch ILM delete phase is at least
  ``monitoring.log_retention``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.query import (
    ELASTICSEARCH,
    LOKI,
    decode_json,
    duration_seconds,
    get_json,
    request,
)
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.evidence.transport import sanitize
from pytest_biothings_ready.model import Verdict

__all__ = ["LogStore"]

RECENT_S = 3600.0
FUTURE_S = 300.0


@dataclass(frozen=True)
class LogStore:
    """What the log backend showed.

    Attributes:
        kind: ``loki`` or ``elasticsearch``.
        url: its base URL.
        ready: whether it reported ready (and the status it gave).
        status: the readiness answer, e.g. ``ready`` or ``yellow``.
        newest_age_s: age of the service's newest log line (None: none found).
        query: the query that looked for it.
        retention_s: the retention it enforces (None: none found), and where from.
        retention_source: where the retention came from.
    """

    kind: str
    url: str
    ready: bool
    status: str
    newest_age_s: float | None
    query: str
    retention_s: float | None
    retention_source: str


@gatherer("log-store")
def gather_log_store(ctx: Context) -> LogStore:
    """Ask the configured log backend for readiness, a recent line and retention."""
    if loki := ctx.env.get(LOKI.url_key):
        return _loki(ctx, str(loki).rstrip("/"))
    if elastic := ctx.env.get(ELASTICSEARCH.url_key):
        return _elastic(ctx, str(elastic).rstrip("/"))
    raise NotConfigured("monitoring.loki_url", ctx.env.name, "or monitoring.elasticsearch_url")


def _loki(ctx: Context, url: str) -> LogStore:
    ready = request(ctx.env, LOKI, "GET", "/ready")
    status = sanitize(ready.text).strip()[:60] or f"HTTP {ready.status_code}"
    query = str(ctx.env.get("monitoring.loki_query") or "")
    newest = _loki_newest(ctx, url, query) if query else None
    retention, source = _loki_retention(ctx, url)
    return LogStore("loki", url, ready.status_code == 200, status, newest, query, retention, source)


def _loki_newest(ctx: Context, url: str, query: str) -> float | None:
    now = time.time()
    body = get_json(
        ctx.env,
        LOKI,
        "/loki/api/v1/query_range",
        query=query,
        limit=1,
        direction="backward",
        start=int((now - RECENT_S) * 1e9),
        end=int(now * 1e9),
    )
    stamps = [
        int(v[0])
        for s in (body.get("data") or {}).get("result") or []
        for v in s.get("values") or []
    ]
    return now - max(stamps) / 1e9 if stamps else None


def _loki_retention(ctx: Context, url: str) -> tuple[float | None, str]:
    import yaml

    file = ctx.env.get("monitoring.loki_config")
    if file:
        from pytest_biothings_ready.probes.observability.rules import load_yaml

        config, source = load_yaml(ctx.env.path(str(file))), str(file)
    else:
        response = request(ctx.env, LOKI, "GET", "/config")
        if response.status_code >= 300:
            return None, f"{url}/config answered HTTP {response.status_code}"
        try:
            config, source = yaml.safe_load(response.text), f"{url}/config"
        except yaml.YAMLError:
            raise ProbeError(f"{url}/config is not YAML; check `{LOKI.url_key}`") from None
    limits = (config or {}).get("limits_config") or {}
    enabled = ((config or {}).get("compactor") or {}).get("retention_enabled")
    period = str(limits.get("retention_period") or "0s")
    seconds = duration_seconds(period) if period not in ("0", "0s") else 0.0
    if not enabled:
        return None, f"{source}: compactor.retention_enabled is not true"
    return (seconds or None), f"{source}: limits_config.retention_period={period}"


def _elastic(ctx: Context, url: str) -> LogStore:
    health = get_json(ctx.env, ELASTICSEARCH, "/_cluster/health")
    status = str(health.get("status", "unknown"))
    index = str(ctx.env.get("monitoring.elasticsearch_index"))
    # Documents dated in the future (clock skew, fixtures) would hide the real newest.
    found = get_json(
        ctx.env,
        ELASTICSEARCH,
        f"/{index}/_search",
        size=1,
        sort="@timestamp:desc",
        q="@timestamp:[* TO now+5m]",
    )
    hits = (found.get("hits") or {}).get("hits") or []
    stamp = (hits[0].get("_source") or {}).get("@timestamp") if hits else None
    newest = (
        time.time() - datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp()
        if stamp
        else None
    )
    retention, source = _ilm_retention(ctx, url)
    return LogStore(
        "elasticsearch",
        url,
        status in ("green", "yellow"),
        status,
        newest,
        f"{index} newest @timestamp",
        retention,
        source,
    )


def _ilm_retention(ctx: Context, url: str) -> tuple[float | None, str]:
    response = request(ctx.env, ELASTICSEARCH, "GET", "/_ilm/policy")
    if response.status_code >= 300:
        return None, f"{url}/_ilm/policy answered HTTP {response.status_code}"
    ages = []
    for name, policy in (decode_json(ELASTICSEARCH, response) or {}).items():
        delete = ((policy.get("policy") or {}).get("phases") or {}).get("delete")
        if delete and delete.get("min_age"):
            ages.append((duration_seconds(str(delete["min_age"])), name))
    if not ages:
        return None, f"{url}/_ilm/policy: no policy with a delete phase"
    seconds, name = min(ages)
    return seconds, f"{url}/_ilm/policy: {name} deletes after {seconds / 86400:g}d"


@check("Log aggregation configured (ELK/Loki)", uses=("log-store",))
def log_aggregation_configured(ctx: Context) -> Verdict:
    """A Loki or Elasticsearch/OpenSearch log backend is configured and reports ready."""
    store: LogStore = ctx.evidence("log-store")
    if not store.ready:
        return Verdict.failed(f"{store.kind} at {store.url} is not ready ({store.status})")
    return Verdict.passed(f"{store.kind} at {store.url} is ready ({store.status})")


@check("Log aggregation working", uses=("log-store",))
def log_aggregation_working(ctx: Context) -> Verdict:
    """The log backend holds a line of the service from the last hour."""
    store: LogStore = ctx.evidence("log-store")
    if not store.query:
        raise NotConfigured(
            "monitoring.loki_query", ctx.env.name, "a LogQL selector of the service's logs"
        )
    where = f"{store.kind} at {store.url} ({store.query})"
    if store.newest_age_s is None or store.newest_age_s > RECENT_S:
        return Verdict.failed(f"no data for the service in the last hour from {where}")
    if store.newest_age_s < -FUTURE_S:
        raise ProbeError(
            f"{where}: the newest line is dated {-store.newest_age_s:.0f} s in the future, "
            "which hides how recent the real lines are"
        )
    return Verdict.passed(f"{where}: newest line {store.newest_age_s:.0f} s old")


@check("Log retention policies set", uses=("log-store",))
def log_retention_set(ctx: Context) -> Verdict:
    """The log backend deletes logs after a set period of at least ``log_retention``."""
    store: LogStore = ctx.evidence("log-store")
    least = str(ctx.env.get("monitoring.log_retention"))
    if store.retention_s is None:
        return Verdict.failed(f"no retention policy: {store.retention_source}")
    if store.retention_s < duration_seconds(least):
        return Verdict.failed(
            f"retention {store.retention_s / 86400:g}d < required {least} "
            f"({store.retention_source})"
        )
    return Verdict.passed(
        f"retention {store.retention_s / 86400:g}d >= {least} ({store.retention_source})"
    )
