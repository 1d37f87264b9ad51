"""ASGI middleware of the demo service: security headers, rate limiting, metrics.

Written as plain ASGI callables (not ``BaseHTTPMiddleware``) so WebSocket traffic
passes through untouched and responses are not buffered.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from pytest_biothings_ready.demo.metrics import DemoMetrics

__all__ = [
    "MetricsMiddleware",
    "RateLimitMiddleware",
    "SecurityHeadersMiddleware",
    "TraceContextMiddleware",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"server", b"biothings-demo"),
)


class SecurityHeadersMiddleware:
    """Adds HSTS and the usual security headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class TraceContextMiddleware:
    """W3C Trace Context: a request's ``traceparent`` comes back as ``traceresponse``.

    The demo joins the caller's trace (same trace id, a span id of its own), as an
    OpenTelemetry-instrumented service that returns trace context would.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        parent = dict(scope.get("headers", [])).get(b"traceparent", b"")
        parts = parent.split(b"-")
        if scope["type"] != "http" or len(parts) != 4 or len(parts[1]) != 32:
            await self.app(scope, receive, send)
            return
        header = b"00-" + parts[1] + b"-" + secrets.token_hex(8).encode() + b"-01"

        async def send_with_trace(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"traceresponse", header)]
            await send(message)

        await self.app(scope, receive, send_with_trace)


class RateLimitMiddleware:
    """A token bucket per client address and path under ``/api/``.

    Buckets are per path so that a burst against one endpoint (the rate-limit probe)
    does not starve the other probes that run at the same time. Health checks and
    CORS preflights are exempt, as a load balancer's would be.
    """

    EXEMPT = frozenset({"/api/health"})

    def __init__(self, app: ASGIApp, per_second: float = 20.0, burst: int = 20) -> None:
        self.app = app
        self.rate = per_second
        self.burst = float(burst)
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}

    def _allow(self, key: tuple[str, str]) -> bool:
        now = time.monotonic()
        tokens, stamp = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - stamp) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        return allowed

    def _limited(self, scope: Scope) -> bool:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or scope.get("method") == "OPTIONS":
            return False
        if not path.startswith("/api/") or path in self.EXEMPT:
            return False
        client = scope.get("client") or ("?", 0)
        return not self._allow((str(client[0]), path))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._limited(scope):
            await self.app(scope, receive, send)
            return
        body = b'{"error":"rate limit exceeded"}'
        headers = [
            (b"content-type", b"application/json"),
            (b"retry-after", b"1"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class MetricsMiddleware:
    """Counts responses by status and observes their duration."""

    def __init__(self, app: ASGIApp, metrics: DemoMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            self.metrics.observe(str(scope.get("method")), status, time.perf_counter() - started)
