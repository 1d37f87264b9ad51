"""A log sink, a login service that writes to it, and Loki/Elasticsearch over it.

The Loki and Elasticsearch stand-ins speak the same endpoints and JSON shapes as those
of tests/observability/standins.py, but serve what the service wrote (live), so a
login's audit line appears only if the service really wrote one.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

PASSWORD = "audit-test-password-7Hq"
TOKEN = "opaque-token-for-tests"


@dataclass
class Sink:
    """Log lines (Unix time, text), appended by the service."""

    lines: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def write(self, text: str, at: float | None = None) -> None:
        with self.lock:
            self.lines.append((time.time() if at is None else at, text))

    def since(self, start: float) -> list[tuple[float, str]]:
        with self.lock:
            return [(t, x) for t, x in self.lines if t >= start]


def login_app(sink: Sink, audit: str | None, delay_s: float = 0.0) -> Starlette:
    """Login (alice) and /api/me; every request writes an access line to ``sink``.

    ``audit``: a format for the audit line the login writes (``{user}``), None: none.
    ``delay_s``: how late that line reaches the sink (shipping lag).
    """

    async def login(request: Request) -> Response:
        data = await request.json()
        sink.write("POST /api/login HTTP/1.1 200")
        if data.get("username") != "alice" or data.get("password") != PASSWORD:
            return JSONResponse({"error": "bad credentials"}, 401)
        if audit is not None:
            line = audit.replace("{user}", data["username"])
            timer = threading.Timer(delay_s, sink.write, (line,))
            timer.start() if delay_s else sink.write(line)
        return JSONResponse({"access_token": TOKEN})

    async def me(request: Request) -> Response:
        sink.write("GET /api/me HTTP/1.1")
        if request.headers.get("authorization") == f"Bearer {TOKEN}":
            return JSONResponse({"user": "alice"})
        return JSONResponse({}, 401)

    return Starlette(routes=[Route("/api/login", login, methods=["POST"]), Route("/api/me", me)])


def loki_over(sink: Sink) -> Starlette:
    """Loki's query_range over ``sink`` (honours ``start``)."""

    async def query_range(request: Request) -> JSONResponse:
        start = int(request.query_params.get("start", "0")) / 1e9
        values = [[str(int(t * 1e9)), x] for t, x in sink.since(start)]
        result = [{"stream": {"app": "api"}, "values": values}] if values else []
        return JSONResponse(
            {"status": "success", "data": {"resultType": "streams", "result": result}}
        )

    return Starlette(routes=[Route("/loki/api/v1/query_range", query_range)])


def elasticsearch_over(sink: Sink) -> Starlette:
    """Elasticsearch's _search over ``sink`` (ignores ``q``): JSON lines become documents."""

    def document(at: float, text: str) -> dict[str, Any]:
        try:
            doc = json.loads(text)
        except ValueError:
            doc = {"message": text}
        stamp = datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z")
        return {"@timestamp": stamp, **doc}

    async def search(request: Request) -> JSONResponse:
        hits = [{"_index": "audit", "_source": document(t, x)} for t, x in sink.since(0.0)]
        return JSONResponse({"hits": {"total": {"value": len(hits)}, "hits": hits}})

    return Starlette(routes=[Route("/{index}/_search", search)])
