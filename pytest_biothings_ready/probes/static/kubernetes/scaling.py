"""Autoscaling: presence, metrics, replica bounds, disruption budgets.

Every autoscaler kind on the deploy path is read (``autoscalers``): HPA v1/v2 and
KEDA ScaledObjects.  Values, not keys: bounds of 1..1 or a disabled scale-up are no
autoscaling; percentages in disruption budgets are resolved to pod counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from pytest_biothings_ready.deploy.images import is_store_image
from pytest_biothings_ready.deploy.paas import paas_decides
from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import Problem, dig, listing, plural, verdict
from pytest_biothings_ready.probes.static.kubernetes.autoscalers import (
    AUTOSCALER_KINDS,
    Scaler,
    scaler,
)
from pytest_biothings_ready.probes.static.kubernetes.values import resolve_count
from pytest_biothings_ready.probes.static.manifests import SCALABLE_KINDS, Manifest, ManifestSet

__all__ = ["Autoscaling", "autoscaling"]


@dataclass(frozen=True)
class Autoscaling:
    """What the manifests say about autoscaling.

    Attributes:
        targets: the scalable workloads (Deployment, StatefulSet, Rollout).
        scalers: every HPA and KEDA ScaledObject, normalized.
    """

    targets: tuple[Manifest, ...]
    scalers: tuple[Scaler, ...]

    def of(self, target: Manifest) -> list[Scaler]:
        return self._by_target.get((target.namespace, target.kind, target.name), [])

    @cached_property
    def _by_target(self) -> dict[tuple[str, str, str], list[Scaler]]:
        index: dict[tuple[str, str, str], list[Scaler]] = {}
        for item in self.scalers:
            index.setdefault(item.target, []).append(item)
        return index


def autoscaling(ctx: Context) -> Autoscaling:
    """The autoscaling picture of the manifests (NotConfigured without manifests)."""
    if not ctx.env.get("manifests"):
        raise NotConfigured("manifests", ctx.env.name, "autoscaling is read from manifests")
    kube: ManifestSet = ctx.evidence("manifests")
    scalers = tuple(scaler(s) for s in kube.of(*AUTOSCALER_KINDS))
    stores = _stores(kube)
    return Autoscaling(tuple(t for t in kube.of(*SCALABLE_KINDS) if t not in stores), scalers)


def _stores(kube: ManifestSet) -> list[Manifest]:
    """Workloads whose every container runs a database, cache or broker image.

    A single-instance Redis or Postgres is not scaled by an HPA (more pods are more
    independent stores, not more capacity), so it is not asked for one.
    """
    return [
        w.manifest
        for w in kube.workloads()
        if (images := [str(c.spec.get("image", "")) for c in w.containers()])
        and all(is_store_image(i) for i in images)
    ]


def _unscaled(scaling: Autoscaling) -> list[Problem]:
    problems = []
    for target in scaling.targets:
        found = scaling.of(target)
        if not found:
            problems.append(Problem(target.at(), f"{target.ref} has no HorizontalPodAutoscaler"))
        elif not any(not s.scales() for s in found):
            why = "; ".join(f"{s.ref} {s.scales()}" for s in found)
            problems.append(Problem(found[0].manifest.at(), f"{target.ref} does not scale: {why}"))
    return problems


def _scaler_list(scaling: Autoscaling) -> str:
    return ", ".join(f"{s.ref} -> {s.target[2]}" for s in scaling.scalers[:5]) or "none"


@check("Horizontal Pod Autoscaler configured (Kubernetes)", uses=("manifests",))
def hpa_configured(ctx: Context) -> Verdict:
    """Every Deployment, StatefulSet and Rollout is autoscaled, with room to scale.

    An ``autoscaling/v2`` or ``v1`` HorizontalPodAutoscaler or a KEDA ScaledObject
    whose ``scaleTargetRef`` names the workload in its namespace, with ``maxReplicas``
    above ``minReplicas`` and scale-up not ``Disabled``.
    """
    scaling = autoscaling(ctx)
    problems = _unscaled(scaling)
    if not scaling.targets:
        problems.append(Problem("manifests", "contain no Deployment/StatefulSet to scale"))
    return verdict(
        problems,
        "workloads without autoscaling",
        f"Autoscaler on all {plural(len(scaling.targets), 'workload')} ({_scaler_list(scaling)}).",
    )


def _threshold_gaps(scaling: Autoscaling) -> list[Problem]:
    problems = []
    for item in scaling.scalers:
        missing = {"cpu", "memory"} - item.resources
        if missing:
            spec = item.manifest.body.get("spec")
            key = "triggers" if item.manifest.kind == "ScaledObject" else "metrics"
            problems.append(
                Problem(
                    item.manifest.at(spec, key),
                    f"{item.ref} has no {' or '.join(sorted(missing))} target",
                )
            )
    return problems


@check("CPU and memory thresholds set", uses=("manifests",))
def hpa_thresholds(ctx: Context) -> Verdict:
    """Every autoscaler (HPA or KEDA ScaledObject) scales on a CPU and a memory target."""
    if skip := paas_decides(ctx, "manifests"):
        return skip
    scaling = autoscaling(ctx)
    problems = _threshold_gaps(scaling)
    if not scaling.scalers:
        problems.append(Problem("manifests", "contain no HorizontalPodAutoscaler"))
    return verdict(
        problems,
        "scaling thresholds missing",
        f"CPU and memory targets on all {plural(len(scaling.scalers), 'autoscaler')}.",
    )


def _bound_gaps(scaling: Autoscaling) -> list[Problem]:
    problems = []
    for item in scaling.scalers:
        key = "minReplicaCount" if item.manifest.kind == "ScaledObject" else "minReplicas"
        where = item.manifest.at(item.manifest.body.get("spec"), key)
        low, high = item.low, item.high
        if low is None or low < 2:
            problems.append(Problem(where, f"{item.ref} minReplicas {low} < 2"))
        if high is None or (low is not None and high <= low):
            problems.append(Problem(where, f"{item.ref} maxReplicas {high} <= minReplicas {low}"))
        if item.scale_up_disabled:
            problems.append(Problem(where, f"{item.ref} {item.scales()}"))
    return problems


@check("Minimum and maximum replica counts defined", uses=("manifests",))
def hpa_replica_bounds(ctx: Context) -> Verdict:
    """Every autoscaler has a minimum of at least 2 and a maximum above it."""
    if skip := paas_decides(ctx, "manifests"):
        return skip
    scaling = autoscaling(ctx)
    problems = _bound_gaps(scaling)
    if not scaling.scalers:
        problems.append(Problem("manifests", "contain no HorizontalPodAutoscaler"))
    bounds = ", ".join(f"{s.ref} {s.low}-{s.high}" for s in scaling.scalers[:5])
    return verdict(problems, "replica bounds unsafe", f"Replica bounds: {bounds}.")


def _pdb_notes(ctx: Context, scaling: Autoscaling) -> tuple[list[Problem], list[str]]:
    """PodDisruptionBudgets that block every eviction, and all PDBs seen.

    A budget blocks every eviction when ``maxUnavailable`` resolves to 0 pods or
    ``minAvailable`` (percentages rounded up, as the disruption controller does) to
    at least the pods the workload runs at its lowest (autoscaler minimum, else
    ``replicas``, default 1).
    """
    kube: ManifestSet = ctx.evidence("manifests")
    problems, seen = [], []
    for pdb in kube.of("PodDisruptionBudget"):
        spec = dig(pdb.body, "spec")
        least, most = dig(spec, "minAvailable"), dig(spec, "maxUnavailable")
        seen.append(f"{pdb.ref} minAvailable={least} maxUnavailable={most}")
        for item in kube.selected(pdb.namespace, dig(spec, "selector")):
            if item.manifest.kind not in SCALABLE_KINDS:
                continue
            pods = _lowest(scaling, item.manifest)
            if _blocks(least, most, pods):
                problems.append(
                    Problem(
                        pdb.at(),
                        f"{pdb.ref} (minAvailable={least}, maxUnavailable={most}) blocks every "
                        f"eviction of {item.manifest.ref} at {plural(pods, 'replica')}",
                    )
                )
    return problems, seen


def _lowest(scaling: Autoscaling, target: Manifest) -> int:
    lows = [s.low for s in scaling.of(target) if s.low is not None]
    if lows:
        return max(1, min(lows))
    replicas = dig(target.body, "spec", "replicas")
    return replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else 1


def _blocks(least: object, most: object, pods: int) -> bool:
    if most is not None:
        allowed = resolve_count(most, pods, round_up=True)
        return allowed is not None and allowed <= 0
    needed = resolve_count(least, pods, round_up=True)
    return needed is not None and needed >= pods


def _signal_gaps(scaling: Autoscaling) -> list[Problem]:
    return [
        Problem(s.manifest.at(s.manifest.body.get("spec")), f"{s.ref} scales on no demand signal")
        for s in scaling.scalers
        if not s.signals
    ]


# A utilization target above this scales out only once pods are saturated.
SATURATED = 90


def _utilizations(spec: object) -> list[tuple[str, int]]:
    """(resource, target %) of an HPA: v2 ``averageUtilization``, v1 CPU percentage."""
    if not isinstance(spec, Mapping):
        return []
    found = []
    v1 = spec.get("targetCPUUtilizationPercentage")
    if isinstance(v1, int) and not isinstance(v1, bool):
        found.append(("cpu", v1))
    for metric in spec.get("metrics") or []:
        resource = dig(metric, "resource") if isinstance(metric, Mapping) else None
        value = dig(resource, "target", "averageUtilization")
        if value is None:
            value = dig(resource, "targetAverageUtilization")  # v2beta1
        if isinstance(value, int) and not isinstance(value, bool):
            found.append((str(dig(resource, "name")), value))
    return found


def _saturation_gaps(scaling: Autoscaling) -> list[Problem]:
    return [
        Problem(
            s.manifest.at(s.manifest.body.get("spec")),
            f"{s.ref} targets {name} utilization {value}%: it scales out only once pods are "
            f"saturated (above {SATURATED}%)",
        )
        for s in scaling.scalers
        if s.manifest.kind == "HorizontalPodAutoscaler"
        for name, value in _utilizations(s.manifest.body.get("spec"))
        if value > SATURATED
    ]


@check("Auto-scaling configured to match demand", uses=("manifests",))
def autoscaling_matches_demand(ctx: Context) -> Verdict:
    """Every scalable workload autoscales on CPU and memory between sane bounds.

    An autoscaler per workload that can scale, on at least one demand signal (a
    resource, pods, object or external metric with a target; any KEDA trigger), with
    minReplicas >= 2 < maxReplicas, no utilization target above 90% (it scales out only
    once pods are saturated), plus: no
    PodDisruptionBudget that blocks every eviction (``maxUnavailable`` 0 or ``0%``,
    ``minAvailable`` such as ``"100%"`` at or above the lowest replica count).
    """
    if skip := paas_decides(ctx, "manifests"):
        return skip
    scaling = autoscaling(ctx)
    problems = _unscaled(scaling) + _signal_gaps(scaling) + _saturation_gaps(scaling)
    problems += _bound_gaps(scaling)
    if not scaling.targets:
        problems.append(Problem("manifests", "contain no Deployment/StatefulSet to scale"))
    pdb_problems, pdbs = _pdb_notes(ctx, scaling)
    problems = pdb_problems + problems
    budget = f" Disruption budgets: {listing(pdbs)}." if pdbs else " No PodDisruptionBudget."
    return verdict(
        problems,
        "autoscaling does not match demand",
        f"Autoscaling on demand for all {plural(len(scaling.targets), 'workload')} "
        f"({_scaler_list(scaling)}).{budget}",
    )
