"""The demo reference service: a small BioThings-like API with production habits.

:func:`build_app` returns the HTTPS application; :func:`redirect_app` the plain-HTTP
listener that sends every request to the same path on HTTPS.  Routes:

- ``/``: an HTML page loading ``/static/app.js`` and ``/static/app.css`` (served
  with long-lived, CDN-style caching headers);
- ``/api/health`` (exempt from rate limiting), ``/api/agents`` and ``/api/search``
  (cacheable, ETag, 304), ``/api/agents/{name}/messages``;
- ``/api/login`` (JWT), ``/api/me`` (any valid token), ``/api/admin`` (role admin),
  ``/api/experiments`` (create, then read back by id);
- ``/v1beta/models``: a fake LLM models list that accepts only the demo API key;
- ``/metrics`` (Prometheus), ``/ws`` (WebSocket echo; ``{"type": "ping"}`` -> pong).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp
from starlette.websockets import WebSocket

from pytest_biothings_ready.demo import tokens
from pytest_biothings_ready.demo.metrics import DemoMetrics
from pytest_biothings_ready.demo.middleware import (
    MetricsMiddleware,
    RateLimitMiddleware,
    SecurityHeadersMiddleware,
    TraceContextMiddleware,
)

__all__ = ["CORS_ORIGIN", "DemoConfig", "build_app", "redirect_app"]

CORS_ORIGIN = "https://app.demo.test"
ASSET_CACHE = "public, max-age=31536000, immutable"
AGENTS = [
    {"name": "planner", "status": "idle"},
    {"name": "analyst", "status": "idle"},
]
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>BioThings demo</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><main id="app">BioThings demo</main><script src="/static/app.js"></script></body>
</html>
"""
ASSETS = {
    "app.js": ("text/javascript", "document.getElementById('app').dataset.ready = '1';\n"),
    "app.css": ("text/css", "main { font-family: sans-serif; }\n"),
}


@dataclass(frozen=True)
class DemoConfig:
    """The secrets of one demo instance, generated at start.

    Attributes:
        jwt_secret: HS256 signing key (32 random bytes).
        api_key: the only key the fake LLM endpoint accepts.
        users: username -> (password, role).
        rate_per_second: requests per second per client and API path.
    """

    jwt_secret: bytes
    api_key: str
    users: dict[str, tuple[str, str]] = field(default_factory=dict)
    rate_per_second: float = 20.0


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def cached_json(request: Request, data: Any, cache_control: str) -> Response:
    """JSON with Cache-Control and a strong ETag; 304 when If-None-Match matches."""
    body = json.dumps(data, separators=(",", ":")).encode()
    tag = _etag(body)
    headers = {"Cache-Control": cache_control, "ETag": tag}
    wanted = [t.strip() for t in request.headers.get("if-none-match", "").split(",")]
    if tag in wanted or "*" in wanted:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


