"""Resource limits: set everywhere with values that limit, and tuned against observed usage."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import (
    Problem,
    listing,
    need_any,
    optional,
    plural,
    verdict,
)
from pytest_biothings_ready.probes.static.containers.compose import ComposeFile, Service
from pytest_biothings_ready.probes.static.kubernetes.values import quantity
from pytest_biothings_ready.probes.static.manifests import Container, ManifestSet

__all__ = ["limits_problems", "resource_limits_set", "resources_tuned"]


@check("Resource limits set (CPU, memory)", uses=("manifests", "compose"))
def resource_limits_set(ctx: Context) -> Verdict:
    """Every container declares positive CPU and memory limits.

    Kubernetes: every container, init containers included, of every workload
    (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, Rollout) has
    ``resources.limits`` for both ``cpu`` and ``memory``, each a positive quantity
    (``0``, ``"0"``, ``0m``, ``0Mi`` are no limit); requests default to the limits.  Compose:
    every service has positive ``deploy.resources.limits`` (cpus and memory) or
    ``cpus`` plus ``mem_limit``.
    """
    problems, seen = limits_problems(ctx)
    return verdict(problems, "missing limits", f"CPU and memory limits set on {seen}.")


def limits_problems(ctx: Context) -> tuple[list[Problem], str]:
    """Containers and services lacking requests/limits, and what was looked at."""
    need_any(ctx.env, "manifests", "compose_files")
    kube: ManifestSet | None = optional(ctx, "manifests", "manifests")
    compose: tuple[ComposeFile, ...] = optional(ctx, "compose", "compose_files") or ()
    containers = list(kube.containers(init=True)) if kube else []
    services = [s for f in compose for s in f.services]
    problems = [p for c in containers if (p := _container_gap(c))]
    problems += [p for s in services if (p := _service_gap(s))]
    seen = (
        f"{plural(len(containers), 'Kubernetes container')} and "
        f"{plural(len(services), 'compose service')}"
    )
    if not containers and not services:
        problems.append(
            Problem(
                (ctx.env.get("manifests") and "manifests") or "compose_files",
                "name no workload container or service",
            )
        )
    return problems, seen


def _container_gap(container: Container) -> Problem | None:
    resources = container.spec.get("resources")
    resources = resources if isinstance(resources, Mapping) else {}
    missing, zero = [], []
    for res in ("cpu", "memory"):
        value = _field(resources.get("limits"), res)
        if value is None or value == "":
            missing.append(f"limits.{res}")
        elif not _positive(value):
            zero.append(f"limits.{res}={value!r}")
    if not missing and not zero:
        return None
    where = container.at("resources" if resources else "")
    parts = [f"lacks {', '.join(missing)}"] * bool(missing)
    parts += [f"sets {', '.join(zero)} (zero is no limit)"] * bool(zero)
    return Problem(where, f"{container.label} {' and '.join(parts)}")


def _positive(value: Any) -> bool:
    number = quantity(value)
    return number is not None and number > 0


def _field(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, Mapping) else None


def _service_gap(service: Service) -> Problem | None:
    limits = service.get("deploy", "resources", "limits")
    cpu = _first(_field(limits, "cpus"), service.get("cpus"), service.get("cpu_quota"))
    memory = _first(_field(limits, "memory"), service.get("mem_limit"))
    missing = [
        name for name, value in (("cpu", cpu), ("memory", memory)) if not _compose_positive(value)
    ]
    if not missing:
        return None
    return Problem(service.at(), f"service {service.name} has no {' or '.join(missing)} limit")


def _compose_positive(value: Any) -> bool:
    """A positive compose size or CPU count (``1g``, ``256M``, ``"0.5"``; ``0``/``0m`` are not)."""
    if isinstance(value, bool) or value is None:
        return False
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([kmgt]?i?b?)?\s*", str(value), re.IGNORECASE)
    return match is not None and float(match.group(1)) > 0


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None and v != ""), None)


@check("Container resource requests/limits tuned", uses=("manifests", "compose"))
def resources_tuned(ctx: Context) -> Verdict:
    """Limits are set and observed peak usage stays between 10% and 90% of them.

    First the same rule as "Resource limits set".  Then, for each Kubernetes
    container, the peak memory working set and peak CPU rate over ``usage_window``
    are read from ``prometheus_url`` (cAdvisor metrics); a peak above 90% of the limit
    (throttling/OOM risk) or below 10% (waste) fails, a container without usage data
    is unverified.  Without ``prometheus_url`` the item is unverified.
    """
    problems, seen = limits_problems(ctx)
    if problems:
        return Verdict.failed(f"cannot be tuned, limits are missing: {listing(problems)}.")
    if not ctx.env.get("prometheus_url"):
        raise NotConfigured(
            "prometheus_url",
            ctx.env.name,
            f"limits are set on {seen}; comparing them with observed "
            "usage needs the Prometheus HTTP API",
        )
    kube: ManifestSet | None = optional(ctx, "manifests", "manifests")
    if kube is None:
        return Verdict.unverified(
            f"limits set on {seen}; usage is compared only for "
            "Kubernetes containers (name `manifests`)"
        )
    from pytest_biothings_ready.probes.static.kubernetes.usage import compare_usage

    return compare_usage(ctx, list(kube.containers()))
