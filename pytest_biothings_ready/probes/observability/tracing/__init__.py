"""Distributed tracing: trace propagation and the tracing backend."""

from __future__ import annotations

from pytest_biothings_ready.probes.observability.tracing import (
    checks,  # noqa: F401
)
