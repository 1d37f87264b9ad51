"""Published ports of the deployed stacks against ``allowed_ports``; data stores never public."""

from __future__ import annotations

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository.deploy import Service
from pytest_biothings_ready.probes.repository.gather import Repository
from pytest_biothings_ready.probes.repository.kubeports import kube_ports
from pytest_biothings_ready.probes.repository.outcome import NOT_OBSERVED, manifests, undecided
from pytest_biothings_ready.probes.repository.stores import is_data_store
from pytest_biothings_ready.probes.static.common import listing

__all__ = ["published_ports_configured"]


@check("Firewall rules configured (only necessary ports open)", uses=("repository", "manifests"))
def published_ports_configured(ctx: Context) -> Verdict:
    """The deployed stacks publish on the host only ``allowed_ports``, and no data store.

    Compose: a port published without a host IP (or on 0.0.0.0) is open to the network;
    one bound to 127.0.0.1 is not; ``network_mode: host`` opens every port the service
    listens on.  Kubernetes: a NodePort Service opens its node ports, a LoadBalancer its
    ports; a container ``hostPort`` or pod ``hostNetwork`` opens the node's.  Databases,
    caches and brokers published to the network fail even without ``allowed_ports``.
    """
    repo: Repository = ctx.evidence("repository")
    kube = manifests(ctx)
    if not repo.stacks and kube is None:
        return undecided(f"no compose stack or manifest is deployed.{repo.not_deployed()}")
    allowed = {str(p) for p in ctx.env.get("allowed_ports") or []}
    problems: list[str] = []
    opened: list[str] = []
    for stack in repo.stacks:
        for service in stack.services:
            _service(service, allowed, problems, opened)
    if kube is not None:
        kube_ports(kube, allowed, problems, opened)
    tail = repo.not_deployed()
    problems = list(dict.fromkeys(problems))
    if problems:
        return Verdict.failed(f"ports open beyond what is needed: {listing(problems)}.{tail}")
    shown = listing(list(dict.fromkeys(opened))) or "no port published on the host"
    if not allowed:
        return undecided(
            f"published on the host: {shown}; set `allowed_ports` to judge them.{tail}"
        )
    return Verdict.passed(
        f"{NOT_OBSERVED}: published {shown}, all in allowed_ports {sorted(allowed)}.{tail}"
    )


def _service(service: Service, allowed: set[str], problems: list[str], opened: list[str]) -> None:
    store = is_data_store(service)
    label = f"{service.name} ({service.image or 'built'})"
    if service.host_network:
        problems.append(f"{service.where} {label} uses network_mode: host (every port it opens)")
        return
    for port in service.ports:
        if not port.public:
            continue
        shown = f"{port.where} {label} {port.published or 'random'}->{port.target}"
        if store:
            problems.append(f"{shown}: a data store published to the network")
        elif allowed and (port.published or port.target) not in allowed:
            problems.append(f"{shown}: not in allowed_ports")
        else:
            opened.append(f"{service.name} {port.published or 'random'}")
