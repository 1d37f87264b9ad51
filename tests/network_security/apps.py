"""Small ASGI services with and without each property, for the security probes.

Each factory returns a Starlette app served on loopback by ``serve_asgi``.  The
models-list app is a stand-in for Google's generative language API (no registry
offers that service): it speaks the same ``GET /v1beta/models`` contract, with the
key in ``x-goog-api-key`` and Google's error shape for a bad key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

APP_ORIGIN = "https://app.example.org"
PASSWORD = "canary-P4ssw0rd-7f3e"  # planted: must never show up in evidence
API_KEY = "canary-AIzaSy-valid-key-0001"


async def _ok(request: Request) -> Response:
    return PlainTextResponse("ok")


def plain_app() -> Starlette:
    """Answers 200 to everything: no CORS headers, no rate limiting."""
    return Starlette(routes=[Route("/api/health", _ok, methods=["GET", "OPTIONS"])])


def cors_app(*origins: str, regex: str | None = None, credentials: bool = True) -> Starlette:
    """Starlette's own CORS middleware, configured as given."""
    cors = Middleware(
        CORSMiddleware,
        allow_origins=list(origins),
        allow_origin_regex=regex,
        allow_credentials=credentials,
        allow_methods=["GET", "POST"],
    )
    return Starlette(routes=[Route("/api/health", _ok)], middleware=[cors])


