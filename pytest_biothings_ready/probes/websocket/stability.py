"""Connections held concurrently, in the background.

The gatherer returns as soon as every connection is open (or failed to open); the
hold itself (idle, with a ping every 0.5 s) runs on in its own thread and the check
waits for it.  An idle hold sends no HTTP request, so exclusive probes (the
rate-limit burst) need not wait ``hold_s`` for it: the evidence store only waits for
gatherers to *return* before running them.  Connections opened before a burst are
not subject to it; one that drops during the burst is a real drop.
"""

from __future__ import annotations

import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.websocket.connection import (
    bounded,
    in_background,
    open_connection,
)

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["StabilityReport", "gather_stability"]

# Pings during the hold, so that a silently dead connection is noticed too.
PING_EVERY_S = 0.5


@dataclass(frozen=True)
class StabilityReport:
    """Connections held concurrently.

    Attributes:
        url: ``websocket_url``.
        connections: how many were opened.
        hold_s: how long each was to be held.
        not_opened: one line per connection that did not open.
        pending: the hold in progress; its result is one line per connection that
            dropped or stalled (see :meth:`drops`).
    """

    url: str
    connections: int
    hold_s: float
    not_opened: tuple[str, ...]
    pending: Future[tuple[str, ...]] = field(compare=False, repr=False)

    def drops(self, timeout: float) -> tuple[str, ...]:
        """Every connection that failed, once the hold is over (bounded by the hold)."""
        try:
            held = self.pending.result(timeout=self.hold_s + 2 * timeout + 1.0)
        except TimeoutError:
            raise ProbeError(f"the hold on {self.url} did not end within its bound") from None
        return self.not_opened + held


@gatherer("websocket-stability", needs=("websocket_url",))
def gather_stability(ctx: Context) -> StabilityReport:
    """Open ``websocket.connections`` connections; hold them ``hold_s`` in the background."""
    env = ctx.env
    count, hold_s = int(env.get("websocket.connections")), float(env.get("websocket.hold_s"))

    async def main(opened: Future[tuple[str, ...]]) -> tuple[str, ...]:
        return await _hold_all(env, count, hold_s, opened)

    not_opened, held = in_background("websocket-hold", main, env.timeout + 5.0)
    return StabilityReport(str(env.get("websocket_url")), count, hold_s, not_opened, held)


async def _hold_all(
    env: Environment, count: int, hold_s: float, opened: Future[tuple[str, ...]]
) -> tuple[str, ...]:
    import asyncio

    started = time.monotonic()
    attempts = await asyncio.gather(*(_open(env, i + 1) for i in range(count)))
    connections = [(i + 1, c) for i, c in enumerate(attempts) if not isinstance(c, str)]
    opened.set_result(tuple(c for c in attempts if isinstance(c, str)))
    results = await asyncio.gather(*(_hold(env, i, c, hold_s, started) for i, c in connections))
    return tuple(r for r in results if r)


async def _open(env: Environment, index: int) -> ClientConnection | str:
    from websockets.exceptions import InvalidStatus

    try:
        return await open_connection(env)
    except (InvalidStatus, ProbeError) as exc:
        return f"connection {index} did not open: {exc}"


async def _hold(
    env: Environment, index: int, connection: ClientConnection, hold_s: float, started: float
) -> str | None:
    """Hold one open connection for ``hold_s`` with pings; why it failed, else None."""
    import asyncio

    from websockets.exceptions import ConnectionClosed

    async with connection:
        try:
            while (elapsed := time.monotonic() - started) < hold_s:
                await asyncio.sleep(min(PING_EVERY_S, hold_s - elapsed))
                await bounded(await connection.ping(), env.timeout, "pong")
        except ConnectionClosed as exc:
            return f"connection {index} dropped after {time.monotonic() - started:.1f} s ({exc})"
        except ProbeError as exc:
            return f"connection {index} stalled after {time.monotonic() - started:.1f} s ({exc})"
    return None
