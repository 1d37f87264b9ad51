"""Open-ports probe: TCP connect to the environment's hosts over a list of ports.

Every host the environment names (``env.hosts()``) is tried on the well-known service
ports below (``ports.scan`` replaces them, ``ports.extra`` adds to them) plus the
ports of the environment's own URLs, concurrently, each connect bounded by
``timeout_s``.  A port that accepts a connection is *open*; refused is *closed*; no
answer in time is *filtered* (a firewall dropping packets).  Anything open that is
not in ``allowed_ports`` fails the line.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pytest_biothings_ready.config.schema import Key, register
from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["DEFAULT_PORTS", "PortScan", "scan_ports"]

# Services that are commonly exposed by mistake: remote shells and desktops, mail,
# databases, caches, message brokers, search engines, dashboards, container daemons.
DEFAULT_PORTS: tuple[int, ...] = (
    21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1433, 1521,
    2049, 2375, 2376, 2379, 3000, 3306, 3389, 5000, 5432, 5601, 5672, 5900, 5984, 6379,
    6443, 8000, 8080, 8443, 8888, 9000, 9090, 9093, 9200, 9300, 10250, 11211, 15672,
    27017,
)  # fmt: skip
MAX_PARALLEL = 64
_URL_KEYS = ("base_url", "http_url", "websocket_url", "metrics_url", "prometheus_url",
             "alertmanager_url")  # fmt: skip
_DEFAULT_PORT = {"http": 80, "ws": 80, "https": 443, "wss": 443}

register(
    Key("ports.scan", "list", "TCP ports to try on every host (replaces the default list).",
        values="int", family="ports"),
    Key("ports.extra", "list", "TCP ports tried in addition to the default list.",
        values="int", family="ports"),
)  # fmt: skip


@dataclass(frozen=True)
class PortScan:
    """The state of each scanned TCP port, per host.

    Attributes:
        open: (host, port) pairs that accepted a connection.
        closed: how many connections were refused.
        filtered: (host, port) pairs that gave no answer within the timeout.
        hosts: the hosts scanned.
        ports: the ports tried on each host.
    """

    open: tuple[tuple[str, int], ...]
    closed: int
    filtered: tuple[tuple[str, int], ...]
    hosts: tuple[str, ...]
    ports: tuple[int, ...]


@gatherer("ports", needs=("base_url",))
def scan_ports(ctx: Context) -> PortScan:
    """Connect to every (host, port) of the environment, concurrently and bounded."""
    from concurrent.futures import ThreadPoolExecutor

    hosts, ports = tuple(ctx.env.hosts()), ports_to_scan(ctx.env)
    targets = [(host, port) for host in hosts for port in ports]
    workers = min(MAX_PARALLEL, len(targets))
    with ThreadPoolExecutor(workers, thread_name_prefix="ready-ports") as pool:
        states = list(pool.map(lambda t: _state(t[0], t[1], ctx.timeout), targets))
    found = dict(zip(targets, states, strict=True))
    _require_service_reachable(ctx.env, found)
    return PortScan(
        open=tuple(t for t, s in found.items() if s == "open"),
        closed=sum(1 for s in states if s == "closed"),
        filtered=tuple(t for t, s in found.items() if s == "filtered"),
        hosts=hosts,
        ports=ports,
    )


def ports_to_scan(env: Environment) -> tuple[int, ...]:
    """The scan list: ``ports.scan`` or the default, plus extras and the URLs' ports."""
    scan = env.get("ports.scan")
    chosen = list(DEFAULT_PORTS if scan is None else scan)  # [] means: only the URLs' ports
    chosen += [int(p) for p in env.get("ports.extra") or []]
    chosen += [port for _, port in _url_endpoints(env)]
    return tuple(sorted(set(chosen)))


@check("Firewall rules configured (only necessary ports open)", uses=("ports",),
       needs=("allowed_ports",))  # fmt: skip
def only_allowed_ports_open(ctx: Context) -> Verdict:
    """Only the ports in allowed_ports accept TCP connections on the service's hosts.

    Every host named by the environment is tried on a list of well-known service
    ports (``ports.scan``/``ports.extra``) plus the ports of its own URLs; any port
    that accepts a connection and is not in ``allowed_ports`` fails the line.
    """
    scan: PortScan = ctx.evidence("ports")
    allowed = {int(p) for p in ctx.env.require("allowed_ports")}
    extra = [f"{host}:{port}" for host, port in scan.open if port not in allowed]
    seen = (
        f"{len(scan.ports)} TCP ports tried on {', '.join(scan.hosts)}: open "
        f"{_list(scan.open)}, {scan.closed} closed, {len(scan.filtered)} filtered; "
        f"allowed_ports {sorted(allowed)}"
    )
    if extra:
        return Verdict.failed(f"open but not in allowed_ports: {', '.join(extra)} ({seen})")
    return Verdict.passed(seen)


def _state(host: str, port: int, timeout: float) -> str:
    import socket

    try:
        with socket.create_connection((host, port), timeout=timeout):
            return "open"
    except TimeoutError:
        return "filtered"
    except ConnectionRefusedError:
        return "closed"
    except socket.gaierror as exc:
        raise ProbeError(f"cannot resolve {host}: {exc.strerror or exc}") from None
    except OSError as exc:
        if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return "filtered"  # an ICMP unreachable from a firewall is a drop too
        raise ProbeError(f"cannot probe {host}:{port}: {exc.strerror or exc}") from None


def _require_service_reachable(env: Environment, found: dict[tuple[str, int], str]) -> None:
    """With the service itself unreachable, "nothing open" would say nothing."""
    endpoints = [e for e in _url_endpoints(env) if e in found]
    if endpoints and not any(found[e] == "open" for e in endpoints):
        raise ProbeError(
            f"the service's own ports are not reachable ({_list(tuple(endpoints))}): "
            "cannot tell a firewall from an outage"
        )


def _url_endpoints(env: Environment) -> list[tuple[str, int]]:
    endpoints = []
    for key in _URL_KEYS:
        value = env.get(key) if key != "http_url" else env.http_url
        if isinstance(value, str) and (parts := urlsplit(value)).hostname:
            port = parts.port or _DEFAULT_PORT.get(parts.scheme)
            if port:
                endpoints.append((parts.hostname, port))
    return endpoints


def _list(pairs: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{host}:{port}" for host, port in pairs) or "none"