class WildcardWithCredentials:
    """Adds ``Access-Control-Allow-Origin: *`` plus credentials to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def patched(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"access-control-allow-origin", b"*"),
                    (b"access-control-allow-credentials", b"true"),
                ]
            await send(message)

        await self.app(scope, receive, patched)


def wildcard_credentials_app() -> Starlette:
    return Starlette(
        routes=[Route("/api/health", _ok, methods=["GET", "OPTIONS"])],
        middleware=[Middleware(WildcardWithCredentials)],
    )


def limiting_app(limit: int, status: int = 429, recovers: bool = True) -> Starlette:
    """Limits after ``limit`` requests; recovers after one second, or never."""
    state = {"count": 0}

    async def limited(request: Request) -> Response:
        state["count"] += 1
        if state["count"] <= limit:
            return PlainTextResponse("ok")
        if recovers and state["count"] > limit + 3:
            state["count"] = 0
        return PlainTextResponse("slow down", status, headers={"Retry-After": "1"})

    return Starlette(routes=[Route("/api/health", limited)])


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign(claims: dict[str, Any], secret: str) -> str:
    """An HS256 JWT (the test side's own few lines, independent of the probe's)."""
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


def _claims(token: str, secret: str, verify: bool, accept_none: bool) -> dict[str, Any] | None:
    try:
        head, body, signature = token.split(".")
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    if header.get("alg") == "none":
        return claims if accept_none else None
    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    if verify and not hmac.compare_digest(b64(mac), signature):
        return None
    return claims if isinstance(claims, dict) else None


def auth_app(
    secret: str = "k9V!x2#qLr8@zT4w$Hn6pB1m^Ye3&Ud7",
    verify: bool = True,
    accept_none: bool = False,
    admin_for_everyone: bool = False,
) -> tuple[Starlette, list[str]]:
    """Login, /api/me and /api/admin; returns the app and the tokens it issued."""
    users = {"alice": ("admin", PASSWORD), "bob": ("user", PASSWORD)}
    issued: list[str] = []

    async def login(request: Request) -> Response:
        data = await request.json()
        role, password = users.get(data.get("username"), ("", None))
        if password is None or data.get("password") != password:
            return JSONResponse({"error": "bad credentials"}, 401)
        issued.append(sign({"sub": data["username"], "role": role}, secret))
        return JSONResponse({"data": {"access_token": issued[-1]}})

    def claims_of(request: Request) -> dict[str, Any] | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return _claims(token, secret, verify, accept_none) if scheme == "Bearer" else None

    async def me(request: Request) -> Response:
        claims = claims_of(request)
        return JSONResponse(claims) if claims else JSONResponse({}, 401)

    async def admin(request: Request) -> Response:
        claims = claims_of(request)
        if not claims:
            return JSONResponse({}, 401)
        if claims.get("role") != "admin" and not admin_for_everyone:
            return JSONResponse({}, 403)
        return JSONResponse({"admin": True})

    routes = [
        Route("/api/login", login, methods=["POST"]),
        Route("/api/me", me),
        Route("/api/admin", admin),
    ]
    return Starlette(routes=routes), issued


def models_app(valid_key: str = API_KEY) -> Starlette:
    """A stand-in for Google's models list: 200 for ``valid_key``, else Google's 400."""

    async def models(request: Request) -> Response:
        key = request.headers.get("x-goog-api-key") or request.query_params.get("key")
        if key != valid_key:
            error = {
                "code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "status": "INVALID_ARGUMENT",
                "details": [{"reason": "API_KEY_INVALID"}],
            }
            return JSONResponse({"error": error}, 400)
        return JSONResponse(
            {"models": [{"name": "models/gemini-pro"}, {"name": "models/gemini-flash"}]}
        )

    return Starlette(routes=[Route("/v1beta/models", models)])


# --- CORS targets that a one-origin, one-path probe misses (issue 13) -----------------

OriginRule = Callable[[str, str], bool]


class HandRolledCors:
    """CORS written by hand, as many services do: ``allows(origin, path)`` decides.

    An allowed origin is reflected with credentials on every answer; a preflight is
    answered 204 before the app sees it.
    """

    def __init__(self, app: ASGIApp, allows: OriginRule) -> None:
        self.app = app
        self.allows = allows

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = dict(scope["headers"]).get(b"origin", b"").decode("latin-1")
        extra = []
        if origin and self.allows(origin, scope["path"]):
            extra = [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"access-control-allow-credentials", b"true"),
                (b"access-control-allow-methods", b"GET, POST"),
            ]
        if scope["method"] == "OPTIONS" and dict(scope["headers"]).get(
            b"access-control-request-method"
        ):
            await send({"type": "http.response.start", "status": 204, "headers": extra})
            await send({"type": "http.response.body", "body": b""})
            return

        async def patched(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, patched)


def hand_rolled_cors_app(allows: OriginRule, openapi: list[str] | None = None) -> Starlette:
    """``/api/health``, ``/api/items``, ``/api/hidden`` (and ``/openapi.json`` listing
    ``openapi`` when given) behind :class:`HandRolledCors`."""

    async def spec(request: Request) -> Response:
        return JSONResponse({"openapi": "3.1.0", "paths": {p: {"get": {}} for p in openapi or []}})

    routes = [Route(p, _ok) for p in ("/api/health", "/api/items", "/api/hidden")]
    if openapi is not None:
        routes.append(Route("/openapi.json", spec))
    return Starlette(routes=routes, middleware=[Middleware(HandRolledCors, allows=allows)])


def exact(origin: str, path: str) -> bool:
    """The correct rule: exactly the configured origin."""
    return origin == APP_ORIGIN


def prefix_match(origin: str, path: str) -> bool:
    """``origin.startswith(allowed)``: lets in https://app.example.org.evil.example."""
    return origin.startswith(APP_ORIGIN)


def suffix_match(origin: str, path: str) -> bool:
    """``origin.endswith(domain)``: lets in https://evilexample.org."""
    return origin.endswith("example.org")


def host_only_match(origin: str, path: str) -> bool:
    """Compares the host only: lets in http://app.example.org and other ports."""
    return origin.split("://")[-1].split(":")[0] == "app.example.org"


def unescaped_dot_regex(origin: str, path: str) -> bool:
    """``re.fullmatch("https://app.example.org", origin)``: the dots match any character."""
    import re

    return re.fullmatch("https://app.example.org", origin) is not None


