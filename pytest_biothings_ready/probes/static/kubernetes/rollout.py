"""Deployment strategy and cost-allocation labels."""

from __future__ import annotations

from collections.abc import Mapping

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import Problem, dig, need_any, plural, verdict
from pytest_biothings_ready.probes.static.kubernetes.autoscalers import AUTOSCALER_KINDS, scaler
from pytest_biothings_ready.probes.static.kubernetes.values import resolve_count
from pytest_biothings_ready.probes.static.manifests import Manifest, ManifestSet

__all__ = ["cost_labels", "deployment_strategy"]


def _strategy_gap(obj: Manifest, pods: int) -> Problem | None:
    spec = dig(obj.body, "spec")
    if obj.kind == "Rollout":
        if dig(spec, "strategy", "blueGreen") or dig(spec, "strategy", "canary"):
            return None
        return Problem(obj.at(spec, "strategy"), f"{obj.ref} has no blueGreen/canary strategy")
    kind = dig(spec, "strategy", "type") or "RollingUpdate"
    if kind != "RollingUpdate":
        return Problem(obj.at(dig(spec, "strategy"), "type"), f"{obj.ref} uses strategy {kind}")
    rolling = dig(spec, "strategy", "rollingUpdate")
    rolling = rolling if isinstance(rolling, Mapping) else {}
    if not rolling:
        return Problem(
            obj.at(spec, "strategy"),
            f"{obj.ref} RollingUpdate without explicit maxUnavailable and maxSurge",
        )
    # One bound chosen (``maxUnavailable: 0``): the other keeps Kubernetes' default, 25%.
    rolling = {"maxUnavailable": "25%", "maxSurge": "25%", **rolling}
    down = resolve_count(rolling["maxUnavailable"], pods, round_up=False)
    up = resolve_count(rolling["maxSurge"], pods, round_up=True)
    where = obj.at(spec, "strategy")
    if down is None or up is None:
        return Problem(where, f"{obj.ref} RollingUpdate values are not counts or percentages")
    percent = str(rolling["maxUnavailable"]).strip().endswith("%")
    if (percent and down >= pods) or down >= pods > 1:
        return Problem(
            where,
            f"{obj.ref} maxUnavailable {rolling['maxUnavailable']} takes all "
            f"{plural(pods, 'replica')} down at once (not a rolling update)",
        )
    if down <= 0 and up <= 0:
        return Problem(where, f"{obj.ref} maxUnavailable and maxSurge both 0: cannot roll out")
    return None


def _lows(kube: ManifestSet) -> dict[tuple[str, str, str], int]:
    """The lowest autoscaler minimum per scaled workload."""
    lows: dict[tuple[str, str, str], int] = {}
    for item in (scaler(m) for m in kube.of(*AUTOSCALER_KINDS)):
        if item.low is not None:
            lows[item.target] = min(item.low, lows.get(item.target, item.low))
    return lows


def _pods(lows: dict[tuple[str, str, str], int], obj: Manifest) -> int:
    """Replicas a rollout starts from: the autoscaler's minimum, else ``replicas`` (1)."""
    low = lows.get((obj.namespace, obj.kind, obj.name))
    if low is not None:
        return max(1, low)
    replicas = dig(obj.body, "spec", "replicas")
    return replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else 1


@check("Blue-green or rolling deployment strategy chosen", uses=("manifests",))
def deployment_strategy(ctx: Context) -> Verdict:
    """Every Deployment rolls out gradually, with explicit surge and unavailability.

    Deployments: strategy ``RollingUpdate`` (``Recreate`` fails) with an explicit
    ``maxUnavailable`` or ``maxSurge`` (the other one keeps the default 25%), whose
    values (percentages resolved against the replicas, or the autoscaler's minimum) keep
    at least one pod up and let the rollout progress: ``maxUnavailable: 100%`` is not a
    rolling update.  Argo Rollouts: a ``blueGreen`` or ``canary`` strategy.
    """
    need_any(ctx.env, "manifests")
    kube: ManifestSet = ctx.evidence("manifests")
    targets = kube.of("Deployment", "Rollout")
    lows = _lows(kube)
    problems = [p for t in targets if (p := _strategy_gap(t, _pods(lows, t)))]
    if not targets:
        problems.append(Problem("manifests", "contain no Deployment or Rollout"))
    detail = ", ".join(f"{t.ref} {_describe(t)}" for t in targets[:4])
    return verdict(problems, "no safe rollout strategy", f"Rollout strategies: {detail}.")


def _describe(obj: Manifest) -> str:
    if obj.kind == "Rollout":
        return "blueGreen" if dig(obj.body, "spec", "strategy", "blueGreen") else "canary"
    rolling = dig(obj.body, "spec", "strategy", "rollingUpdate")
    rolling = rolling if isinstance(rolling, Mapping) else {}
    unavailable = rolling.get("maxUnavailable", "25% (default)")
    surge = rolling.get("maxSurge", "25% (default)")
    return f"RollingUpdate maxUnavailable={unavailable} maxSurge={surge}"


@check("Cost allocation tags implemented", uses=("manifests",))
def cost_labels(ctx: Context) -> Verdict:
    """Every workload carries the cost-allocation labels the environment lists.

    Each label of ``cost_labels`` (for example team, cost-center) is set, non-empty, on
    every workload's metadata or pod template (cost tools read pod labels).
    """
    wanted = [str(label) for label in ctx.env.get("cost_labels") or []]
    if not wanted:
        raise NotConfigured(
            "cost_labels",
            ctx.env.name,
            'list the labels every workload must carry, e.g. ["team", "cost-center"]',
        )
    need_any(ctx.env, "manifests")
    kube: ManifestSet = ctx.evidence("manifests")
    items = kube.workloads()
    problems = []
    for item in items:
        labels = {**item.manifest.labels, **item.template_labels}
        missing = [k for k in wanted if not labels.get(k)]
        if missing:
            problems.append(
                Problem(item.manifest.at(), f"{item.manifest.ref} lacks {', '.join(missing)}")
            )
    if not items:
        problems.append(Problem("manifests", "contain no workload"))
    return verdict(
        problems,
        "cost labels missing",
        f"Cost labels {', '.join(wanted)} on all {plural(len(items), 'workload')}.",
    )
