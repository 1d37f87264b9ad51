"""Topic markers: what a line is about, beside the area of the section it sits in.

A line under "Load Testing" is ``ready_testing`` by its section; because it is about
load it also carries ``ready_performance``.  Each rule is a marker and a pattern
searched (case-insensitive) in the line's title; every rule that matches adds its
marker, the section's own area marker is never repeated.  docs/governance.md shows
the table and docs/checklist.md lists every item's markers.
"""

from __future__ import annotations

import re

from pytest_biothings_ready.checklist.model import ChecklistItem

__all__ = ["TOPICS", "markers_for", "topic_markers"]

# (marker, human description for the docs, pattern)
TOPICS: tuple[tuple[str, str, str], ...] = (
    (
        "ready_performance",
        "load, stress, p95/p99, latency, response time, caching, CDN, pooling, "
        "performance, memory leaks, garbage collection",
        r"\bload test|\bstress|\bp9[59]\b|\blatenc|response time|\bcach(?:e|ing)\b|\bcdn\b"
        r"|connection pooling|\bperformance\b|memory leak|garbage collection|throughput",
    ),
    (
        "ready_security",
        "TLS, SSL, HTTPS, certificates, CORS, secrets, auth, JWT, API keys, rate limits, "
        "firewall, WAF, DDoS, vulnerabilities, security, encryption, access control, "
        "credentials, permissions, non-root, sensitive data",
        r"\btls\b|\bssl\b|\bhttps\b|certificate|\bcors\b|\bsecrets?\b|\bauth|\bjwt\b"
        r"|api keys?\b|rate limit|firewall|\bwaf\b|ddos|vulnerabilit|security|encryption"
        r"|access control|credential|permission|non-root|sensitive data",
    ),
    (
        "ready_backup",
        "backup, restore, replication, disaster recovery, RTO/RPO",
        r"\bbackups?\b|\brestor(?:e|ing)\b|replication|disaster recovery|\brto\b|\brpo\b",
    ),
    (
        "ready_monitoring",
        "alerts, metrics, logs, dashboards, tracing, monitoring, Prometheus, Grafana, "
        "OpenTelemetry, error rates, uptime",
        r"\balert|\bmetrics?\b|\blog(?:s|ging)?\b|dashboard|tracing|\bmonitor"
        r"|prometheus|grafana|opentelemetry|jaeger|instrumented|error rates?\b|\buptime\b",
    ),
    (
        "ready_deployment",
        "rollback, migrations, blue-green or rolling deployments",
        r"rollback|migration|blue-green|rolling deployment",
    ),
    (
        "ready_cost",
        "cost, budget, spot instances",
        r"\bcosts?\b|budget|spot instance",
    ),
)

_COMPILED = tuple((marker, re.compile(pattern, re.IGNORECASE)) for marker, _, pattern in TOPICS)


def topic_markers(item: ChecklistItem) -> tuple[str, ...]:
    """The topic markers of ``item`` other than its area marker, in table order.

    Approval lines (area ``signoff``) name roles, not topics: they carry none.
    """
    if item.area == "signoff":
        return ()
    return tuple(
        marker
        for marker, pattern in _COMPILED
        if marker != item.marker and pattern.search(item.title)
    )


def markers_for(item: ChecklistItem) -> tuple[str, ...]:
    """Every area and topic marker of ``item``: its area marker first."""
    return (item.marker, *topic_markers(item))
