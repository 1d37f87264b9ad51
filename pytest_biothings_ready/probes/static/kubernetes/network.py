"""Network segmentation (NetworkPolicies) and session affinity."""

from __future__ import annotations

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
from pytest_biothings_ready.probes.static.kubernetes.health import selected_workloads
from pytest_biothings_ready.probes.static.kubernetes.netpolicy import (
    Isolation,
    effective_policies,
    is_default_deny,
)
from pytest_biothings_ready.probes.static.manifests import ManifestSet, Workload

__all__ = ["network_segmentation", "session_affinity"]

# annotation -> text its value must contain to mean "sticky" ("" = any non-empty value)
AFFINITY_ANNOTATIONS = {
    "nginx.ingress.kubernetes.io/affinity": "cookie",
    "traefik.ingress.kubernetes.io/service.sticky.cookie": "true",
    "alb.ingress.kubernetes.io/target-group-attributes": "stickiness.enabled=true",
    "haproxy.org/cookie-persistence": "",
}


def _backing(kube: ManifestSet) -> set[int]:
    """ids of the workloads some Service selects."""
    return {id(w) for s in kube.of("Service") for w in selected_workloads(kube, s)}


def _serves(item: Workload, backing: set[int]) -> bool:
    """Whether anything can connect to the workload: it declares ports or backs a Service."""
    return id(item) in backing or any(c.spec.get("ports") for c in item.containers())


@check("VPC/network segmentation in place", uses=("manifests",))
def network_segmentation(ctx: Context) -> Verdict:
    """NetworkPolicies deny by default, nothing voids the deny, each server is allowed.

    In every namespace that holds workloads, a default-deny ingress NetworkPolicy
    (empty ``podSelector``, ``Ingress`` in its types, no ingress rules).  Policies are a
    union: for every long-running workload the rules of every policy selecting it
    (``matchLabels`` and ``matchExpressions``) are combined, and one open rule (``{}``,
    ``0.0.0.0/0``, ``namespaceSelector: {}``) voids the deny; a workload that serves
    (declares ports or backs a Service) needs an explicit allow, one that serves
    nothing needs none.  Where egress is denied by default, an open egress rule
    without ports voids it too.  Cloud VPC layout is outside the repository.
    """
    need_any(ctx.env, "manifests")
    kube: ManifestSet = ctx.evidence("manifests")
    policies = kube.of("NetworkPolicy")
    items = [w for w in kube.workloads() if w.manifest.kind not in {"Job", "CronJob"}]
    problems = [
        Problem("manifests", f"no default-deny NetworkPolicy in namespace {namespace}")
        for namespace in sorted({w.manifest.namespace for w in items})
        if not any(p.namespace == namespace and is_default_deny(p) for p in policies)
    ]
    states = effective_policies(kube, items)
    egress_denied = {p.namespace for p in policies if is_default_deny(p, "Egress")}
    restricted, backing = 0, _backing(kube)
    for item in items:
        state = states[id(item)]
        serves = _serves(item, backing)
        problems += _workload_gaps(item, state, serves, item.manifest.namespace in egress_denied)
        restricted += "Egress" in state.isolated and not state.open.get("Egress")
    if not items:
        problems.append(Problem("manifests", "contain no workload to segment"))
    return verdict(
        problems,
        "network not segmented",
        f"Segmented by {plural(len(policies), 'NetworkPolicy')}: default deny in every "
        f"namespace, no open rule, explicit allows for the serving workloads of "
        f"{plural(len(items), 'workload')}; egress restricted for {restricted}.",
    )


def _workload_gaps(
    item: Workload, state: Isolation, serves: bool, egress_denied: bool
) -> list[Problem]:
    ref, where = item.manifest.ref, item.manifest.at()
    problems = []
    if state.open.get("Ingress"):
        problems.append(
            Problem(where, f"{ref}: ingress open to all by {', '.join(state.open['Ingress'])}")
        )
    elif not state.rules.get("Ingress") and serves:
        problems.append(Problem(where, f"{ref}: no NetworkPolicy allows its ingress explicitly"))
    if egress_denied and state.open.get("Egress"):
        problems.append(
            Problem(where, f"{ref}: egress open to all by {', '.join(state.open['Egress'])}")
        )
    return problems


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
