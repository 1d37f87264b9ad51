"""Prometheus: scrape targets and the service job, alert rules and rule files, firing alerts,
runbook links. Importing it registers their gatherers and checks."""

from __future__ import annotations

from pytest_biothings_ready.probes.observability.prometheus import (
    runbooks,  # noqa: F401
    targets,  # noqa: F401
)