class ReflectsOnlyForBrowsers(HandRolledCors):
    """Reflects any origin, but only to requests that carry a browser's Sec-Fetch-Mode."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        browser = dict(scope.get("headers", [])).get(b"sec-fetch-mode") == b"cors"
        self.allows = (lambda o, p: True) if browser else exact
        await super().__call__(scope, receive, send)


def strict_on_health_only(origin: str, path: str) -> bool:
    """Exact on the health path, any origin on every API path."""
    return origin == APP_ORIGIN if path == "/api/health" else True


def reflects_on_hidden_path(origin: str, path: str) -> bool:
    """Exact everywhere except one API path that only the OpenAPI document names."""
    return True if path == "/api/hidden" else origin == APP_ORIGIN


def reflects_null(origin: str, path: str) -> bool:
    """Exact, plus the ``null`` origin (sandboxed iframes, file:// pages)."""
    return origin in (APP_ORIGIN, "null")


def refuses_everyone(origin: str, path: str) -> bool:
    """No origin at all, not even the configured one."""
    return False


# --- rate limiters, real and fake (issue 13 row 4, issue 9 row 16) -------------------


def window_limiter_app(
    limit: int,
    window_s: float = 1.0,
    status: int = 429,
    recovers: bool = True,
    retry_after: str | None = None,
    extra: dict[str, str] | None = None,
    lockout_s: float | None = None,
) -> Starlette:
    """A fixed-window limiter on ``/api/health``: ``limit`` requests per ``window_s``.

    A refused answer carries ``Retry-After`` (the seconds left in the window, or
    ``retry_after``) and ``extra`` headers.  ``recovers=False``: once limited, always;
    ``lockout_s``: refuses that long after the first refusal whatever it advertised.
    """
    import math
    import time

    state = {"start": 0.0, "count": 0, "locked_until": 0.0, "forever": False}

    async def limited(request: Request) -> Response:
        now = time.monotonic()
        if now - state["start"] >= window_s and now >= state["locked_until"]:
            state["start"], state["count"] = now, 0
        state["count"] += 1
        if state["count"] <= limit and not state["forever"]:
            return PlainTextResponse("ok")
        state["forever"] = not recovers
        if lockout_s is not None and state["locked_until"] <= now:
            state["locked_until"] = now + lockout_s
        left = max(1, math.ceil(window_s - (now - state["start"])))
        headers = {"Retry-After": retry_after or str(left), **(extra or {})}
        return PlainTextResponse("slow down", status, headers=headers)

    return Starlette(routes=[Route("/api/health", limited)])


def sporadic_429_app(every: int = 40) -> Starlette:
    """No limiter: an upstream quota's 429 (with Retry-After) on every ``every``-th request."""
    state = {"count": 0}

    async def upstream(request: Request) -> Response:
        state["count"] += 1
        if state["count"] % every == 0:
            return PlainTextResponse("quota", 429, headers={"Retry-After": "1"})
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/api/health", upstream)])


def status_app(status: int) -> Starlette:
    """``/api/health`` always answers ``status`` (a path that is down before any burst)."""

    async def answer(request: Request) -> Response:
        return PlainTextResponse("unavailable", status)

    return Starlette(routes=[Route("/api/health", answer)])


def token_bucket_app(rate: float, burst: int) -> Starlette:
    """A token-bucket limiter on ``/api/health``: ``rate`` per second, ``burst`` deep."""
    import time

    state = {"tokens": float(burst), "stamp": time.monotonic()}

    async def limited(request: Request) -> Response:
        now = time.monotonic()
        state["tokens"] = min(burst, state["tokens"] + (now - state["stamp"]) * rate)
        state["stamp"] = now
        if state["tokens"] >= 1:
            state["tokens"] -= 1
            return PlainTextResponse("ok")
        return PlainTextResponse("slow down", 429, headers={"Retry-After": "1"})

    return Starlette(routes=[Route("/api/health", limited)])
