"""Service levels: KPI queries, SLO objectives and their limits."""

from __future__ import annotations

from pytest_biothings_ready.probes.observability.slo import (
    kpi,  # noqa: F401
    limits,  # noqa: F401
    objectives,  # noqa: F401
)
