"""Observability and SLOs: metrics, Prometheus, Alertmanager, KPIs, logs, tracing.

Importing this package registers the family's settings, gatherers and checks; each
submodule keeps httpx, yaml and prometheus-client imports inside its functions.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.observability import (
    alerting,  # noqa: F401
    dashboards,  # noqa: F401
    kpi,  # noqa: F401
    logs,  # noqa: F401
    logstore,  # noqa: F401
    metrics,  # noqa: F401
    prometheus,  # noqa: F401
    runbooks,  # noqa: F401
    settings,  # noqa: F401  (first)
    slo,  # noqa: F401
    testalert,  # noqa: F401
    tracing,  # noqa: F401
)
