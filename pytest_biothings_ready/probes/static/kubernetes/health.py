"""Health checks on images, services and pods; load balancers that use them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.deploy.paas import paas_decides
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
from pytest_biothings_ready.probes.static.containers.built import built_by_compose, built_image
from pytest_biothings_ready.probes.static.containers.compose import ComposeFile, Service
from pytest_biothings_ready.probes.static.containers.dockerfiles import Dockerfile, Stage
from pytest_biothings_ready.probes.static.containers.stages import chain, effective
from pytest_biothings_ready.probes.static.kubernetes.probes import (
    compose_test_problem,
    declares_port,
    dockerfile_check_problem,
    probe_problem,
)
from pytest_biothings_ready.probes.static.manifests import (
    Container,
    Manifest,
    ManifestSet,
    Workload,
)

__all__ = [
    "backends",
    "health_checks_configured",
    "load_balancer_health_checks",
    "selected_workloads",
    "serving_containers",
]

LONG_RUNNING = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout", "Pod"})


def selected_workloads(kube: ManifestSet, service: Manifest) -> list[Workload]:
    """Long-running workloads in the Service's namespace whose pods match its selector."""
    selector = dig(service.body, "spec", "selector") or {}
    return [
        w for w in kube.matching(service.namespace, selector) if w.manifest.kind in LONG_RUNNING
    ]


def backends(kube: ManifestSet, service: Manifest) -> list[Container]:
    """The containers a Service sends traffic to, whatever they declare.

    A ``targetPort`` (default: ``port``) a container declares routes to that container;
    one no container of the pod declares may reach any of them, so all count.
    """
    ports = [p for p in dig(service.body, "spec", "ports") or [] if isinstance(p, Mapping)]
    targets = [p.get("targetPort", p.get("port")) for p in ports] or [None]
    found: dict[tuple[int, int], Container] = {}
    for item in selected_workloads(kube, service):
        containers = item.containers()
        for target in targets:
            owners = [c for c in containers if target is not None and declares_port(c.spec, target)]
            found.update({(id(c.workload), id(c.spec)): c for c in owners or containers})
    return list(found.values())


def _load_balanced(kube: ManifestSet) -> list[Manifest]:
    """Services that balance across pods: with a selector, not headless."""
    return [
        s
        for s in kube.of("Service")
        if dig(s.body, "spec", "selector") and dig(s.body, "spec", "clusterIP") != "None"
    ]


def serving_containers(kube: ManifestSet) -> list[Container]:
    """Containers that serve: those declaring ports and every Service backend.

    With no port and no Service anywhere, every long-running container counts.
    """
    running = [c for w in kube.workloads(LONG_RUNNING) for c in w.containers()]
    found = {(id(c.workload), id(c.spec)): c for c in running if c.spec.get("ports")}
    for service in kube.of("Service"):
        found.update({(id(c.workload), id(c.spec)): c for c in backends(kube, service)})
    return list(found.values()) or running


@check("Health checks configured", uses=("dockerfiles", "manifests", "compose"))
def health_checks_configured(ctx: Context) -> Verdict:
    """Every serving container has readiness and liveness checks that can fail.

    Kubernetes: every serving container (declaring ``ports``, or a Service's backend
    whatever it declares) of a long-running workload has a ``readinessProbe`` and a
    ``livenessProbe`` with a handler that can fail (not ``{}``, exec ``true``/``exit
    0``/``... || true``) on a port the container declares.  Compose: every service has a
    ``healthcheck`` with such a ``test`` (or inherits its built image's HEALTHCHECK).
    Dockerfiles: the image's effective ``HEALTHCHECK`` (inherited through ``FROM
    stage``), required only when no manifests are named (Kubernetes ignores it).
    """
    if skip := paas_decides(ctx, "manifests", "compose_files", "dockerfiles"):
        return skip
    need_any(ctx.env, "manifests", "compose_files", "dockerfiles")
    kube: ManifestSet | None = optional(ctx, "manifests", "manifests")
    compose: tuple[ComposeFile, ...] = optional(ctx, "compose", "compose_files") or ()
    docker: tuple[Dockerfile, ...] = optional(ctx, "dockerfiles", "dockerfiles") or ()
    containers = serving_containers(kube) if kube else []
    problems = [p for c in containers if (p := _probe_gaps(c, ("readinessProbe", "livenessProbe")))]
    problems += [p for f in compose for s in f.services if (p := _compose_gap(ctx, f, s))]
    if kube is None:
        composed = built_by_compose(ctx, compose)  # judged per service, by its stage
        problems += [
            p
            for d in docker
            if d.file not in composed
            if (p := _image_gap(d, chain(d) or [d.final]))
        ]
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
        f"Health checks on {', '.join(seen)}: readiness and liveness probes that can fail "
        "on declared ports, compose healthchecks, image HEALTHCHECKs as applicable.",
    )


