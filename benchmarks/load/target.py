"""The fixed 20 ms endpoint of the load benchmark (run under uvicorn in its own process)."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route


async def health(_request: Request) -> Response:
    await asyncio.sleep(0.020)
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/api/health", health)])
