"""Which lines the repository can answer, and the wording of an absent live target.

A line is *static* (``ready_static``) when at least one of its checks reads the
repository: a gatherer it uses is a repository gatherer (the static family, the deploy
graph, the offline monitoring files), or, using none, it lives in a repository family.
Live lines in an environment that names no live target at all are unverified with
:data:`NO_LIVE_TARGET`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pytest_biothings_ready.model import Status

if TYPE_CHECKING:
    from pytest_biothings_ready.checklist.model import ChecklistItem
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.evidence.registry import Check
    from pytest_biothings_ready.model import Verdict

__all__ = [
    "NO_LIVE_TARGET",
    "REPOSITORY_GATHERERS",
    "REPOSITORY_PACKAGES",
    "is_static_check",
    "is_static_item",
    "no_live_target",
    "untargeted",
]

NO_LIVE_TARGET = "no live target in this environment"

# Families whose gatherers read only the repository (module prefixes).
REPOSITORY_PACKAGES: tuple[str, ...] = (
    "pytest_biothings_ready.probes.static",
    "pytest_biothings_ready.probes.deploy",
    "pytest_biothings_ready.probes.repository",
)
# Gatherers of other families that answer from repository files (the documentation,
# offline monitoring files when those are named).
REPOSITORY_GATHERERS = frozenset({"rule-files", "alertmanager-config", "dashboards", "documents"})


def _is_repository_gatherer(name: str) -> bool:
    from pytest_biothings_ready.evidence.registry import gatherers

    known = gatherers().get(name)
    if known is None:
        return False
    return name in REPOSITORY_GATHERERS or known.func.__module__.startswith(REPOSITORY_PACKAGES)


def is_static_check(check: Check) -> bool:
    """Whether ``check`` reads the repository (it may read live evidence as well)."""
    if check.uses:
        return any(_is_repository_gatherer(name) for name in check.uses)
    return check.name.startswith(REPOSITORY_PACKAGES)


def is_static_item(item: ChecklistItem) -> bool:
    """Whether the repository can answer ``item`` (one of its checks is static)."""
    from pytest_biothings_ready.evidence.registry import checks_for

    return any(is_static_check(check) for check in checks_for(item))


_NEEDS = re.compile(r"^needs `([\w.]+)`")


def untargeted(verdict: Verdict) -> bool:
    """Whether ``verdict`` is unverified only because its live target is not configured."""
    if verdict.status is not Status.UNVERIFIED:
        return False
    if verdict.evidence.startswith(NO_LIVE_TARGET):
        return True
    match = _NEEDS.match(verdict.evidence)
    return match is not None and _is_url_key(match.group(1))


def _is_url_key(key: str) -> bool:
    from pytest_biothings_ready.config.schema import lookup

    declared = lookup(key)
    if key == "base_url" or (declared is not None and "url" in (declared.kind, declared.values)):
        return True
    # connection URLs declared as secret strings (``redis_url``, ``database_url``)
    return key.rsplit(".", 1)[-1].endswith("_url")


def no_live_target(env: Environment, key: str) -> bool:
    """Whether a missing ``key`` means this environment has no live target at all.

    True when no URL setting (nor ``hosts``) names a host, and ``key`` is a URL setting.
    An environment with only ``prometheus_url`` has a live target: its lines that need
    ``base_url`` say so plainly.
    """
    return not env.hosts() and _is_url_key(key)
