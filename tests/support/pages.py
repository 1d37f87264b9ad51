"""Small web apps whose pages behave well or badly in a real browser.

``pages_app(api)`` serves HTML pages below ``/``; ``api`` is the origin their scripts
call (the same server, or a second one to exercise CORS).  ``api_app(cors_origin)``
answers ``/api/data`` (200), ``/api/broken`` (500) and allows ``cors_origin`` when given.
"""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route


def _html(body: str) -> str:
    return f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>"


def _fetch(path: str) -> str:
    return (
        f"<script>fetch('{{API}}{path}').then(r => r.json())"
        ".then(d => { document.body.dataset.done = 'yes'; });</script>"
    )


PAGES = {
    "/clean": _html("<p>fine</p><script src='/app.js'></script>"),
    "/calls-api": _html(_fetch("/api/data")),
    "/calls-broken-api": _html(_fetch("/api/broken")),
    "/throws": _html("<script>null.boom();</script>"),
    "/console-error": _html("<script>console.error('cannot render widget');</script>"),
    "/missing-script": _html("<script src='/nope.js'></script>"),
    "/external": _html("<img src='http://cdn.example.invalid/logo.png'>"),
    "/slow-script": _html("<script src='/slow.js'></script>"),
    "/long-poll": _html(_fetch("/api/wait") + _fetch("/api/data")),
    "/needs-cdn": _html(
        "<script src='http://cdn.example.invalid/lib.js'></script><script>lib.init();</script>"
    ),
}


def pages_app(api: str = "") -> Starlette:
    """Pages whose API calls go to ``api`` (default: the same origin)."""

    async def page(request: Request) -> Response:
        html = PAGES.get(request.url.path)
        if html is None:
            return PlainTextResponse("not found", status_code=404)
        return HTMLResponse(html.replace("{API}", api))

    async def script(request: Request) -> Response:
        return Response("document.title = 'ok';", media_type="application/javascript")

    async def slow(request: Request) -> Response:
        await asyncio.sleep(10)  # longer than any test's timeout_s
        return Response("", media_type="application/javascript")

    routes = [Route("/app.js", script), Route("/slow.js", slow)]
    routes += [Route(path, page) for path in PAGES]
    if not api:
        routes += api_app().routes
    return Starlette(routes=routes)


def api_app(cors_origin: str | None = None) -> Starlette:
    """The API the pages call; CORS allows ``cors_origin`` when given."""

    def _headers() -> dict[str, str]:
        return {"Access-Control-Allow-Origin": cors_origin} if cors_origin else {}

    async def data(request: Request) -> Response:
        return JSONResponse({"items": [1, 2]}, headers=_headers())

    async def broken(request: Request) -> Response:
        return JSONResponse({"error": "db down"}, status_code=500, headers=_headers())

    async def wait(request: Request) -> Response:
        await asyncio.sleep(10)  # a long poll: answers after any test's timeout
        return JSONResponse({"events": []}, headers=_headers())

    routes = [Route("/api/data", data), Route("/api/broken", broken), Route("/api/wait", wait)]
    return Starlette(routes=routes)
