"""Which lines the repository can answer, and the wording of an absent live target.

A line is *static* (``ready_static``) when at least one of its checks reads the
repository: a gatherer it uses is a repository gatherer (the static family, the deploy
graph, the offline monitoring files), or, using none, it lives in a repository family.
Live lines in an environment without ``base_url`` are unverified with
:data:`NO_LIVE_TARGET`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_biothings_ready.checklist.model import ChecklistItem
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.evidence.registry import Check

__all__ = [
    "NO_LIVE_TARGET",
    "REPOSITORY_GATHERERS",
    "REPOSITORY_PACKAGES",
    "is_static_check",
    "is_static_item",
    "no_live_target",
]

NO_LIVE_TARGET = "no live target in this environment"

# Families whose gatherers read only the repository (module prefixes).
REPOSITORY_PACKAGES: tuple[str, ...] = (
    "pytest_biothings_ready.probes.static",
    "pytest_biothings_ready.probes.deploy",
    "pytest_biothings_ready.probes.repository",
)
# Gatherers of live families that answer from repository files when those are named.
REPOSITORY_GATHERERS = frozenset({"rule-files", "alertmanager-config", "dashboards"})


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


def no_live_target(env: Environment, key: str) -> bool:
    """Whether a missing ``key`` means this environment has no live target at all.

    True when ``base_url`` is absent and ``key`` is ``base_url`` or another URL setting.
    """
    from pytest_biothings_ready.config.schema import lookup

    if env.get("base_url"):
        return False
    declared = lookup(key)
    return key == "base_url" or (declared is not None and "url" in (declared.kind, declared.values))
