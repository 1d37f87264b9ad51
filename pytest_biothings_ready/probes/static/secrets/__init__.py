"""Secrets: the scan by meaning, the allowlist, and where workloads' secrets come from.

``findings`` (what a finding is, how names and values are recognized) is shared by
``scan`` (the gatherer and line scan), ``structure`` (parsed artifacts) and
``codescan`` (framework schemas in code and config), so none imports another;
``vault`` follows Secrets to their stores; ``checks`` judges the three secret lines.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.static.secrets import (  # noqa: F401  (registration)
    checks,
    scan,
)

__all__: list[str] = []
