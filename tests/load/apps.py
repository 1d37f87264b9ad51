"""Loopback targets with known behaviour under load (starlette apps).

Each app serves ``/api/health`` (the default load path) and ``/metrics`` (a
Prometheus exposition with ``process_resident_memory_bytes``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

Handler = Callable[[Request], Awaitable[Response]]


def _app(health: Handler, memory: Callable[[], int] = lambda: 50_000_000) -> Starlette:
    async def metrics(_request: Request) -> Response:
        text = (
            "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
            "# TYPE process_resident_memory_bytes gauge\n"
            f"process_resident_memory_bytes {memory()}\n"
        )
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

    return Starlette(routes=[Route("/api/health", health), Route("/metrics", metrics)])


def fast() -> Starlette:
    """Answers 200 at once."""

    async def health(_request: Request) -> Response:
        return PlainTextResponse("ok")

    return _app(health)


def fixed_latency(seconds: float) -> Starlette:
    """Answers 200 after ``seconds``."""

    async def health(_request: Request) -> Response:
        await asyncio.sleep(seconds)
        return PlainTextResponse("ok")

    return _app(health)


def failing_every(n: int) -> Starlette:
    """Every ``n``-th request gets a 500 (n=20: 5% errors)."""
    count = 0

    async def health(_request: Request) -> Response:
        nonlocal count
        count += 1
        return PlainTextResponse("boom", 500) if count % n == 0 else PlainTextResponse("ok")

    return _app(health)


def degrading_past(limit: int, latency: float = 0.005) -> Starlette:
    """Answers 503 while more than ``limit`` requests are in flight."""
    inflight = 0

    async def health(_request: Request) -> Response:
        nonlocal inflight
        inflight += 1
        try:
            await asyncio.sleep(latency)
            return PlainTextResponse("busy", 503) if inflight > limit else PlainTextResponse("ok")
        finally:
            inflight -= 1

    return _app(health)


def leaking(bytes_per_request: int = 64_000) -> Starlette:
    """Reports resident memory growing by ``bytes_per_request`` with every request.

    The growth is simulated in the gauge (nothing is really kept), so the test process
    itself does not grow by hundreds of megabytes.
    """
    served = 0

    async def health(_request: Request) -> Response:
        nonlocal served
        served += 1
        return PlainTextResponse("ok")

    return _app(health, memory=lambda: 50_000_000 + served * bytes_per_request)


def drainable() -> Starlette:
    """Answers 503 between POST /hooks/out and POST /hooks/restore (no second backend)."""
    out = False

    async def health(_request: Request) -> Response:
        return PlainTextResponse("drained", 503) if out else PlainTextResponse("ok")

    async def hook(request: Request) -> Response:
        nonlocal out
        out = request.path_params["action"] == "out"
        return PlainTextResponse("done")

    app = _app(health)
    app.add_route("/hooks/{action}", hook, methods=["POST"])
    return app
