"""The paths an environment names: what probes that must not trust one path ask."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["known_paths"]


def known_paths(env: Environment, *extra: Any) -> list[str]:
    """Every path the environment names, deduplicated, in a stable order.

    ``/``, ``health_path``, ``extra``, the smoke requests', the journeys' steps'
    (those with a ``{{name}}`` placeholder are skipped: their value exists only
    inside a journey) and ``caching.paths``.
    """
    paths: list[Any] = ["/", env.get("health_path"), *extra]
    paths += [step.get("path") for step in env.get("smoke") or [] if isinstance(step, dict)]
    for journey in env.get("journey") or []:
        steps = journey.get("steps") if isinstance(journey, dict) else None
        paths += [s.get("path") for s in steps or [] if isinstance(s, dict)]
    paths += list(env.get("caching.paths") or [])
    found = ("/" + str(p).lstrip("/") for p in paths if isinstance(p, str) and p)
    return list(dict.fromkeys(p for p in found if "{{" not in p))
