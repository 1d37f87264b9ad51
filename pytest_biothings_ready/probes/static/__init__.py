"""Static checks: what the deployment repository says, before anything runs.

Gatherers parse each kind of artifact once per session (``manifests``,
``dockerfiles``, ``compose``, ``nginx``, ``scan-reports``, ``secrets-scan``); the
check modules decide checklist lines from them with evidence quoting file and line.
Heavy parsers (PyYAML, dockerfile-parse, detect-secrets, crossplane) are imported
inside the functions that use them.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.static import (  # noqa: F401  (registration)
    compose,
    dockerfiles,
    health,
    manifests,
    network,
    nginx,
    reports,
    resources,
    rollout,
    scaling,
    scanning,
    secrets,
    secretscan,
    security,
    settings,
    storage,
)

__all__: list[str] = []
