"""Deployment strategy and cost-allocation labels."""

from __future__ import annotations

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import Problem, dig, need_any, plural, verdict
from pytest_biothings_ready.probes.static.manifests import Manifest, ManifestSet

__all__ = ["cost_labels", "deployment_strategy"]


def _strategy_gap(obj: Manifest) -> Problem | None:
    spec = dig(obj.body, "spec")
    if obj.kind == "Rollout":
        if dig(spec, "strategy", "blueGreen") or dig(spec, "strategy", "canary"):
            return None
        return Problem(obj.at(spec, "strategy"), f"{obj.ref} has no blueGreen/canary strategy")
    kind = dig(spec, "strategy", "type") or "RollingUpdate"
    if kind != "RollingUpdate":
        return Problem(obj.at(dig(spec, "strategy"), "type"), f"{obj.ref} uses strategy {kind}")
    rolling = dig(spec, "strategy", "rollingUpdate") or {}
    missing = [k for k in ("maxUnavailable", "maxSurge") if k not in rolling]
    if missing:
        return Problem(
            obj.at(spec, "strategy"),
            f"{obj.ref} RollingUpdate without explicit {' and '.join(missing)}",
        )
    if str(rolling["maxUnavailable"]) in {"100%"} and str(rolling["maxSurge"]) in {"0", "0%"}:
        return Problem(obj.at(spec, "strategy"), f"{obj.ref} may take every pod down at once")
    return None


@check("Blue-green or rolling deployment strategy chosen", uses=("manifests",))
def deployment_strategy(ctx: Context) -> Verdict:
    """Every Deployment rolls out gradually, with explicit surge and unavailability.

    Deployments: strategy ``RollingUpdate`` (``Recreate`` fails) with explicit
    ``maxUnavailable`` and ``maxSurge``.  Argo Rollouts: a ``blueGreen`` or ``canary``
    strategy.
    """
    need_any(ctx.env, "manifests")
    kube: ManifestSet = ctx.evidence("manifests")
    targets = kube.of("Deployment", "Rollout")
    problems = [p for t in targets if (p := _strategy_gap(t))]
    if not targets:
        problems.append(Problem("manifests", "contain no Deployment or Rollout"))
    detail = ", ".join(f"{t.ref} {_describe(t)}" for t in targets[:4])
    return verdict(problems, "no safe rollout strategy", f"Rollout strategies: {detail}.")


def _describe(obj: Manifest) -> str:
    if obj.kind == "Rollout":
        return "blueGreen" if dig(obj.body, "spec", "strategy", "blueGreen") else "canary"
    rolling = dig(obj.body, "spec", "strategy", "rollingUpdate") or {}
    return (
        f"RollingUpdate maxUnavailable={rolling.get('maxUnavailable')} "
        f"maxSurge={rolling.get('maxSurge')}"
    )


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
