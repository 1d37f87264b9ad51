"""WebSocket: handshake, message round trip, ping/pong, stability, a real-time exchange.

The ``websockets`` asyncio client runs in the gatherer's thread (``asyncio.run``), so
N concurrent connections cost no extra threads.  ``wss://`` uses the environment's
trust (:func:`~pytest_biothings_ready.evidence.transport.ssl_context`).  Every
operation is bounded by ``timeout_s``.

A refused upgrade (the server answers e.g. 403 or 200 instead of 101) is an
observation: the item fails.  No answer, a refused connection or garbage instead of
an HTTP answer means the property could not be observed: the item is ``error``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pytest_biothings_ready.config.schema import Key, register
from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["RealtimeReport", "StabilityReport", "WebSocketReport"]

register(
    Key(
        "websocket.message",
        "str",
        "Text sent for the round trip; any reply counts.",
        "ready-probe",
        family="websocket",
    ),
    Key(
        "websocket.headers",
        "map",
        "Headers of the opening handshake (e.g. a token).",
        values="str",
        family="websocket",
    ),
    Key(
        "websocket.connections",
        "int",
        "Connections held at once for stability.",
        5,
        family="websocket",
    ),
    Key("websocket.hold_s", "float", "Seconds the connections are held.", 2.0, family="websocket"),
    Key(
        "websocket.realtime_send",
        "str",
        "Message that triggers a real-time reply.",
        family="websocket",
    ),
    Key(
        "websocket.realtime_expect",
        "str",
        "Text the real-time reply must contain.",
        family="websocket",
    ),
)

# Pings during the hold, so that a silently dead connection is noticed too.
PING_EVERY_S = 0.5
T = TypeVar("T")


@dataclass(frozen=True)
class WebSocketReport:
    """One connection's handshake, round trip and ping.

    Attributes:
        url: ``websocket_url``.
        refused: the HTTP status that refused the upgrade, else None.
        handshake_ms: time to an open connection, milliseconds.
        reply: the reply to ``websocket.message`` (None when refused).
        pong_ms: ping round-trip time, milliseconds (None when refused).
    """

    url: str
    refused: int | None
    handshake_ms: float = 0.0
    reply: str | None = None
    pong_ms: float | None = None


@dataclass(frozen=True)
class StabilityReport:
    """Connections held concurrently.

    Attributes:
        url: ``websocket_url``.
        connections: how many were opened.
        hold_s: how long each was to be held.
        drops: one line per connection that failed or closed early.
    """

    url: str
    connections: int
    hold_s: float
    drops: tuple[str, ...]


@dataclass(frozen=True)
class RealtimeReport:
    """The configured real-time exchange.

    Attributes:
        url: ``websocket_url``.
        sent: ``websocket.realtime_send``.
        expected: ``websocket.realtime_expect``.
        replies: what came back before the expected text or the timeout.
        matched: whether a reply contained the expected text.
    """

    url: str
    sent: str
    expected: str
    replies: tuple[str, ...]
    matched: bool


async def _bounded(awaitable: Awaitable[T], seconds: float, what: str) -> T:
    import asyncio

    try:
        return await asyncio.wait_for(awaitable, seconds)
    except TimeoutError:
        raise ProbeError(f"{what}: no answer within {seconds:g} s") from None


def _connect_options(env: Environment) -> dict[str, Any]:
    from pytest_biothings_ready.evidence.transport import ssl_context

    url = str(env.require("websocket_url"))
    if not env.in_scope(url):
        raise ProbeError(f"{url} is outside the hosts of environment {env.name!r}")
    return {
        "uri": url,
        "open_timeout": env.timeout,
        "close_timeout": env.timeout,
        "ping_interval": None,
        "max_size": 2**20,
        "proxy": None,
        "ssl": ssl_context(env) if url.startswith("wss:") else None,
        "additional_headers": dict(env.get("websocket.headers") or {}),
    }


async def _open(env: Environment) -> ClientConnection:
    """An open connection; a refused upgrade raises InvalidStatus, the rest ProbeError."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidHandshake, InvalidStatus

    options = _connect_options(env)
    try:
        return await connect(**options)
    except InvalidStatus:
        raise
    except (InvalidHandshake, OSError, TimeoutError) as exc:
        reason = str(exc) or type(exc).__name__
        raise ProbeError(f"WebSocket handshake with {options['uri']} failed: {reason}") from None


async def _round_trip(env: Environment) -> WebSocketReport:
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    url, started = str(env.get("websocket_url")), time.perf_counter()
    try:
        connection = await _open(env)
    except InvalidStatus as exc:
        return WebSocketReport(url, exc.response.status_code)
    opened = (time.perf_counter() - started) * 1000
    async with connection:
        try:
            await connection.send(str(env.get("websocket.message")))
            reply = await _bounded(connection.recv(), env.timeout, f"reply on {url}")
            started = time.perf_counter()
            pong = await connection.ping()
            await _bounded(pong, env.timeout, f"pong on {url}")
        except ConnectionClosed as exc:
            raise ProbeError(f"{url} closed the connection: {exc}") from None
    pong_ms = (time.perf_counter() - started) * 1000
    return WebSocketReport(url, None, opened, str(reply), pong_ms)


@gatherer("websocket", needs=("websocket_url",))
def gather_websocket(ctx: Context) -> WebSocketReport:
    """Open one connection, exchange a message and a ping."""
    import asyncio

    return asyncio.run(_round_trip(ctx.env))


