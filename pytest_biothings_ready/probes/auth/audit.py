"""*Audit logging implemented*, live: the auth probe's login reaches the log store.

The ``audit-log`` gatherer reuses the ``auth`` gatherer's login (it never logs in
again) and polls the log store (Loki ``monitoring.loki_url`` with
``monitoring.loki_query``, or Elasticsearch ``monitoring.elasticsearch_url`` with
``monitoring.elasticsearch_index``; ``auth.audit_loki_query`` and ``auth.audit_index``
override them for a separate audit stream) for up to ``auth.audit_wait_s`` seconds for an
audit event of that login: a line dated at or after the login started that names the
login user (``auth.username``) or whose JSON ``event``/``action``/``type`` field is a
login word (``login``, ``auth``, ``session_created``, ...).  A bare access-log line
(``POST /api/login 200``) is not an audit event: it names neither.  Without a login or
a log store the check abstains, so the repository check of the line decides.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pytest_biothings_ready.config.schema import Key, register
from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.query import ELASTICSEARCH, LOKI, get_json
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.evidence.store import ABSTAIN
from pytest_biothings_ready.evidence.transport import sanitize
from pytest_biothings_ready.model import Status, Verdict
from pytest_biothings_ready.probes.auth.results import AuthReport

__all__ = ["AuditSearch", "audit_logging_implemented", "gather_audit_log", "is_audit_event"]

register(
    Key(
        "auth.audit_wait_s",
        "float",
        "How long the login's audit event may take to reach the log store.",
        10.0,
        family="auth",
    ),
    Key(
        "auth.audit_loki_query",
        "str",
        "LogQL selector of the audit log (default: monitoring.loki_query).",
        family="auth",
    ),
    Key(
        "auth.audit_index",
        "str",
        "Elasticsearch index of the audit log (default: monitoring.elasticsearch_index).",
        family="auth",
    ),
)

EVENT_FIELDS = ("event", "action", "type", "event.action", "event_type")
LOGIN_WORDS = re.compile(
    r"^(log[_ -]?in|login_(success|succeeded|ok)|user[_.]login|auth\w*|session[_.]created"
    r"|sign[_-]?in|signed[_-]?in)$",
    re.IGNORECASE,
)
POLL_S = 0.5
PAGE = 1000


@dataclass(frozen=True)
class AuditSearch:
    """What the log store held after the login.

    Attributes:
        where: the store and query that were searched.
        found: the first matching line (sanitized, shortened), else None.
        lines_seen: lines dated after the login that were looked at.
        waited_s: how long the search took.
    """

    where: str
    found: str | None
    lines_seen: int
    waited_s: float


def _field(doc: dict[str, Any], dotted: str) -> Any:
    if dotted in doc:
        return doc[dotted]
    value: Any = doc
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def is_audit_event(line: str | dict[str, Any], username: str | None) -> bool:
    """The line names ``username`` (as a word) or has a login-word event field."""
    text = line if isinstance(line, str) else json.dumps(line)
    if username and re.search(rf"(?<![\w.@-]){re.escape(username)}(?![\w@-])", text):
        return True
    doc: Any = line
    if isinstance(line, str):
        try:
            doc = json.loads(line)
        except ValueError:
            return False
    if not isinstance(doc, dict):
        return False
    return any(
        isinstance(v, str) and LOGIN_WORDS.match(v)
        for v in (_field(doc, name) for name in EVENT_FIELDS)
    )


def _loki_lines(ctx: Context, query: str, since: float) -> list[str]:
    body = get_json(
        ctx.env,
        LOKI,
        "/loki/api/v1/query_range",
        query=query,
        limit=PAGE,
        direction="forward",
        start=int(since * 1e9),
        end=int((time.time() + 60) * 1e9),
    )
    streams = (body or {}).get("data", {}).get("result") or []
    return [
        str(v[1])
        for s in streams
        for v in s.get("values") or []
        if int(v[0]) >= int(since * 1e9)  # a store ignoring `start` cannot pass old lines
    ]


def _stamp(source: dict[str, Any]) -> float | None:
    raw = source.get("@timestamp") or source.get("timestamp")
    try:
        return datetime.fromisoformat(str(raw).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _elastic_lines(ctx: Context, index: str, since: float) -> list[dict[str, Any]]:
    found = get_json(
        ctx.env,
        ELASTICSEARCH,
        f"/{index}/_search",
        size=PAGE,
        sort="@timestamp:asc",
        q=f"@timestamp:[{int(since * 1000)} TO *]",  # epoch_millis: a default date format
    )
    hits = ((found or {}).get("hits") or {}).get("hits") or []
    sources = [h.get("_source") or {} for h in hits]
    return [s for s in sources if (_stamp(s) or 0.0) >= since]


def _reader(ctx: Context, since: float) -> tuple[str, Any]:
    if url := ctx.env.get(LOKI.url_key):
        query = ctx.env.get("auth.audit_loki_query") or ctx.env.get("monitoring.loki_query")
        if not query:
            raise NotConfigured(
                "auth.audit_loki_query", ctx.env.name, "or monitoring.loki_query: a LogQL selector"
            )
        return f"Loki at {url} ({query})", lambda: _loki_lines(ctx, str(query), since)
    if url := ctx.env.get(ELASTICSEARCH.url_key):
        index = str(
            ctx.env.get("auth.audit_index") or ctx.env.get("monitoring.elasticsearch_index")
        )
        return f"Elasticsearch at {url} (/{index})", lambda: _elastic_lines(ctx, index, since)
    raise NotConfigured("monitoring.loki_url", ctx.env.name, "or monitoring.elasticsearch_url")


@gatherer("audit-log")
def gather_audit_log(ctx: Context) -> AuditSearch:
    """Wait (bounded) for the auth probe's login to appear in the log store."""
    if not ctx.env.get("monitoring.loki_url") and not ctx.env.get("monitoring.elasticsearch_url"):
        raise NotConfigured("monitoring.loki_url", ctx.env.name, "or monitoring.elasticsearch_url")
    entered = time.monotonic()
    report: AuthReport = ctx.evidence("auth")
    if report.login_started is None:
        raise NotConfigured("auth.login_path", ctx.env.name, "a login whose audit event to find")
    where, read = _reader(ctx, report.login_started)
    username = ctx.env.get("auth.username")
    began = time.monotonic()
    # stay inside the store's budget (a wait past it would become a timeout error)
    room = ctx.budget - ctx.timeout - (began - entered)
    wait = max(0.0, min(float(ctx.env.get("auth.audit_wait_s")), room))
    while True:
        lines = read()
        match = next((x for x in lines if is_audit_event(x, username and str(username))), None)
        waited = time.monotonic() - began
        if match is not None or waited >= wait:
            shown = None if match is None else _shown(match)
            return AuditSearch(where, shown, len(lines), waited)
        time.sleep(min(POLL_S, max(0.0, wait - waited)))


def _shown(match: str | dict[str, Any]) -> str:
    text = match if isinstance(match, str) else json.dumps(match)
    return sanitize(text)[:160]


@check("Audit logging implemented", uses=("audit-log",))
def audit_logging_implemented(ctx: Context) -> Verdict:
    """The auth probe's login produced an audit line in the log store within the wait."""
    try:
        search: AuditSearch = ctx.evidence("audit-log")
    except NotConfigured as exc:
        return Verdict(Status.UNVERIFIED, f"{ABSTAIN}no live audit probe ({exc})")
    if search.found is None:
        return Verdict.failed(
            f"no audit event of the probe's login in {search.where} within "
            f"{search.waited_s:.1f} s ({search.lines_seen} lines after the login, none naming "
            "the login user or a login event)"
        )
    return Verdict.passed(
        f"the probe's login appeared in {search.where} after {search.waited_s:.1f} s: "
        f"{search.found}"
    )
