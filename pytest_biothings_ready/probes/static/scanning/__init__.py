"""Scanner reports (Trivy, Grype, pip-audit, SARIF) read as the scanners mean them."""

from __future__ import annotations

from pytest_biothings_ready.probes.static.scanning import (  # noqa: F401  (registration)
    checks,
    reports,
)

__all__: list[str] = []
