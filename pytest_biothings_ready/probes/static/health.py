"""Health checks on images, services and pods; load balancers that use them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import (
    Problem,
    dig,
    need_any,
    optional,
    plural,
    verdict,
)
from pytest_biothings_ready.probes.static.compose import ComposeFile
from pytest_biothings_ready.probes.static.dockerfiles import Dockerfile
from pytest_biothings_ready.probes.static.manifests import (
    Container,
    Manifest,
    ManifestSet,
    Workload,
)

__all__ = ["health_checks_configured", "load_balancer_health_checks", "selected_workloads"]

LONG_RUNNING = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout", "Pod"})


def serving_containers(kube: ManifestSet) -> list[Container]:
    """Containers that serve: those declaring ports (all long-running ones if none do)."""
    running = [c for w in kube.workloads(LONG_RUNNING) for c in w.containers()]
    with_ports = [c for c in running if c.spec.get("ports")]
    return with_ports or running


@check("Health checks configured", uses=("dockerfiles", "manifests", "compose"))
def health_checks_configured(ctx: Context) -> Verdict:
    """Every serving container has readiness and liveness checks.

    Kubernetes: every serving container (one that declares ``ports``) of a long-running
    workload has a ``readinessProbe`` and a ``livenessProbe``.  Compose: every service
    has a ``healthcheck`` that is not disabled.  Dockerfiles: the final stage has a
    ``HEALTHCHECK`` (not ``NONE``); required only when no manifests are named, since
    Kubernetes ignores ``HEALTHCHECK``.
    """
    need_any(ctx.env, "manifests", "compose_files", "dockerfiles")
    kube: ManifestSet | None = optional(ctx, "manifests", "manifests")
    compose: tuple[ComposeFile, ...] = optional(ctx, "compose", "compose_files") or ()
    docker: tuple[Dockerfile, ...] = optional(ctx, "dockerfiles", "dockerfiles") or ()
    containers = serving_containers(kube) if kube else []
    problems = [p for c in containers for p in _probe_gaps(c, ("readinessProbe", "livenessProbe"))]
    problems += [p for f in compose for p in _compose_gaps(f)]
    if kube is None:
        problems += [p for d in docker if (p := _healthcheck_gap(d))]
    if kube is not None and not containers:
        problems.append(Problem("manifests", "declare no long-running container"))
    seen = [
        plural(len(containers), "serving container"),
        plural(sum(len(f.services) for f in compose), "compose service"),
    ]
    if kube is None:
        seen.append(plural(len(docker), "Dockerfile"))
    return verdict(
        problems,
        "health checks missing",
        f"Health checks on {', '.join(seen)}: readiness and liveness probes, "
        "compose healthchecks, image HEALTHCHECKs as applicable.",
    )


def _probe_gaps(container: Container, probes: tuple[str, ...]) -> list[Problem]:
    missing = [p for p in probes if not isinstance(container.spec.get(p), Mapping)]
    if not missing:
        return []
    return [Problem(container.at(), f"{container.label} has no {' or '.join(missing)}")]


def _compose_gaps(compose: ComposeFile) -> list[Problem]:
    problems = []
    for service in compose.services:
        check_ = service.get("healthcheck")
        test = check_.get("test") if isinstance(check_, Mapping) else None
        disabled = isinstance(check_, Mapping) and (
            check_.get("disable") is True or test in (["NONE"], "NONE")
        )
        if not isinstance(check_, Mapping) or disabled:
            what = "disables its healthcheck" if disabled else "has no healthcheck"
            problems.append(Problem(service.at("healthcheck"), f"service {service.name} {what}"))
    return problems


def _healthcheck_gap(dockerfile: Dockerfile) -> Problem | None:
    found = dockerfile.final.last("HEALTHCHECK")
    if found is None:
        return Problem(
            f"{dockerfile.file}:{dockerfile.final.line}", "final stage has no HEALTHCHECK"
        )
    if found.value.strip().upper() == "NONE":
        return Problem(f"{dockerfile.file}:{found.line}", "HEALTHCHECK NONE disables it")
    return None


def selected_workloads(kube: ManifestSet, service: Manifest) -> list[Workload]:
    """Long-running workloads in the Service's namespace whose pods match its selector."""
    selector = dig(service.body, "spec", "selector") or {}
    return [
        w for w in kube.matching(service.namespace, selector) if w.manifest.kind in LONG_RUNNING
    ]


def _load_balanced(kube: ManifestSet) -> list[Manifest]:
    """Services that balance across pods: with a selector, not headless."""
    return [
        s
        for s in kube.of("Service")
        if dig(s.body, "spec", "selector") and dig(s.body, "spec", "clusterIP") != "None"
    ]


@check("Load balancer configured with health checks", uses=("manifests",))
def load_balancer_health_checks(ctx: Context) -> Verdict:
    """Every load-balancing Service sends traffic only to pods with readiness probes.

    Each Service with a selector (headless ones excepted) selects at least one
    workload in the manifests, and every serving container of the selected pods has a
    ``readinessProbe``, so endpoints leave the pool when unhealthy.  Health-check
    annotations on Ingresses/Services and GKE BackendConfigs are quoted as evidence.
    """
    if not ctx.env.get("manifests"):
        raise NotConfigured("manifests", ctx.env.name, "load balancing is read from Services")
    kube: ManifestSet = ctx.evidence("manifests")
    services = _load_balanced(kube)
    problems = [p for s in services for p in _service_gaps(kube, s)]
    if not services:
        problems.append(Problem("manifests", "contain no Service with a selector"))
    notes = _health_annotations(kube)
    extra = f" Health-check settings: {'; '.join(notes)}." if notes else ""
    return verdict(
        problems,
        "load balancing without health checks",
        f"Load balancing gated by readiness: {plural(len(services), 'Service')} select only "
        f"pods with readiness probes.{extra}",
    )


def _service_gaps(kube: ManifestSet, service: Manifest) -> list[Problem]:
    targets = selected_workloads(kube, service)
    if not targets:
        return [Problem(service.at(), f"{service.ref} selects no workload in the manifests")]
    problems = []
    for target in targets:
        for container in target.containers():
            if not isinstance(container.spec.get("readinessProbe"), Mapping):
                problems.append(
                    Problem(
                        container.at(),
                        f"{service.ref} routes to {container.label} without readinessProbe",
                    )
                )
    return problems


def _health_annotations(kube: ManifestSet) -> list[str]:
    notes = []
    for obj in kube.of("Ingress", "Service"):
        annotations: Any = dig(obj.body, "metadata", "annotations") or {}
        notes += [
            f"{obj.ref} {k}={v}"
            for k, v in annotations.items()
            if "healthcheck" in k.replace("-", "").lower()
        ]
    notes += [
        f"{b.ref} healthCheck {b.at()}"
        for b in kube.of("BackendConfig")
        if dig(b.body, "spec", "healthCheck")
    ]
    return notes
