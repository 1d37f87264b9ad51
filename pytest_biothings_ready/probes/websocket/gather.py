"""The round trip on one connection, and the configured real-time exchange.

The round trip: open; send the probe's message and wait for the frame that answers
it; in echo mode, a binary frame too; a ping; then, ``websocket.settle_s`` later on
the same connection, the message again (a server that closes after a second, or
stops answering, is caught here).  A server that sends nothing back but still
answers pings is *observed* not to answer (failed); one that answers neither hangs
(error).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.websocket.connection import (
    Answer,
    Frame,
    await_answer,
    closed_by,
    in_background,
    nonce,
    open_connection,
)

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["Message", "RealtimeReport", "WebSocketReport", "gather_realtime", "gather_websocket"]

ECHO_MESSAGE = "ready-probe {nonce}"
# How long frames a server sends unprompted (a greeting) are read before the message.
UNPROMPTED_S = 0.1


@dataclass(frozen=True)
class Message:
    """A message template and what answers it; ``{nonce}`` is fresh at every send.

    Attributes:
        send: the text sent.
        expect: the text an answer contains.
        echo: the default echo probe (no configured message).
    """

    send: str
    expect: str
    echo: bool

    @classmethod
    def of(cls, env: Environment) -> Message:
        """``websocket.message``/``websocket.expect``, else the echo probe."""
        message, expect = env.get("websocket.message"), env.get("websocket.expect")
        if message is None:
            return cls(ECHO_MESSAGE, ECHO_MESSAGE, echo=True)
        return cls(str(message), str(expect if expect is not None else message), echo=False)

    @property
    def shown(self) -> str:
        """The template as evidence shows it (``{nonce}`` as ``<random nonce>``)."""
        return self.send.replace("{nonce}", "<random nonce>")

    @property
    def drain_s(self) -> float:
        """Without ``{nonce}`` in the expected text, unprompted frames are read first."""
        return 0.0 if "{nonce}" in self.expect else UNPROMPTED_S

    def fresh(self) -> tuple[str, Callable[[Frame], bool]]:
        """(text to send, the test a frame must pass to answer it)."""
        token = nonce()
        wanted = self.expect.replace("{nonce}", token)
        return self.send.replace("{nonce}", token), lambda f: isinstance(f, str) and wanted in f


@dataclass(frozen=True)
class WebSocketReport:
    """One connection's handshake, answers and ping.

    Attributes:
        url: ``websocket_url``.
        refused: the HTTP status that refused the upgrade, else None.
        handshake_ms: time to an open connection, milliseconds.
        message: what was sent and expected.
        text: the answer to the text message.
        binary: the answer to a binary nonce (echo mode with ``websocket.binary``).
        pong_ms: ping round-trip time (None: no pong, or the connection closed).
        settle_s: ``websocket.settle_s``.
        pending: the message sent again ``settle_s`` later, in the background (its
            answer, or None when it was not sent); see :meth:`later`.
    """

    url: str
    refused: int | None
    handshake_ms: float = 0.0
    message: Message | None = None
    text: Answer | None = None
    binary: Answer | None = None
    pong_ms: float | None = None
    settle_s: float = 0.0
    pending: Future[Answer | None] | None = field(default=None, compare=False, repr=False)

    def later(self, timeout: float) -> Answer | None:
        """The answer ``settle_s`` later (waits for it; bounded)."""
        if self.pending is None:
            return None
        try:
            return self.pending.result(timeout=self.settle_s + 2 * timeout + 1.0)
        except TimeoutError:
            raise ProbeError(f"the second exchange on {self.url} did not end in time") from None


@gatherer("websocket", needs=("websocket_url",))
def gather_websocket(ctx: Context) -> WebSocketReport:
    """Open one connection; answered text (and binary), a ping, and an answer later.

    The gatherer returns after the ping; the second exchange ``settle_s`` later runs
    on in the background (an idle wait must not hold up exclusive probes).
    """
    env = ctx.env

    async def main(early: Future[WebSocketReport]) -> Answer | None:
        return await _round_trip(env, early)

    report, later = in_background("websocket", main, 5 * env.timeout + 5.0)
    return replace(report, pending=later) if report.refused is None else report


async def _round_trip(env: Environment, early: Future[WebSocketReport]) -> Answer | None:
    """Set ``early`` to the report of the first exchanges; return the later answer."""
    from websockets.exceptions import InvalidStatus

    url, started = str(env.get("websocket_url")), time.perf_counter()
    try:
        connection = await open_connection(env)
    except InvalidStatus as exc:
        early.set_result(WebSocketReport(url, exc.response.status_code))
        return None
    opened = time.perf_counter()
    message, settle_s = Message.of(env), float(env.get("websocket.settle_s"))
    async with connection:
        text = await _exchange(connection, message, env.timeout, opened)
        binary = None
        if text.matched and message.echo and env.get("websocket.binary"):
            binary = await _binary(connection, env.timeout, opened)
        pong_ms = await _pong(connection, env.timeout)
        if not text.matched and not text.closed and pong_ms is None:
            raise ProbeError(
                f"{url} answered neither the message nor a ping within {env.timeout:g} s"
            )
        handshake_ms = (opened - started) * 1000
        early.set_result(
            WebSocketReport(url, None, handshake_ms, message, text, binary, pong_ms, settle_s)
        )
        if text.matched and (binary is None or binary.matched):
            return await _later(connection, message, env.timeout, settle_s, opened)
    return None


async def _exchange(
    connection: ClientConnection, message: Message, timeout: float, opened: float
) -> Answer:
    text, answers = message.fresh()
    return await await_answer(connection, text, answers, timeout, opened, message.drain_s)


async def _binary(connection: ClientConnection, timeout: float, opened: float) -> Answer:
    payload = b"ready-probe " + os.urandom(16)
    return await await_answer(
        connection, payload, lambda f: isinstance(f, bytes) and payload in f, timeout, opened
    )


async def _pong(connection: ClientConnection, timeout: float) -> float | None:
    """Milliseconds to a pong; None when none came in time or the connection closed."""
    import asyncio

    from websockets.exceptions import ConnectionClosed

    started = time.perf_counter()
    try:
        await asyncio.wait_for(await connection.ping(), timeout)
    except (TimeoutError, ConnectionClosed):
        return None
    return (time.perf_counter() - started) * 1000


async def _later(
    connection: ClientConnection, message: Message, timeout: float, settle_s: float, opened: float
) -> Answer:
    """After ``settle_s`` on the same connection, the message must still be answered."""
    import asyncio

    try:
        await asyncio.wait_for(asyncio.shield(connection.wait_closed()), settle_s)
    except TimeoutError:
        return await _exchange(connection, message, timeout, opened)
    return Answer(False, closed=closed_by(connection.protocol.close_rcvd, opened))


@dataclass(frozen=True)
class RealtimeReport:
    """The configured real-time exchange.

    Attributes:
        url: ``websocket_url``.
        sent: ``websocket.realtime_send`` (nonce filled in).
        expected: ``websocket.realtime_expect``.
        answer: the frame that contained it, or what arrived instead.
    """

    url: str
    sent: str
    expected: str
    answer: Answer


@gatherer(
    "websocket-realtime",
    needs=("websocket_url", "websocket.realtime_send", "websocket.realtime_expect"),
)
def gather_realtime(ctx: Context) -> RealtimeReport:
    """Send ``websocket.realtime_send``; wait for a frame containing the expected text."""
    import asyncio

    return asyncio.run(_realtime(ctx.env))


async def _realtime(env: Environment) -> RealtimeReport:
    from websockets.exceptions import InvalidStatus

    url = str(env.get("websocket_url"))
    message = Message(
        str(env.require("websocket.realtime_send")),
        str(env.require("websocket.realtime_expect")),
        echo=False,
    )
    try:
        connection = await open_connection(env)
    except InvalidStatus as exc:
        raise ProbeError(f"{url} refused the upgrade ({exc.response.status_code})") from None
    async with connection:
        text, answers = message.fresh()
        opened = time.perf_counter()
        answer = await await_answer(connection, text, answers, env.timeout, opened, message.drain_s)
    return RealtimeReport(url, text, message.expect, answer)
