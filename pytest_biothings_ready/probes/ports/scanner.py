"""TCP connect scan with non-blocking sockets: a bounded window of connects in flight.

One thread and a selector instead of a thread per connect: all 65535 ports of a
loopback host take about a second.  Each connect is bounded by its own timeout and
the whole scan by a budget; a scan that cannot finish in its budget raises
:class:`ProbeError` (an error, never a partial pass).

States: **open** (the handshake completed), **closed** (refused), **filtered** (no
answer in time, or an ICMP host/network unreachable).  A loopback connect whose
source port happens to equal its destination port connects to itself (TCP
simultaneous open); that is not a listener, and counts as closed.
"""

from __future__ import annotations

import errno
import selectors
import socket
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from pytest_biothings_ready.errors import ProbeError

__all__ = ["Target", "scan"]

FILTERED = frozenset({errno.ETIMEDOUT, errno.EHOSTUNREACH, errno.ENETUNREACH})
# A host with several addresses: a port is open if any address answers.
RANK = {"closed": 0, "filtered": 1, "open": 2}
# File descriptors left to the rest of the process.
SPARE_FDS = 128


@dataclass(frozen=True)
class Target:
    """A host with its resolved address family and address."""

    host: str
    family: int
    address: str


def scan(
    targets: Iterable[tuple[Target, int]], timeout: float, parallel: int, budget: float
) -> dict[tuple[str, int], str]:
    """``{(host, port): "open" | "closed" | "filtered"}`` for every target."""
    pending = list(targets)[::-1]
    window = _window(parallel)
    states: dict[tuple[str, int], str] = {}
    active: OrderedDict[socket.socket, tuple[Target, int, float]] = OrderedDict()
    ends = time.monotonic() + budget
    with selectors.DefaultSelector() as selector:
        try:
            while pending or active:
                while pending and len(active) < window:
                    _start(selector, active, states, *pending.pop(), timeout)
                _collect(selector, active, states)
                _expire(selector, active, states)
                if time.monotonic() > ends:
                    raise ProbeError(_over_budget(budget, len(states), len(states) + len(pending)
                                                  + len(active)))  # fmt: skip
        finally:
            for sock in active:
                sock.close()
    return states


def _start(
    selector: selectors.BaseSelector,
    active: OrderedDict[socket.socket, tuple[Target, int, float]],
    states: dict[tuple[str, int], str],
    target: Target,
    port: int,
    timeout: float,
) -> None:
    sock = socket.socket(target.family, socket.SOCK_STREAM)
    sock.setblocking(False)
    code = sock.connect_ex((target.address, port))
    if code in (errno.EINPROGRESS, errno.EWOULDBLOCK):
        selector.register(sock, selectors.EVENT_WRITE)
        active[sock] = (target, port, time.monotonic() + timeout)
        return
    _record(states, target, port, _state(sock, code, target, port))
    sock.close()


def _record(states: dict[tuple[str, int], str], target: Target, port: int, state: str) -> None:
    key = (target.host, port)
    if RANK[state] >= RANK[states.get(key, "closed")]:
        states[key] = state


def _collect(
    selector: selectors.BaseSelector,
    active: OrderedDict[socket.socket, tuple[Target, int, float]],
    states: dict[tuple[str, int], str],
) -> None:
    first = next(iter(active.values()), None)
    wait = max(0.0, min(0.05, first[2] - time.monotonic())) if first else 0.0
    for key, _ in selector.select(wait):
        sock = key.fileobj
        assert isinstance(sock, socket.socket)
        target, port, _ = active.pop(sock)
        selector.unregister(sock)
        code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        _record(states, target, port, _state(sock, code, target, port))
        sock.close()


def _expire(
    selector: selectors.BaseSelector,
    active: OrderedDict[socket.socket, tuple[Target, int, float]],
    states: dict[tuple[str, int], str],
) -> None:
    """Connects past their deadline (the oldest first) are filtered."""
    now = time.monotonic()
    while active:
        sock, (target, port, deadline) = next(iter(active.items()))
        if deadline > now:
            return
        del active[sock]
        selector.unregister(sock)
        sock.close()
        _record(states, target, port, "filtered")


def _state(sock: socket.socket, code: int, target: Target, port: int) -> str:
    if code == 0:
        return "closed" if _self_connected(sock) else "open"
    if code == errno.ECONNREFUSED:
        return "closed"
    if code in FILTERED:
        return "filtered"
    raise ProbeError(f"cannot probe {target.host}:{port}: {errno.errorcode.get(code, code)}")


def _self_connected(sock: socket.socket) -> bool:
    try:
        return bool(sock.getsockname() == sock.getpeername())
    except OSError:
        return False


def _window(parallel: int) -> int:
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = soft - SPARE_FDS if soft != resource.RLIM_INFINITY else parallel
    return max(1, min(parallel, limit))


def _over_budget(budget: float, done: int, total: int) -> str:
    return (
        f"port scan did not finish within ports.budget_s {budget:g} s ({done} of {total} "
        "connects answered): raise ports.budget_s or ports.parallel, or lower ports.timeout_s"
    )
