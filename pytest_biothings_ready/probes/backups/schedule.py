"""Find the scheduled integrity checks in the deployment's manifests (CronJobs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import NotConfigured

if TYPE_CHECKING:
    from pytest_biothings_ready.evidence.registry import Context

__all__ = ["check_schedules"]


def _words(container: Any) -> list[str]:
    spec = container.spec
    parts = [str(spec.get("image", ""))]
    for field in ("command", "args"):
        value = spec.get(field) or []
        parts += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return " ".join(parts).replace("/", " ").split()


def check_schedules(ctx: Context, tools: list[str]) -> tuple[list[str], list[str]]:
    """CronJobs running ``<tool> check`` (as found, with schedule) and the tools without one.

    A container counts when its image or command names the tool and its command or
    args contain ``check``; a suspended CronJob does not count.  Needs ``manifests``;
    without it the line is unverified.
    """
    if not ctx.env.get("manifests"):
        raise NotConfigured("manifests", ctx.env.name, "the CronJob that runs the backup check")
    kube = ctx.evidence("manifests")
    found: list[str] = []
    covered: set[str] = set()
    for item in kube.workloads(frozenset({"CronJob"})):
        spec = item.manifest.body.get("spec") or {}
        if spec.get("suspend") is True:
            continue  # a suspended CronJob schedules nothing
        schedule = spec.get("schedule")
        for container in item.containers():
            words = _words(container)
            for tool in tools:
                if any(tool in w for w in words) and "check" in words:
                    covered.add(tool)
                    found.append(f"{item.manifest.ref} at {item.manifest.at()} ({schedule!r})")
    return list(dict.fromkeys(found)), [t for t in tools if t not in covered]
