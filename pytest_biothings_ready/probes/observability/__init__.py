"""Observability and SLOs: metrics, Prometheus, Alertmanager, KPIs, logs, tracing.

One sub-package per concern (``metrics``, ``prometheus``, ``alertmanager``, ``slo``,
``dashboards``, ``logs``, ``tracing``); the family's keys live in ``settings``. Importing
this package registers the family's settings, gatherers and checks; each module keeps
httpx, yaml and prometheus-client imports inside its functions.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.observability import (
    alertmanager,  # noqa: F401
    dashboards,  # noqa: F401
    logs,  # noqa: F401
    metrics,  # noqa: F401
    prometheus,  # noqa: F401
    settings,  # noqa: F401  (first)
    slo,  # noqa: F401
    tracing,  # noqa: F401
)
