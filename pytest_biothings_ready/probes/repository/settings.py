"""Settings read by the repository family (declared at import time, no heavy imports)."""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

register(
    Key(
        "repository.validate",
        "bool",
        "Load reached nginx/Prometheus configs with nginx -t and promtool before passing.",
        True,
        family="repository",
    ),
)
