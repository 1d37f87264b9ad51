"""Horizontal Pod Autoscalers: presence, metrics, replica bounds, disruption budgets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import Problem, dig, listing, plural, verdict
from pytest_biothings_ready.probes.static.manifests import SCALABLE_KINDS, Manifest, ManifestSet

__all__ = ["Autoscaling", "autoscaling"]


@dataclass(frozen=True)
class Autoscaling:
    """What the manifests say about autoscaling.

    Attributes:
        targets: the scalable workloads (Deployment, StatefulSet, Rollout).
        hpas: HorizontalPodAutoscalers (v1 and v2).
        scaled: workload refs targeted by an HPA or a KEDA ScaledObject.
    """

    targets: tuple[Manifest, ...]
    hpas: tuple[Manifest, ...]
    scaled: frozenset[tuple[str, str, str]]


def autoscaling(ctx: Context) -> Autoscaling:
    """The autoscaling picture of the manifests (NotConfigured without manifests)."""
    if not ctx.env.get("manifests"):
        raise NotConfigured("manifests", ctx.env.name, "autoscaling is read from manifests")
    kube: ManifestSet = ctx.evidence("manifests")
    scalers = kube.of("HorizontalPodAutoscaler", "ScaledObject")
    scaled = frozenset(
        (
            s.namespace,
            str(dig(s.body, "spec", "scaleTargetRef", "kind") or "Deployment"),
            str(dig(s.body, "spec", "scaleTargetRef", "name")),
        )
        for s in scalers
    )
    return Autoscaling(
        tuple(kube.of(*SCALABLE_KINDS)), tuple(kube.of("HorizontalPodAutoscaler")), scaled
    )


def _unscaled(scaling: Autoscaling) -> list[Problem]:
    return [
        Problem(t.at(), f"{t.ref} has no HorizontalPodAutoscaler")
        for t in scaling.targets
        if (t.namespace, t.kind, t.name) not in scaling.scaled
    ]


def _hpa_list(scaling: Autoscaling) -> str:
    return (
        ", ".join(
            f"{h.ref} -> {dig(h.body, 'spec', 'scaleTargetRef', 'name')}" for h in scaling.hpas[:5]
        )
        or "none"
    )


@check("Horizontal Pod Autoscaler configured (Kubernetes)", uses=("manifests",))
def hpa_configured(ctx: Context) -> Verdict:
    """Every Deployment, StatefulSet and Rollout is targeted by an HPA.

    An ``autoscaling/v2`` or ``v1`` HorizontalPodAutoscaler (or a KEDA ScaledObject,
    which creates one) whose ``scaleTargetRef`` names the workload in its namespace.
    """
    scaling = autoscaling(ctx)
    problems = _unscaled(scaling)
    if not scaling.targets:
        problems.append(Problem("manifests", "contain no Deployment/StatefulSet to scale"))
    return verdict(
        problems,
        "workloads without autoscaling",
        f"Autoscaler on all {plural(len(scaling.targets), 'workload')} ({_hpa_list(scaling)}).",
    )


def _metric_names(hpa: Manifest) -> set[str]:
    spec: Any = hpa.body.get("spec") or {}
    names = {
        str(dig(m, "resource", "name"))
        for m in spec.get("metrics") or []
        if isinstance(m, Mapping)
        and m.get("type") == "Resource"
        and (
            dig(m, "resource", "target", "averageUtilization")
            or dig(m, "resource", "target", "averageValue")
        )
    }
    if spec.get("targetCPUUtilizationPercentage"):  # autoscaling/v1
        names.add("cpu")
    return names


def _threshold_gaps(scaling: Autoscaling) -> list[Problem]:
    problems = []
    for hpa in scaling.hpas:
        missing = {"cpu", "memory"} - _metric_names(hpa)
        if missing:
            problems.append(
                Problem(
                    hpa.at(hpa.body.get("spec"), "metrics"),
                    f"{hpa.ref} has no {' or '.join(sorted(missing))} target",
                )
            )
    return problems


@check("CPU and memory thresholds set", uses=("manifests",))
def hpa_thresholds(ctx: Context) -> Verdict:
    """Every HPA scales on both a CPU and a memory utilization (or value) target."""
    scaling = autoscaling(ctx)
    problems = _threshold_gaps(scaling)
    if not scaling.hpas:
        problems.append(Problem("manifests", "contain no HorizontalPodAutoscaler"))
    return verdict(
        problems,
        "scaling thresholds missing",
        f"CPU and memory targets on all {plural(len(scaling.hpas), 'HPA')}.",
    )


def _bounds(hpa: Manifest) -> tuple[int, int]:
    spec: Any = hpa.body.get("spec") or {}
    low = spec.get("minReplicas", 1)
    high = spec.get("maxReplicas", 0)
    return (low if isinstance(low, int) else 0, high if isinstance(high, int) else 0)


def _bound_gaps(scaling: Autoscaling) -> list[Problem]:
    problems = []
    for hpa in scaling.hpas:
        low, high = _bounds(hpa)
        where = hpa.at(hpa.body.get("spec"), "minReplicas")
        if low < 2:
            problems.append(Problem(where, f"{hpa.ref} minReplicas {low} < 2"))
        if high <= low:
            problems.append(Problem(where, f"{hpa.ref} maxReplicas {high} <= minReplicas {low}"))
    return problems


@check("Minimum and maximum replica counts defined", uses=("manifests",))
def hpa_replica_bounds(ctx: Context) -> Verdict:
    """Every HPA has ``minReplicas`` of at least 2 and ``maxReplicas`` above it."""
    scaling = autoscaling(ctx)
    problems = _bound_gaps(scaling)
    if not scaling.hpas:
        problems.append(Problem("manifests", "contain no HorizontalPodAutoscaler"))
    bounds = ", ".join(f"{h.ref} {_bounds(h)[0]}-{_bounds(h)[1]}" for h in scaling.hpas[:5])
    return verdict(problems, "replica bounds unsafe", f"Replica bounds: {bounds}.")


def _pdb_notes(ctx: Context, scaling: Autoscaling) -> tuple[list[Problem], list[str]]:
    """PodDisruptionBudgets that block every eviction at minReplicas, and all PDBs seen."""
    kube: ManifestSet = ctx.evidence("manifests")
    low = {str(dig(h.body, "spec", "scaleTargetRef", "name")): _bounds(h)[0] for h in scaling.hpas}
    problems, seen = [], []
    for pdb in kube.of("PodDisruptionBudget"):
        available = dig(pdb.body, "spec", "minAvailable")
        seen.append(
            f"{pdb.ref} minAvailable={available} "
            f"maxUnavailable={dig(pdb.body, 'spec', 'maxUnavailable')}"
        )
        for name, minimum in low.items():
            if isinstance(available, int) and available >= minimum and _covers(kube, pdb, name):
                problems.append(
                    Problem(
                        pdb.at(),
                        f"{pdb.ref} minAvailable {available} >= "
                        f"minReplicas {minimum} of {name}: no eviction possible",
                    )
                )
    return problems, seen


def _covers(kube: ManifestSet, pdb: Manifest, name: str) -> bool:
    wanted = dig(pdb.body, "spec", "selector", "matchLabels") or {}
    for w in kube.workloads(SCALABLE_KINDS):
        if w.manifest.name == name and all(
            w.template_labels.get(k) == v for k, v in wanted.items()
        ):
            return True
    return False


@check("Auto-scaling configured to match demand", uses=("manifests",))
def autoscaling_matches_demand(ctx: Context) -> Verdict:
    """Every scalable workload autoscales on CPU and memory between sane bounds.

    The three autoscaling rules together (an HPA per workload, CPU and memory
    targets, minReplicas >= 2 < maxReplicas), plus: no PodDisruptionBudget with
    ``minAvailable`` at or above the HPA's ``minReplicas`` (that blocks node drains).
    PodDisruptionBudgets are quoted as evidence.
    """
    scaling = autoscaling(ctx)
    problems = _unscaled(scaling) + _threshold_gaps(scaling) + _bound_gaps(scaling)
    if not scaling.targets:
        problems.append(Problem("manifests", "contain no Deployment/StatefulSet to scale"))
    pdb_problems, pdbs = _pdb_notes(ctx, scaling)
    problems += pdb_problems
    budget = f" Disruption budgets: {listing(pdbs)}." if pdbs else " No PodDisruptionBudget."
    return verdict(
        problems,
        "autoscaling does not match demand",
        f"Autoscaling on CPU and memory for all {plural(len(scaling.targets), 'workload')} "
        f"({_hpa_list(scaling)}).{budget}",
    )
