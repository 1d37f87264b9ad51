"""The service's metrics endpoint and the stock (runtime-default) metric families."""

from __future__ import annotations

from pytest_biothings_ready.probes.observability.metrics import (
    endpoint,  # noqa: F401
)
