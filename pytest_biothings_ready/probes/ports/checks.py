"""The firewall line, judged from the ``ports`` scan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.ports.services import service_of

if TYPE_CHECKING:
    from pytest_biothings_ready.probes.ports.gather import PortScan

__all__: list[str] = []


@check("Firewall rules configured (only necessary ports open)", uses=("ports",),
       needs=("allowed_ports",))  # fmt: skip
def only_allowed_ports_open(ctx: Context) -> Verdict:
    """Only the ports in allowed_ports accept TCP connections on the service's hosts.

    Every host named by the environment is tried on a documented list of about 120
    service, admin and debug ports (or every port with ``ports.scan = "all"``) plus
    the ports of its own URLs; any port that accepts a connection and is not in
    ``allowed_ports`` fails the line, named with its usual service.
    """
    scan: PortScan = ctx.evidence("ports")
    allowed = {int(p) for p in ctx.env.require("allowed_ports")}
    extra = [f"{h}:{p} ({service_of(p)})" for h, p in scan.open if p not in allowed]
    seen = (
        f"{len(scan.ports)} TCP ports ({_scope(scan)}) tried on {', '.join(scan.hosts)} in "
        f"{scan.elapsed_s:.1f} s: open {_list(scan.open)}, {scan.closed} closed, "
        f"{len(scan.filtered)} filtered; allowed_ports {sorted(allowed)}"
    )
    if extra:
        return Verdict.failed(f"open but not in allowed_ports: {', '.join(extra)} ({seen})")
    return Verdict.passed(seen)


def _scope(scan: PortScan) -> str:
    return {"all": "every port", "default list": "the default list plus the URLs' ports"}.get(
        scan.scope, "ports.scan plus the URLs' ports"
    )


def _list(pairs: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{host}:{port}" for host, port in pairs) or "none"
