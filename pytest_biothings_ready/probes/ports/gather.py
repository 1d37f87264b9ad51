"""The ``ports`` gatherer: every host of the environment, on the scan list.

Every host the environment names (``env.hosts()``), at each of its addresses, is
tried on the documented
default list (:mod:`.services`; ``ports.scan`` replaces it, ``"all"`` means every
port, ``ports.extra`` adds to it) plus the ports of the environment's own URLs.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.ports.settings import ALL

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.probes.ports.scanner import Target

__all__ = ["PortScan", "ports_to_scan", "scan_ports", "url_endpoints"]

_URL_KEYS = ("base_url", "http_url", "websocket_url", "metrics_url", "prometheus_url",
             "alertmanager_url")  # fmt: skip
_DEFAULT_PORT = {"http": 80, "ws": 80, "https": 443, "wss": 443}


@dataclass(frozen=True)
class PortScan:
    """The state of each scanned TCP port, per host.

    Attributes:
        open: (host, port) pairs that accepted a connection.
        closed: how many connections were refused.
        filtered: (host, port) pairs that gave no answer within the timeout.
        hosts: the hosts scanned.
        ports: the ports tried on each host.
        scope: ``"all"``, ``"default list"`` or ``"ports.scan"`` (what was sampled).
        elapsed_s: wall time of the scan.
    """

    open: tuple[tuple[str, int], ...]
    closed: int
    filtered: tuple[tuple[str, int], ...]
    hosts: tuple[str, ...]
    ports: tuple[int, ...]
    scope: str = "default list"
    elapsed_s: float = 0.0


@gatherer("ports", needs=("base_url",))
def scan_ports(ctx: Context) -> PortScan:
    """Connect to every (host, port) of the environment, concurrently and bounded."""
    from pytest_biothings_ready.probes.ports.scanner import scan

    env, started = ctx.env, time.perf_counter()
    hosts, ports = tuple(env.hosts()), ports_to_scan(env)
    resolved = [target for host in hosts for target in _resolve(host)]
    timeout = float(env.get("ports.timeout_s") or env.timeout)
    found = scan(((t, p) for t in resolved for p in ports), timeout,
                 int(env.get("ports.parallel")), float(env.get("ports.budget_s")))  # fmt: skip
    _require_service_reachable(env, found)
    return PortScan(
        open=tuple(sorted(t for t, s in found.items() if s == "open")),
        closed=sum(1 for s in found.values() if s == "closed"),
        filtered=tuple(sorted(t for t, s in found.items() if s == "filtered")),
        hosts=hosts,
        ports=ports,
        scope=_scope(env),
        elapsed_s=time.perf_counter() - started,
    )


def ports_to_scan(env: Environment) -> tuple[int, ...]:
    """The scan list: ``ports.scan`` (or every port) or the default, plus extras and URLs."""
    from pytest_biothings_ready.probes.ports.services import DEFAULT_PORTS

    scan = env.get("ports.scan")
    if scan == ALL:
        return tuple(range(1, 65536))
    chosen = list(DEFAULT_PORTS if scan is None else scan)  # [] means: only the URLs' ports
    chosen += [int(p) for p in env.get("ports.extra") or []]
    chosen += [port for _, port in url_endpoints(env)]
    return tuple(sorted(set(chosen)))


def url_endpoints(env: Environment) -> list[tuple[str, int]]:
    """(host, port) of each of the environment's own URLs."""
    endpoints = []
    for key in _URL_KEYS:
        value = env.get(key) if key != "http_url" else env.http_url
        if isinstance(value, str) and (parts := urlsplit(value)).hostname:
            port = parts.port or _DEFAULT_PORT.get(parts.scheme)
            if port:
                endpoints.append((parts.hostname, port))
    return endpoints


def _scope(env: Environment) -> str:
    scan = env.get("ports.scan")
    return "all" if scan == ALL else ("default list" if scan is None else "ports.scan")


def _resolve(host: str) -> list[Target]:
    """Every address of ``host`` (IPv4 and IPv6): a debugger listening on only one of
    them is still reachable."""
    from pytest_biothings_ready.probes.ports.scanner import Target

    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ProbeError(f"cannot resolve {host}: {exc.strerror or exc}") from None
    unique = dict.fromkeys((family, str(address[0])) for family, _, _, _, address in found)
    return [Target(host, family, address) for family, address in unique]


def _require_service_reachable(env: Environment, found: dict[tuple[str, int], str]) -> None:
    """With the service itself unreachable, "nothing open" would say nothing."""
    endpoints = [e for e in url_endpoints(env) if e in found]
    if endpoints and not any(found[e] == "open" for e in endpoints):
        shown = ", ".join(f"{host}:{port}" for host, port in endpoints)
        raise ProbeError(
            f"the service's own ports are not reachable ({shown}): "
            "cannot tell a firewall from an outage"
        )
