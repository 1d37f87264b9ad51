"""Every autoscaler kind read the same way: HPA (v1, v2) and KEDA ScaledObject.

An autoscaler is reduced to what it does: which workload it scales, between which
bounds, on which resource targets, and whether it can scale up at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_biothings_ready.probes.static.common import dig
from pytest_biothings_ready.probes.static.manifests import Manifest

__all__ = ["Scaler", "scaler"]

AUTOSCALER_KINDS = ("HorizontalPodAutoscaler", "ScaledObject")
KEDA_MIN, KEDA_MAX = 0, 100  # KEDA's defaults for minReplicaCount / maxReplicaCount


@dataclass(frozen=True)
class Scaler:
    """One autoscaler, normalized.

    Attributes:
        manifest: the HPA or ScaledObject.
        target: (namespace, kind, name) of the workload it scales.
        low, high: replica bounds (None when not an integer).
        resources: resource names with a utilization or value target (cpu, memory).
        scale_up_disabled: ``behavior.scaleUp.selectPolicy: Disabled`` or only zero policies.
        signals: how many demand signals it scales on (metrics with a target,
            KEDA triggers of any type).
    """

    manifest: Manifest
    target: tuple[str, str, str]
    low: int | None
    high: int | None
    resources: frozenset[str]
    scale_up_disabled: bool
    signals: int = 0

    @property
    def ref(self) -> str:
        return self.manifest.ref

    def scales(self) -> str:
        """Why it does not actually autoscale ("" when it does)."""
        if self.scale_up_disabled:
            return "scale-up disabled (scaleUp.selectPolicy: Disabled or every scaleUp policy 0)"
        if self.low is not None and self.high is not None and self.high <= self.low:
            return f"bounds {self.low}..{self.high} leave no room to scale"
        if self.high is None:
            return "maxReplicas is not a number"
        return ""


def _int(value: Any, default: int | None) -> int | None:
    if value is None:
        return default
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def scaler(obj: Manifest) -> Scaler:
    """The normalized view of an HPA or a KEDA ScaledObject."""
    spec: Any = obj.body.get("spec")
    spec = spec if isinstance(spec, Mapping) else {}
    ref = spec.get("scaleTargetRef")
    target = (
        obj.namespace,
        str(dig(ref, "kind") or "Deployment"),
        str(dig(ref, "name")),
    )
    if obj.kind == "ScaledObject":
        behavior = dig(spec, "advanced", "horizontalPodAutoscalerConfig", "behavior")
        low = _int(spec.get("minReplicaCount"), KEDA_MIN)
        high = _int(spec.get("maxReplicaCount"), KEDA_MAX)
        resources = _keda_resources(spec)
        signals = len([t for t in spec.get("triggers") or [] if isinstance(t, Mapping)])
    else:
        behavior = spec.get("behavior")
        low, high = _int(spec.get("minReplicas"), 1), _int(spec.get("maxReplicas"), None)
        resources = _hpa_resources(spec)
        signals = len(resources) + len(
            [
                m
                for m in spec.get("metrics") or []
                if isinstance(m, Mapping) and m.get("type") in {"Pods", "Object", "External"}
            ]
        )
    disabled = _scale_up_disabled(dig(behavior, "scaleUp"))
    return Scaler(obj, target, low, high, frozenset(resources), disabled, signals)


def _scale_up_disabled(scale_up: Any) -> bool:
    """``selectPolicy: Disabled``, or every scale-up policy allows 0 pods / 0 percent."""
    if not isinstance(scale_up, Mapping):
        return False
    if str(scale_up.get("selectPolicy")) == "Disabled":
        return True
    policies = [p for p in scale_up.get("policies") or [] if isinstance(p, Mapping)]
    return bool(policies) and all(str(p.get("value")) == "0" for p in policies)


def _hpa_resources(spec: Mapping[str, Any]) -> set[str]:
    names = set()
    for metric in spec.get("metrics") or []:
        if not isinstance(metric, Mapping) or metric.get("type") not in {
            "Resource",
            "ContainerResource",
        }:
            continue
        body = metric.get("resource") or metric.get("containerResource")
        target = dig(body, "target")
        if _positive(dig(target, "averageUtilization")) or dig(target, "averageValue"):
            names.add(str(dig(body, "name")))
    if _positive(spec.get("targetCPUUtilizationPercentage")):  # autoscaling/v1
        names.add("cpu")
    return names


def _keda_resources(spec: Mapping[str, Any]) -> set[str]:
    return {
        str(t.get("type"))
        for t in spec.get("triggers") or []
        if isinstance(t, Mapping)
        and t.get("type") in {"cpu", "memory"}
        and _positive(dig(t, "metadata", "value"))
    }


def _positive(value: Any) -> bool:
    try:
        return float(str(value).rstrip("%")) > 0
    except ValueError:
        return False
