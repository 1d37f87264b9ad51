"""On-call: whether critical alerts page a person around the clock (Alertmanager routes).

Uses the observability family's Alertmanager evidence; adds no gatherer of its own.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.oncall import checks, settings

__all__ = ["checks", "settings"]
