"""Opening a connection and waiting for the frame that answers a message.

The ``websockets`` asyncio client runs in the gatherer's thread (``asyncio.run``), so
N concurrent connections cost no extra threads.  ``wss://`` uses the environment's
trust (:func:`~pytest_biothings_ready.evidence.transport.ssl_context`); every wait is
bounded by ``timeout_s``.  A refused upgrade raises ``InvalidStatus`` (an
observation); no answer, a refused connection or garbage instead of HTTP raise
:class:`ProbeError` (nothing observed).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pytest_biothings_ready.errors import ProbeError

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from pytest_biothings_ready.config.environment import Environment

__all__ = [
    "Answer",
    "await_answer",
    "bounded",
    "closed_by",
    "in_background",
    "nonce",
    "open_connection",
    "show",
]

T = TypeVar("T")
U = TypeVar("U")
Frame = str | bytes


@dataclass(frozen=True)
class Answer:
    """What came back after one message.

    Attributes:
        matched: a frame answered the message.
        frame: that frame, shortened for evidence (``""`` when none).
        skipped: frames that arrived but did not answer (greetings, broadcasts), shortened.
        closed: how the server closed the connection meanwhile (``""``: still open).
        elapsed_ms: time to the answer, or until the wait ended.
    """

    matched: bool
    frame: str = ""
    skipped: tuple[str, ...] = ()
    closed: str = ""
    elapsed_ms: float = 0.0

    def describe(self) -> str:
        """What arrived instead of an answer, for a failure."""
        seen = (
            f"frames that do not answer it: {'; '.join(self.skipped)}"
            if self.skipped
            else ("no frame")
        )
        return f"{seen}; the server closed the connection ({self.closed})" if self.closed else seen


async def bounded(awaitable: Awaitable[T], seconds: float, what: str) -> T:
    """``awaitable`` within ``seconds``; ProbeError naming ``what`` otherwise."""
    import asyncio

    try:
        return await asyncio.wait_for(awaitable, seconds)
    except TimeoutError:
        raise ProbeError(f"{what}: no answer within {seconds:g} s") from None


async def open_connection(env: Environment) -> ClientConnection:
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


async def await_answer(
    connection: ClientConnection,
    message: Frame,
    answers: Callable[[Frame], bool],
    seconds: float,
    opened: float,
    drain_s: float = 0.0,
) -> Answer:
    """Send ``message``; read frames until one ``answers`` it, the time is up or it closes.

    ``opened`` (``time.perf_counter()`` at the upgrade) dates a close in the evidence.
    ``drain_s``: first read what the server sends unprompted for up to that long (a
    greeting that happens to contain the expected text must not count as the answer).
    """
    import asyncio

    from websockets.exceptions import ConnectionClosed

    started = time.perf_counter()
    skipped: list[str] = []
    try:
        with contextlib.suppress(TimeoutError):
            while drain_s > 0:
                skipped.append(show(await asyncio.wait_for(connection.recv(), drain_s)))
        await connection.send(message)
        while (left := seconds - (time.perf_counter() - started)) > 0:
            frame = await asyncio.wait_for(connection.recv(), left)
            if answers(frame):
                return Answer(True, show(frame), tuple(skipped), "", _ms(started))
            skipped.append(show(frame))
    except TimeoutError:
        pass
    except ConnectionClosed as exc:
        return Answer(False, "", tuple(skipped), closed_by(exc.rcvd, opened), _ms(started))
    return Answer(False, "", tuple(skipped), "", _ms(started))


def in_background(
    name: str, main: Callable[[Future[T]], Coroutine[Any, Any, U]], bound: float
) -> tuple[T, Future[U]]:
    """Run ``main(early)`` on its own event loop and thread; return once it sets ``early``.

    The rest of ``main`` (an idle wait: a hold, a settle delay) goes on in the
    background, so the gatherer returns and exclusive probes need not wait for it;
    the check collects the rest from the returned future.
    """
    import asyncio

    early: Future[T] = Future()
    rest: Future[U] = Future()

    def run() -> None:
        try:
            rest.set_result(asyncio.run(main(early)))
        except BaseException as exc:  # handed to whoever waits, never lost
            for future in (early, rest):
                if not future.done():
                    future.set_exception(exc)

    threading.Thread(target=run, name=f"ready-{name}", daemon=True).start()
    try:
        return early.result(timeout=bound), rest
    except TimeoutError:
        raise ProbeError(f"{name}: no result within {bound:g} s") from None


def nonce() -> str:
    """A random token no server can guess in advance."""
    import secrets

    return secrets.token_hex(8)


def show(frame: Frame, limit: int = 60) -> str:
    """A frame for evidence: text quoted and cut, binary as its size."""
    if isinstance(frame, bytes):
        return f"binary frame of {len(frame)} bytes"
    return repr(frame if len(frame) <= limit else frame[:limit] + "...")


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


def closed_by(received: Any, opened: float) -> str:
    """``code 1011 'bye', 1.0 s after the upgrade`` from the server's close frame."""
    after = time.perf_counter() - opened
    if received is None:
        return f"without a close frame, {after:.1f} s after the upgrade"
    reason = f" {received.reason!r}" if received.reason else ""
    return f"code {received.code}{reason}, {after:.1f} s after the upgrade"


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
