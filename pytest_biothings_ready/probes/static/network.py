"""Network segmentation (NetworkPolicies) and session affinity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Status, Verdict
from pytest_biothings_ready.probes.static.common import (
    Problem,
    dig,
    need_any,
    optional,
    plural,
    verdict,
)
from pytest_biothings_ready.probes.static.manifests import Manifest, ManifestSet

__all__ = ["network_segmentation", "session_affinity"]

# annotation -> text its value must contain to mean "sticky" ("" = any non-empty value)
AFFINITY_ANNOTATIONS = {
    "nginx.ingress.kubernetes.io/affinity": "cookie",
    "traefik.ingress.kubernetes.io/service.sticky.cookie": "true",
    "alb.ingress.kubernetes.io/target-group-attributes": "stickiness.enabled=true",
    "haproxy.org/cookie-persistence": "",
}


def _types(policy: Manifest) -> set[str]:
    declared = dig(policy.body, "spec", "policyTypes")
    if isinstance(declared, list):
        return {str(t) for t in declared}
    return {"Ingress"} | ({"Egress"} if dig(policy.body, "spec", "egress") else set())


def _allowed(kube: ManifestSet, policies: list[Manifest]) -> set[int]:
    """ids of the workloads some policy with ingress rules selects.

    Selectors with ``matchExpressions`` are not evaluated (they select nothing here).
    """
    allowed: set[int] = set()
    for policy in policies:
        selector = dig(policy.body, "spec", "podSelector")
        if not dig(policy.body, "spec", "ingress") or not isinstance(selector, Mapping):
            continue
        if selector.get("matchExpressions"):
            continue
        labels = selector.get("matchLabels") or {}
        allowed.update(id(w) for w in kube.matching(policy.namespace, labels))
    return allowed


def _is_default_deny(policy: Manifest) -> bool:
    selector = dig(policy.body, "spec", "podSelector")
    return (
        isinstance(selector, Mapping)
        and not selector
        and "Ingress" in _types(policy)
        and not dig(policy.body, "spec", "ingress")
    )


@check("VPC/network segmentation in place", uses=("manifests",))
def network_segmentation(ctx: Context) -> Verdict:
    """NetworkPolicies deny by default and allow each workload explicitly.

    In every namespace that holds workloads, a NetworkPolicy with an empty
    ``podSelector``, ``Ingress`` in its policy types and no ingress rules (default
    deny), and for every long-running workload at least one policy selecting its pods
    with ingress rules (the allow).  Cloud VPC layout is outside the repository.
    """
    need_any(ctx.env, "manifests")
    kube: ManifestSet = ctx.evidence("manifests")
    policies = kube.of("NetworkPolicy")
    items = [w for w in kube.workloads() if w.manifest.kind not in {"Job", "CronJob"}]
    problems = []
    for namespace in sorted({w.manifest.namespace for w in items}):
        if not any(p.namespace == namespace and _is_default_deny(p) for p in policies):
            problems.append(
                Problem(
                    "manifests",
                    f"no default-deny NetworkPolicy in namespace {namespace}",
                )
            )
    allowed = _allowed(kube, policies)
    for item in items:
        if id(item) not in allowed:
            problems.append(
                Problem(
                    item.manifest.at(),
                    f"{item.manifest.ref}: no NetworkPolicy allows its ingress explicitly",
                )
            )
    if not items:
        problems.append(Problem("manifests", "contain no workload to segment"))
    return verdict(
        problems,
        "network not segmented",
        f"Segmented by {plural(len(policies), 'NetworkPolicy')}: default deny in every "
        f"namespace, explicit allows for {plural(len(items), 'workload')}.",
    )


@check("Session affinity configured if needed", uses=("manifests", "nginx"))
def session_affinity(ctx: Context) -> Verdict:
    """When the service needs sticky sessions, something in front provides them.

    ``session_affinity_required`` says whether it is needed (unset: unverified; false:
    not applicable).  When true: an Ingress affinity annotation, a Service with
    ``sessionAffinity: ClientIP``, or an nginx upstream with ``ip_hash``, ``hash`` or
    ``sticky`` (``nginx_configs``).
    """
    needed = ctx.env.get("session_affinity_required")
    if needed is None:
        raise NotConfigured(
            "session_affinity_required",
            ctx.env.name,
            "say whether the service needs sticky sessions (true/false)",
        )
    if needed is False:
        return Verdict(
            Status.NOT_APPLICABLE,
            "session_affinity_required = false in "
            f"{ctx.env.source}: the service keeps no per-instance session state.",
        )
    need_any(ctx.env, "manifests", "nginx_configs")
    found = _kube_affinity(optional(ctx, "manifests", "manifests"))
    nginx = optional(ctx, "nginx", "nginx_configs")
    if nginx is not None:
        found += [
            f"{u.where} upstream {u.name} {u.balancing}"
            for u in nginx.upstreams
            if u.balancing in {"ip_hash", "hash", "sticky"}
        ]
    if not found:
        return Verdict.failed(
            "session affinity is required but no Ingress affinity "
            "annotation, Service sessionAffinity: ClientIP or nginx "
            "ip_hash/hash/sticky upstream was found."
        )
    return Verdict.passed(f"Session affinity: {'; '.join(found[:4])}.")


def _kube_affinity(kube: ManifestSet | None) -> list[str]:
    if kube is None:
        return []
    found = [
        f"{s.at()} {s.ref} sessionAffinity ClientIP"
        for s in kube.of("Service")
        if dig(s.body, "spec", "sessionAffinity") == "ClientIP"
    ]
    for ingress in kube.of("Ingress"):
        annotations: Any = dig(ingress.body, "metadata", "annotations") or {}
        found += [
            f"{ingress.at()} {ingress.ref} {k}={v}"
            for k, v in annotations.items()
            if k in AFFINITY_ANNOTATIONS and v and AFFINITY_ANNOTATIONS[k] in str(v).lower()
        ]
    return found
