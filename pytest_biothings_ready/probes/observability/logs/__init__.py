"""Logs: structured logging of the service and the log store that keeps them."""

from __future__ import annotations

from pytest_biothings_ready.probes.observability.logs import (
    checks,  # noqa: F401
    store,  # noqa: F401
)
