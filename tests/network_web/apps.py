"""Small Starlette targets for the web and WebSocket probe tests, good and broken."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect


def health_app(status: int = 200, delay_s: float = 0.0) -> Starlette:
    """``/health`` answering ``status`` after ``delay_s`` seconds."""

    async def health(request: Request) -> Response:
        await asyncio.sleep(delay_s)
        return JSONResponse({"status": "ok" if status < 400 else "down"}, status_code=status)

    return Starlette(routes=[Route("/health", health)])


def api_app(
    agents_name: str = "planner",
    etag: bool = True,
    honour_304: bool = True,
    cache_control: str = "public, max-age=30",
) -> Starlette:
    """A little API: login (token), /me, /agents (cacheable), /items/{id}."""
    body = f'[{{"name":"{agents_name}"}}]'.encode()
    tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

    async def login(request: Request) -> Response:
        data = await request.json()
        if data.get("password") != "pw":
            return JSONResponse({"error": "denied"}, status_code=401)
        return JSONResponse({"access_token": "tok-123", "user": {"id": 7}})

    async def me(request: Request) -> Response:
        if request.headers.get("authorization") != "Bearer tok-123":
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        return JSONResponse({"username": "demo"})

    async def item(request: Request) -> Response:
        return JSONResponse({"id": request.path_params["ident"], "status": "completed"})

    async def agents(request: Request) -> Response:
        headers = {"Cache-Control": cache_control, **({"ETag": tag} if etag else {})}
        if honour_304 and etag and request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    return Starlette(
        routes=[
            Route("/login", login, methods=["POST"]),
            Route("/me", me),
            Route("/items/{ident}", item),
            Route("/agents", agents),
        ]
    )


def frontend_app(
    asset_cache: str = "public, max-age=31536000",
    cdn_header: bool = True,
    missing_asset: bool = False,
    html: bool = True,
) -> Starlette:
    """``/`` referencing ``/a.js`` and ``/a.css``; optionally broken."""
    page = (
        '<html><head><link rel="stylesheet" href="/a.css"></head>'
        '<body><script src="a.js"></script></body></html>'
    )

    async def index(request: Request) -> Response:
        return HTMLResponse(page) if html else PlainTextResponse(page)

    async def asset(request: Request) -> Response:
        if missing_asset and request.url.path.endswith(".js"):
            return PlainTextResponse("gone", status_code=404)
        headers = {"Cache-Control": asset_cache, **({"X-Cache": "HIT"} if cdn_header else {})}
        return PlainTextResponse("/* asset */", headers=headers)

    return Starlette(routes=[Route("/", index), Route("/a.js", asset), Route("/a.css", asset)])


def websocket_app(mode: str = "echo") -> Starlette:
    """``/ws``: ``echo``, ``refuse`` (403 before accept), ``drop`` (closes after 1 s),
    or ``mute`` (accepts and never replies)."""

    async def endpoint(socket: WebSocket) -> None:
        if mode == "refuse":
            await socket.close(code=1008)
            return
        await socket.accept()
        try:
            if mode == "drop":
                await asyncio.sleep(1.0)
                await socket.close(code=1011)
                return
            while True:
                text = await socket.receive_text()
                if mode == "echo":
                    await socket.send_text(text)
        except WebSocketDisconnect:
            return

    return Starlette(routes=[WebSocketRoute("/ws", endpoint)])


def settings(url: str, **extra: Any) -> dict[str, Any]:
    """Test settings for a target at ``url`` with a short timeout."""
    return {"base_url": url, "timeout_s": 1.0, **extra}


def health_doc_app(body: Any, media_type: str = "application/json") -> Starlette:
    """``/api/health`` answering 200 with ``body`` (JSON-encoded unless bytes/str)."""
    payload = body if isinstance(body, bytes | str) else json.dumps(body)

    async def health(request: Request) -> Response:
        return Response(payload, media_type=media_type)

    return Starlette(routes=[Route("/api/health", health)])


def catch_all_app(prefix: str = "", spa: bool = False) -> Starlette:
    """Every path under ``prefix`` answers 200: an SPA's index.html, or a JSON
    ``{"status": "ok"}`` stamped with the time (so no two bodies are equal)."""

    async def anything(request: Request) -> Response:
        if spa:
            return HTMLResponse("<!doctype html><html><body><div id=root></div></body></html>")
        return JSONResponse({"status": "ok", "time": time.time(), "path": request.url.path})

    return Starlette(routes=[Route(prefix + "/{rest:path}", anything)])
