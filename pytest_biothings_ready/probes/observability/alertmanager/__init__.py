"""Alertmanager: config files, routing and escalation, suppression (inhibit and silences),
time intervals, the end-to-end test alert."""

from __future__ import annotations

from pytest_biothings_ready.probes.observability.alertmanager import (
    routing,  # noqa: F401
    testalert,  # noqa: F401
)
