"""Small Starlette targets for the transport tests; each records what reached it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route


@dataclass
class Seen:
    """What a recording app received: ``(method, path, headers)`` per request.

    Attributes:
        requests: every request, in order.
        streamed: bytes a streaming endpoint has sent so far.
        stopped: whether the streaming endpoint noticed the client went away.
    """

    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    streamed: int = 0
    stopped: bool = False


def recording_app(redirect_to: str = "") -> tuple[Starlette, Seen]:
    """Answers everything 200 JSON; ``/hop`` redirects to ``redirect_to`` (or ``/ok``)."""
    seen = Seen()

    async def anything(request: Request) -> Response:
        seen.requests.append((request.method, request.url.path, dict(request.headers)))
        if request.url.path == "/hop":
            return RedirectResponse(redirect_to or "/ok", status_code=302)
        return JSONResponse({"token": "t", "ok": True})

    routes = [Route("/{path:path}", anything, methods=["GET", "POST", "OPTIONS", "HEAD"])]
    return Starlette(routes=routes), seen


def hostile_app(body_bytes: int = 0, trickle_s: float = 0.0) -> tuple[Starlette, Seen]:
    """``/big`` sends ``body_bytes``; ``/trickle`` one byte per ``trickle_s`` forever;
    ``/stall`` ten bytes, ten more after 0.7 s, then nothing; ``/slow`` no headers for 30 s."""
    seen = Seen()

    async def big(request: Request) -> Response:
        return PlainTextResponse("x" * body_bytes)

    async def trickle(request: Request) -> Response:
        async def forever() -> AsyncIterator[bytes]:
            try:
                while True:
                    seen.streamed += 1
                    yield b"x"
                    await asyncio.sleep(trickle_s)
            finally:
                seen.stopped = True

        return StreamingResponse(forever(), media_type="text/plain")

    async def stall(request: Request) -> Response:
        async def some_then_nothing() -> AsyncIterator[bytes]:
            yield b"x" * 10
            await asyncio.sleep(0.7)  # just inside a read timeout: resets it
            yield b"y" * 10
            await asyncio.sleep(30)
            yield b"never"

        return StreamingResponse(some_then_nothing(), media_type="text/plain")

    async def slow_headers(request: Request) -> Response:
        await asyncio.sleep(30)
        return PlainTextResponse("late")

    routes = [
        Route("/big", big),
        Route("/trickle", trickle),
        Route("/stall", stall),
        Route("/slow", slow_headers),
    ]
    return Starlette(routes=routes), seen