def _probe_gaps(container: Container, probes: tuple[str, ...]) -> Problem | None:
    reasons = [r for p in probes if (r := probe_problem(container, p))]
    if not reasons:
        return None
    absent = [r for r in reasons if r.startswith("no ")]
    if len(absent) == len(reasons):
        return Problem(
            container.at(), f"{container.label} has no {' or '.join(r[3:] for r in absent)}"
        )
    return Problem(container.at(), f"{container.label}: {'; '.join(reasons)}")


def _compose_gap(ctx: Context, compose: ComposeFile, service: Service) -> Problem | None:
    check_ = service.get("healthcheck")
    label = f"service {service.name}"
    if isinstance(check_, Mapping) and str(check_.get("disable")).lower() == "true":
        return Problem(service.at("healthcheck"), f"{label} disables its healthcheck")
    if isinstance(check_, Mapping) and "test" in check_:
        reason = compose_test_problem(check_.get("test"))
        return Problem(service.at("healthcheck"), f"{label} {reason}") if reason else None
    built = built_image(ctx, compose, service)
    if (
        built is not None
        and built.dockerfile is not None
        and built.stages
        and _image_gap(built.dockerfile, built.stages) is None
    ):
        return None  # compose runs the image's own HEALTHCHECK
    what = "healthcheck has no test" if isinstance(check_, Mapping) else "has no healthcheck"
    return Problem(service.at("healthcheck"), f"{label} {what}")


def _image_gap(dockerfile: Dockerfile, stages: list[Stage]) -> Problem | None:
    found = effective(stages, "HEALTHCHECK")
    if found is None:
        return Problem(f"{dockerfile.file}:{stages[0].line}", "final stage has no HEALTHCHECK")
    reason = dockerfile_check_problem(found.value)
    return Problem(f"{dockerfile.file}:{found.line}", reason) if reason else None


@check("Load balancer configured with health checks", uses=("manifests",))
def load_balancer_health_checks(ctx: Context) -> Verdict:
    """Every load-balancing Service sends traffic only to pods whose readiness can fail.

    Each Service with a selector (headless ones excepted) selects at least one
    workload, does not set ``publishNotReadyAddresses: true`` (which routes to pods
    that are not ready), and every backend container (by ``targetPort``; all of the
    pod's when none declares it) has a working ``readinessProbe``.  Health-check
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
        f"Load balancing gated by readiness: {plural(len(services), 'Service')} route only "
        f"to pods with readiness probes.{extra}",
    )


def _service_gaps(kube: ManifestSet, service: Manifest) -> list[Problem]:
    spec = dig(service.body, "spec")
    problems = []
    if str(dig(spec, "publishNotReadyAddresses")).lower() == "true":
        problems.append(
            Problem(
                service.at(spec, "publishNotReadyAddresses"),
                f"{service.ref} sets publishNotReadyAddresses: true (routes to unready pods)",
            )
        )
    if not selected_workloads(kube, service):
        return [
            *problems,
            Problem(service.at(), f"{service.ref} selects no workload in the manifests"),
        ]
    for container in backends(kube, service):
        reason = probe_problem(container, "readinessProbe")
        if reason:
            what = "without readinessProbe" if reason.startswith("no ") else f": {reason}"
            problems.append(
                Problem(container.at(), f"{service.ref} routes to {container.label} {what}")
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