class DemoRoutes:
    """Route handlers bound to one :class:`DemoConfig` and its metrics."""

    def __init__(self, config: DemoConfig, metrics: DemoMetrics) -> None:
        self.config = config
        self.metrics = metrics
        self.experiments: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    async def page(self, request: Request) -> Response:
        return HTMLResponse(PAGE, headers={"Cache-Control": "no-cache"})

    async def asset(self, request: Request) -> Response:
        found = ASSETS.get(request.path_params["name"])
        if found is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        media, text = found
        # A CDN in front of the origin would add Age and X-Cache; the demo imitates it.
        headers = {
            "Cache-Control": ASSET_CACHE,
            "ETag": _etag(text.encode()),
            "X-Cache": "HIT",
            "Age": "42",
            "Via": "1.1 demo-cdn",
        }
        return Response(text, media_type=media, headers=headers)

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})

    async def agents(self, request: Request) -> Response:
        return cached_json(request, AGENTS, "public, max-age=30")

    async def search(self, request: Request) -> Response:
        query = request.query_params.get("q", "")
        found = [a for a in AGENTS if query in a["name"]]
        return cached_json(request, found, "public, max-age=30")

    async def message_agent(self, request: Request) -> Response:
        claims = self._claims(request)
        if claims is None:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        name = request.path_params["name"]
        if name not in {a["name"] for a in AGENTS}:
            return JSONResponse({"error": "unknown agent"}, status_code=404)
        text = str((await self._json(request)).get("text", ""))
        self.metrics.tasks.labels(outcome="success").inc()
        return JSONResponse({"agent": name, "reply": f"{name} received: {text}"})

    async def login(self, request: Request) -> Response:
        data = await self._json(request)
        user = self.config.users.get(str(data.get("username", "")))
        given = str(data.get("password", ""))
        if user is None or not hmac.compare_digest(user[0].encode(), given.encode()):
            return JSONResponse({"error": "invalid credentials"}, status_code=401)
        claims = {"sub": data["username"], "role": user[1]}
        token = tokens.sign(claims, self.config.jwt_secret)
        return JSONResponse({"access_token": token, "token_type": "bearer"})

    async def me(self, request: Request) -> Response:
        claims = self._claims(request)
        if claims is None:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        body = {"username": claims["sub"], "role": claims["role"]}
        return cached_json(request, body, "private, max-age=0, must-revalidate")

    async def admin(self, request: Request) -> Response:
        claims = self._claims(request)
        if claims is None:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        if claims.get("role") != "admin":
            return JSONResponse({"error": "forbidden"}, status_code=403)
        return JSONResponse({"users": sorted(self.config.users)})

    async def create_experiment(self, request: Request) -> Response:
        if self._claims(request) is None:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        data = await self._json(request)
        ident = f"exp-{next(self._ids)}"
        record = {"id": ident, "name": str(data.get("name", "")), "status": "completed"}
        self.experiments[ident] = record
        self.metrics.tasks.labels(outcome="success").inc()
        return JSONResponse({**record, "status": "running"}, status_code=201)

    async def experiment(self, request: Request) -> Response:
        if self._claims(request) is None:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        record = self.experiments.get(request.path_params["ident"])
        if record is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse(record)

    async def models(self, request: Request) -> Response:
        key = request.headers.get("x-goog-api-key") or request.query_params.get("key")
        if not key:
            return JSONResponse(
                {"error": {"code": 403, "status": "PERMISSION_DENIED"}}, status_code=403
            )
        if not hmac.compare_digest(key.encode(), self.config.api_key.encode()):
            return JSONResponse(
                {
                    "error": {
                        "code": 400,
                        "status": "INVALID_ARGUMENT",
                        "message": "API key not valid.",
                    }
                },
                status_code=400,
            )
        return JSONResponse({"models": [{"name": "models/demo-flash"}]})

    async def metrics_page(self, request: Request) -> Response:
        from prometheus_client import CONTENT_TYPE_LATEST

        return Response(self.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    async def websocket(self, socket: WebSocket) -> None:
        await socket.accept()
        while (message := await socket.receive())["type"] == "websocket.receive":
            if message.get("bytes") is not None:
                await socket.send_bytes(message["bytes"])  # binary frames are echoed too
            else:
                await socket.send_text(_ws_reply(message.get("text") or ""))

    def _claims(self, request: Request) -> dict[str, Any] | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return tokens.verify(token.strip(), self.config.jwt_secret)

    @staticmethod
    async def _json(request: Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}


def _ws_reply(text: str) -> str:
    """Echo, except a JSON ``{"type": "ping"}`` which is answered with a pong event."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, dict) and data.get("type") == "ping":
        return json.dumps({"type": "pong", "id": data.get("id")})
    return text


def build_app(config: DemoConfig, metrics: DemoMetrics | None = None) -> Starlette:
    """The HTTPS application of one demo instance."""
    metrics = metrics or DemoMetrics()
    r = DemoRoutes(config, metrics)
    routes = [
        Route("/", r.page),
        Route("/static/{name}", r.asset),
        Route("/api/health", r.health),
        Route("/api/search", r.search),
        Route("/api/agents", r.agents),
        Route("/api/agents/{name}/messages", r.message_agent, methods=["POST"]),
        Route("/api/login", r.login, methods=["POST"]),
        Route("/api/me", r.me),
        Route("/api/admin", r.admin),
        Route("/api/experiments", r.create_experiment, methods=["POST"]),
        Route("/api/experiments/{ident}", r.experiment),
        Route("/v1beta/models", r.models),
        Route("/metrics", r.metrics_page),
        WebSocketRoute("/ws", r.websocket),
    ]
    middleware = [
        Middleware(SecurityHeadersMiddleware),
        Middleware(TraceContextMiddleware),
        Middleware(MetricsMiddleware, metrics=metrics),
        Middleware(
            CORSMiddleware,
            allow_origins=[CORS_ORIGIN],
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        ),
        Middleware(
            RateLimitMiddleware,
            per_second=config.rate_per_second,
            burst=int(config.rate_per_second),
        ),
    ]
    return Starlette(routes=routes, middleware=middleware)


def redirect_app(https_origin: str) -> ASGIApp:
    """A plain-HTTP application answering 301 to the same path on ``https_origin``."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope)
        target = https_origin + request.url.path
        if request.url.query:
            target += "?" + request.url.query
        await RedirectResponse(target, status_code=301)(scope, receive, send)

    return app
