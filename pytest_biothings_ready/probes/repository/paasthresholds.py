"""PaaS autoscalers' CPU and memory targets (Render ``scaling``, App Engine automatic scaling)."""

from __future__ import annotations

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository.paaschecks import run_judges
from pytest_biothings_ready.probes.repository.paasread import PaasApp, as_map

__all__ = ["paas_thresholds"]


@check("CPU and memory thresholds set", uses=("deploy",))
def paas_thresholds(ctx: Context) -> Verdict:
    """Render ``targetCPUPercent`` and ``targetMemoryPercent``; App Engine CPU (no memory).

    App Engine scales on CPU, throughput and latency, never memory: its
    ``automatic_scaling`` fails for the memory half.  fly.toml sets no thresholds.
    """
    judges = {"render": _render, "appengine": _gae}
    return run_judges(ctx, judges, "scaling thresholds missing")


def _render(app: PaasApp, problems: list[str], checked: list[str], unsure: list[str]) -> None:
    scaling = as_map(app.config.get("scaling"))
    if not scaling:
        return  # no autoscaling at all: the autoscaling lines fail it
    cpu, memory = scaling.get("targetCPUPercent"), scaling.get("targetMemoryPercent")
    shown = f"{app.where} service {app.name} scaling"
    missing = [k for k, v in (("targetCPUPercent", cpu), ("targetMemoryPercent", memory)) if not v]
    if missing:
        problems.append(f"{shown} sets no {' and no '.join(missing)}")
    else:
        checked.append(f"{shown} targetCPUPercent {cpu}, targetMemoryPercent {memory}")


def _gae(app: PaasApp, problems: list[str], checked: list[str], unsure: list[str]) -> None:
    auto = as_map(app.config.get("automatic_scaling"))
    if not auto:
        return
    cpu = auto.get("target_cpu_utilization") or as_map(auto.get("cpu_utilization")).get(
        "target_utilization"
    )
    shown = f"{app.where} service {app.name} automatic_scaling"
    if not cpu:
        problems.append(f"{shown} sets no CPU target and App Engine has no memory target")
    else:
        problems.append(f"{shown} CPU target {cpu}, but App Engine scales on no memory target")
