"""Documentation and API: the repository's documents judged by presence, required
sections, working intra-repository links and git history; the served OpenAPI document
judged against the live API."""

from __future__ import annotations

from pytest_biothings_ready.probes.docs import (
    alert_runbooks,
    checks,
    documents,
    gather,
    history,
    history_checks,
    kinds,
    openapi,
    settings,
)

__all__ = [
    "alert_runbooks",
    "checks",
    "documents",
    "gather",
    "history",
    "history_checks",
    "kinds",
    "openapi",
    "settings",
]
