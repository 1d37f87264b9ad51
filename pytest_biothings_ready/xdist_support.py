"""pytest-xdist support: a scheduler that keeps a readiness run on one worker.

Imported only from xdist's scheduler hook, so xdist stays optional.
"""

from __future__ import annotations

from typing import Any

from xdist.scheduler import LoadScopeScheduling

__all__ = ["single_worker_scheduler"]

SCOPE = "biothings-ready"


class _OneScope(LoadScopeScheduling):  # type: ignore[misc]
    """Every test in one scope: one worker runs them in collection order."""

    def _split_scope(self, nodeid: str) -> str:
        return SCOPE


def single_worker_scheduler(config: Any, log: Any) -> Any:
    """The scheduler for a --ready-env run under xdist."""
    return _OneScope(config, log)
