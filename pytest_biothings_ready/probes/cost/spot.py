"""Spot instances used for non-critical workloads: from the parsed Kubernetes manifests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict

__all__ = ["spot_for_noncritical", "spot_placement"]


def _pairs(ctx: Context) -> set[tuple[str, str]]:
    found = set()
    for text in ctx.env.get("cost.spot_labels") or []:
        key, _, value = str(text).partition("=")
        found.add((key, value))
    return found


def _selector_pairs(pod: Mapping[str, Any]) -> set[tuple[str, str]]:
    pairs = {(str(k), str(v)) for k, v in (pod.get("nodeSelector") or {}).items()}
    affinity = (pod.get("affinity") or {}).get("nodeAffinity") or {}
    required = affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or {}
    for term in required.get("nodeSelectorTerms") or []:
        for expr in (term or {}).get("matchExpressions") or []:
            if str(expr.get("operator")) == "In":
                pairs |= {(str(expr.get("key")), str(v)) for v in expr.get("values") or []}
    return pairs


def spot_placement(pod: Mapping[str, Any], spot: set[tuple[str, str]]) -> str | None:
    """How ``pod`` is placed on spot capacity (a selector, an affinity), else None.

    A toleration alone lets a pod run on spot nodes but does not put it there.
    """
    hits = _selector_pairs(pod) & spot
    return ", ".join(f"{k}={v}" for k, v in sorted(hits)) or None


@check("Spot instances used for non-critical workloads", uses=("manifests",))
def spot_for_noncritical(ctx: Context) -> Verdict:
    """Every workload labelled non-critical is scheduled onto spot/preemptible nodes."""
    if not ctx.env.get("manifests"):
        raise NotConfigured("manifests", ctx.env.name, "the Kubernetes manifests")
    kube = ctx.evidence("manifests")
    marks = {(str(k), str(v)) for k, v in (ctx.env.get("cost.noncritical_labels") or {}).items()}
    spot = _pairs(ctx)
    labelled = [
        w
        for w in kube.workloads()
        if marks
        & {(str(k), str(v)) for k, v in {**_labels(w.manifest.body), **w.template_labels}.items()}
    ]
    if not labelled:
        shown = ", ".join(f"{k}={v}" for k, v in sorted(marks))
        raise NotConfigured("cost.noncritical_labels", ctx.env.name, f"no workload carries {shown}")
    placed = {w.manifest.ref: spot_placement(w.pod, spot) for w in labelled}
    if missing := [
        f"{w.manifest.ref} at {w.manifest.at()}" for w in labelled if not placed[w.manifest.ref]
    ]:
        return Verdict.failed(
            f"non-critical workloads not placed on spot nodes (no nodeSelector or required "
            f"nodeAffinity on {', '.join(sorted(f'{k}={v}' for k, v in spot)[:3])}...): "
            + "; ".join(missing[:5])
            + "."
        )
    shown = "; ".join(f"{ref} -> {how}" for ref, how in placed.items())
    return Verdict.passed(f"configured, not observed live: {shown}.")


def _labels(body: Mapping[str, Any]) -> Mapping[str, Any]:
    return (body.get("metadata") or {}).get("labels") or {}