async def _hold(env: Environment, index: int, hold_s: float) -> str | None:
    """Hold one connection for ``hold_s`` with pings; why it failed, else None."""
    import asyncio

    from websockets.exceptions import ConnectionClosed, InvalidStatus

    started = time.monotonic()
    try:
        connection = await _open(env)
    except (InvalidStatus, ProbeError) as exc:
        return f"connection {index} did not open: {exc}"
    async with connection:
        try:
            while (elapsed := time.monotonic() - started) < hold_s:
                await asyncio.sleep(min(PING_EVERY_S, hold_s - elapsed))
                await _bounded(await connection.ping(), env.timeout, "pong")
        except ConnectionClosed as exc:
            return f"connection {index} dropped after {time.monotonic() - started:.1f} s ({exc})"
        except ProbeError as exc:
            return f"connection {index} stalled after {time.monotonic() - started:.1f} s ({exc})"
    return None


async def _hold_all(env: Environment, count: int, hold_s: float) -> tuple[str, ...]:
    import asyncio

    results = await asyncio.gather(*(_hold(env, i + 1, hold_s) for i in range(count)))
    return tuple(r for r in results if r)


@gatherer("websocket-stability", needs=("websocket_url",), quiet=True)
def gather_stability(ctx: Context) -> StabilityReport:
    """Hold ``websocket.connections`` connections for ``websocket.hold_s`` seconds."""
    import asyncio

    count = int(ctx.env.get("websocket.connections"))
    hold_s = float(ctx.env.get("websocket.hold_s"))
    drops = asyncio.run(_hold_all(ctx.env, count, hold_s))
    return StabilityReport(str(ctx.env.get("websocket_url")), count, hold_s, drops)


async def _exchange(env: Environment, sent: str, expected: str) -> RealtimeReport:
    import asyncio

    from websockets.exceptions import ConnectionClosed, InvalidStatus

    url = str(env.get("websocket_url"))
    replies: list[str] = []
    try:
        connection = await _open(env)
    except InvalidStatus as exc:
        raise ProbeError(f"{url} refused the upgrade ({exc.response.status_code})") from None
    async with connection:
        await connection.send(sent)
        deadline = time.monotonic() + env.timeout
        try:
            while not any(expected in r for r in replies) and time.monotonic() < deadline:
                message = await asyncio.wait_for(connection.recv(), deadline - time.monotonic())
                replies.append(message if isinstance(message, str) else repr(message))
        except (TimeoutError, ConnectionClosed):
            pass  # judged below: no reply containing the expected text
    return RealtimeReport(url, sent, expected, tuple(replies), any(expected in r for r in replies))


@gatherer(
    "websocket-realtime",
    needs=("websocket_url", "websocket.realtime_send", "websocket.realtime_expect"),
)
def gather_realtime(ctx: Context) -> RealtimeReport:
    """Send ``websocket.realtime_send`` and wait for a reply containing the expected text."""
    import asyncio

    sent = str(ctx.env.require("websocket.realtime_send"))
    expected = str(ctx.env.require("websocket.realtime_expect"))
    return asyncio.run(_exchange(ctx.env, sent, expected))


@check(
    "WebSocket functionality verified", uses=("websocket",), needs=("websocket_url",), smoke=True
)
def websocket_works(ctx: Context) -> Verdict:
    """websocket_url completes the handshake, answers a message and answers a ping."""
    report: WebSocketReport = ctx.evidence("websocket")
    if report.refused is not None:
        return Verdict.failed(
            f"{report.url} refused the WebSocket upgrade with HTTP "
            f"{report.refused}; required: 101 Switching Protocols."
        )
    reply = (report.reply or "")[:60]
    return Verdict.passed(
        f"{report.url}: handshake in {report.handshake_ms:.0f} ms, reply {reply!r} to "
        f"{ctx.env.get('websocket.message')!r}, pong in {report.pong_ms or 0:.0f} ms."
    )


@check("WebSocket connections stable", uses=("websocket-stability",), needs=("websocket_url",))
def websocket_stable(ctx: Context) -> Verdict:
    """websocket.connections concurrent connections stay open websocket.hold_s, answering pings."""
    report: StabilityReport = ctx.evidence("websocket-stability")
    held = f"{report.connections} connections held {report.hold_s:g} s on {report.url}"
    if report.drops:
        return Verdict.failed(
            f"{held}: {len(report.drops)} failed: " + "; ".join(report.drops) + "."
        )
    return Verdict.passed(f"{held}: none dropped, every ping answered.")


@check(
    "Real-time features functioning",
    uses=("websocket-realtime",),
    needs=("websocket_url", "websocket.realtime_send", "websocket.realtime_expect"),
)
def realtime_works(ctx: Context) -> Verdict:
    """Sending websocket.realtime_send gets a reply containing websocket.realtime_expect."""
    report: RealtimeReport = ctx.evidence("websocket-realtime")
    seen = "; ".join(r[:80] for r in report.replies) or "no reply"
    if not report.matched:
        return Verdict.failed(
            f"{report.url}: sent {report.sent!r}, got {seen!r} within "
            f"{ctx.env.timeout:g} s; expected a reply containing "
            f"{report.expected!r}."
        )
    return Verdict.passed(
        f"{report.url}: sent {report.sent!r}, got {seen!r} (contains {report.expected!r})."
    )
