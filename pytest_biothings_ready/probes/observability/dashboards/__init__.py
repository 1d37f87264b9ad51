"""Grafana dashboards: live or provisioned files, and whether their panels query real metrics."""

from __future__ import annotations

from pytest_biothings_ready.probes.observability.dashboards import (
    checks,  # noqa: F401
)
