"""Static checks: what the deployment repository says, before anything runs.

Gatherers parse each kind of artifact once per session (``manifests``,
``dockerfiles``, ``compose``, ``nginx``, ``scan-reports``, ``secrets-scan``); the
sub-packages decide checklist lines from them with evidence quoting file and line:

- ``containers/``: Dockerfiles by stage, compose services, non-root execution;
- ``kubernetes/``: pods, probes, limits, autoscalers, NetworkPolicies, storage;
- ``secrets/``: the secret scan, the allowlist, vault provenance;
- ``scanning/``: scanner reports.

``manifests.py`` stays at the top: other families read its evidence (TLS renewal
reads cert-manager Certificates from it).  Heavy parsers (PyYAML, dockerfile-parse,
detect-secrets, crossplane) are imported inside the functions that use them.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.static import (  # noqa: F401  (registration)
    containers,
    kubernetes,
    manifests,
    nginx,
    scanning,
    secrets,
    settings,
)

__all__: list[str] = []
