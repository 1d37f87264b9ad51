"""Repository mode: static decisions for lines that are live-only today (SPEC "Repository mode").

The ``repository`` gatherer reads the deployed compose stacks, the nginx each runs
(loaded with ``nginx -t``) and the application code each service is built from; the
check modules fail what is missing or broken on the deploy path and pass a complete,
validated configuration as "configured, not observed live".
"""

from __future__ import annotations

from pytest_biothings_ready.probes.repository import (  # noqa: F401  (registration)
    checks,
    composescale,
    consistency,
    grafana,
    monitorchecks,
    observe,
    paaschecks,
    paasthresholds,
    portcheck,
    settings,
    stackchecks,
    tlschecks,
    tracecheck,
)

__all__: list[str] = []
