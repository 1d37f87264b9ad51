"""Compose stacks do not autoscale: a deployed API's fixed replica count fails the scaling lines.

Compose (and Swarm) run ``deploy.replicas`` (or ``scale``) copies, 1 by default, and
change the count only by hand.  Decided only when the repository names no manifests
and no PaaS config, so a stack beside a Kubernetes or PaaS deployment says nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository.exposure import Api, apis
from pytest_biothings_ready.probes.repository.gather import Repository
from pytest_biothings_ready.probes.repository.outcome import undecided
from pytest_biothings_ready.probes.repository.paasread import as_map, paas_decides
from pytest_biothings_ready.probes.static.common import listing

__all__ = ["compose_autoscaling", "compose_replica_bounds"]


@check("Auto-scaling configured to match demand", uses=("repository", "deploy"))
def compose_autoscaling(ctx: Context) -> Verdict:
    """Every deployed API of a compose-only deployment fails: compose has no autoscaler."""
    return _judge(ctx, "no autoscaling")


@check("Minimum and maximum replica counts defined", uses=("repository", "deploy"))
def compose_replica_bounds(ctx: Context) -> Verdict:
    """Compose sets a fixed count, never a minimum and a maximum: its deployed APIs fail."""
    return _judge(ctx, "no replica bounds")


def _judge(ctx: Context, head: str) -> Verdict:
    repo: Repository = ctx.evidence("repository")
    if ctx.env.get("manifests"):
        return undecided("Kubernetes manifests are named: the deployment is not compose-only")
    if paas := paas_decides(ctx, "manifests"):
        return paas
    found = apis(repo)
    if not found:
        return undecided(f"no deployed compose service defines API routes.{repo.not_deployed()}")
    fixed = [_fixed(ctx, api) for api in found]
    return Verdict.failed(
        f"{head}: {listing(fixed)} (compose does not autoscale; the count changes only by "
        f"hand).{repo.not_deployed()}"
    )


def _fixed(ctx: Context, api: Api) -> str:
    conf = _service(ctx, api)
    deploy = as_map(conf.get("deploy"))
    if "replicas" in deploy:
        count = deploy["replicas"]
        return f"{api.service.where} {api.service.name} runs a fixed deploy.replicas {count}"
    if "scale" in conf:
        return f"{api.service.where} {api.service.name} runs a fixed scale {conf['scale']}"
    return f"{api.service.where} {api.service.name} runs 1 replica (compose's default)"


def _service(ctx: Context, api: Api) -> Mapping[str, Any]:
    from pytest_biothings_ready.probes.static.yamlload import load_all

    try:
        docs = load_all(ctx.env.path(api.stack.file).read_text(encoding="utf-8"))
    except Exception:  # read_stack loaded it already; a race leaves the default
        return {}
    return as_map(as_map(as_map(docs[0] if docs else {}).get("services")).get(api.service.name))
