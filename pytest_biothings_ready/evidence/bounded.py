"""The httpx side of :mod:`.transport`: a scoped, capped, deadline-bound transport.

Imported on first use (it imports httpx).  :class:`AccessError` is both a
:class:`~pytest_biothings_ready.errors.ProbeError` (uncaught, the item is ``error``)
and an ``httpx.TransportError`` (call sites that catch ``httpx.HTTPError`` keep
working, with the one wording of :func:`explain`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence import clock
from pytest_biothings_ready.evidence.transport import (
    USER_AGENT,
    Scope,
    credential_headers,
    origin,
    sanitize,
    setting_for,
    ssl_context,
)

__all__ = ["AccessError", "BoundedClient", "BoundedTransport", "build_client", "explain"]

_TRANSPORT_OPTIONS = ("verify", "limits", "http1", "http2", "cert")
_DEFAULT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10)


class AccessError(ProbeError, httpx.TransportError):
    """A request the plugin could not make or complete; the message says why and what to fix."""

    def __init__(self, message: str) -> None:
        httpx.TransportError.__init__(self, message)


def build_client(env: Environment, options: dict[str, Any]) -> BoundedClient:
    """The client :func:`~.transport.http_client` returns (see its docstring)."""
    options = dict(options)
    scope = Scope.of(env, options.pop("extra_hosts", ()))
    inner_options = {k: options.pop(k) for k in _TRANSPORT_OPTIONS if k in options}
    inner_options.setdefault("verify", ssl_context(env))
    inner_options.setdefault("limits", _DEFAULT_LIMITS)
    inner = options.pop("transport", None) or httpx.HTTPTransport(retries=0, **inner_options)
    clock.install(inner)
    max_body = int(env.get("max_body_bytes"))
    headers = httpx.Headers({"User-Agent": USER_AGENT})
    headers.update(options.pop("headers", None) or {})
    settings: dict[str, Any] = {
        "timeout": httpx.Timeout(env.timeout),
        "follow_redirects": False,
        "trust_env": False,
        **options,
    }
    transport = BoundedTransport(inner, env, scope, max_body)
    return BoundedClient(env, transport=transport, headers=headers, **settings)


class BoundedClient(httpx.Client):
    """An ``httpx.Client`` whose redirects stay on one origin and carry no credentials."""

    def __init__(self, env: Environment, **options: Any) -> None:
        super().__init__(**options)
        self._credentials = credential_headers(env)

    def send(self, request: httpx.Request, **options: Any) -> httpx.Response:
        follow = options.get("follow_redirects")
        following = follow if isinstance(follow, bool) else self.follow_redirects
        request.extensions = {**request.extensions, "ready_follow": following}
        return super().send(request, **options)

    def _build_redirect_request(self, request: httpx.Request, response: httpx.Response) -> Any:
        """The next hop (``response.next_request`` too), stripped of every credential.

        httpx builds it for every redirect, followed or not; following one to another
        origin is refused.
        """
        follow = super()._build_redirect_request(request, response)
        if request.extensions.get("ready_follow") and origin(str(follow.url)) != origin(
            str(request.url)
        ):
            raise AccessError(
                f"{request.method} {_shown(request.url)}: redirects to another origin "
                f"({_shown(follow.url)}), which is never followed implicitly"
            )
        for name in self._credentials:
            follow.headers.pop(name, None)
        follow.extensions = {**request.extensions, "ready_redirected": True}
        return follow


class BoundedTransport(httpx.BaseTransport):
    """Checks scope, bounds time and body, maps failures to :class:`AccessError`."""

    def __init__(
        self, inner: httpx.BaseTransport, env: Environment, scope: Scope, max_body: int
    ) -> None:
        self._inner, self._env, self._scope, self._max_body = inner, env, scope, max_body

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        refusal = self._scope.refusal(url)
        if refusal:
            raise AccessError(_out_of_scope(self._env, request, refusal))
        deadline = _deadline(request)
        expires = time.monotonic() + deadline
        timeouts = dict(request.extensions.get("timeout") or {})
        request.extensions["timeout"] = {
            k: deadline if timeouts.get(k) is None else timeouts[k]
            for k in ("connect", "read", "write", "pool")
        }
        clock.set_deadline(expires)
        try:
            response = self._inner.handle_request(request)
        except httpx.HTTPError as exc:
            raise AccessError(explain(self._env, request, exc, deadline)) from None
        finally:
            clock.set_deadline(None)
        stream = _BoundedStream(response, request, self, expires, deadline)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=stream,
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._inner.close()


class _BoundedStream(httpx.SyncByteStream):
    """The body, cut at ``max_body_bytes`` and at the request's deadline."""

    def __init__(
        self,
        response: httpx.Response,
        request: httpx.Request,
        owner: BoundedTransport,
        expires: float,
        deadline: float,
    ) -> None:
        self._response, self._request, self._owner = response, request, owner
        self._expires, self._deadline = expires, deadline

    def __iter__(self) -> Iterator[bytes]:
        request, cap = self._request, self._owner._max_body
        declared = self._response.headers.get("content-length", "")
        if request.method != "HEAD" and declared.isdigit() and int(declared) > cap:
            raise AccessError(_too_big(request, f"declares {int(declared)} bytes", cap))
        seen = 0
        chunks = iter(self._response.stream)  # type: ignore[arg-type]
        while True:
            chunk = self._next(chunks, seen)
            if chunk is None:
                return
            seen += len(chunk)
            if seen > cap:
                raise AccessError(_too_big(request, f"sent more than {cap} bytes", cap))
            yield chunk

    def _next(self, chunks: Iterator[bytes], seen: int) -> bytes | None:
        """The next chunk, read within what is left of the deadline; None at the end."""
        env, request = self._owner._env, self._request
        if time.monotonic() > self._expires:
            raise AccessError(_late(env, request, self._deadline, seen))
        clock.set_deadline(self._expires)
        try:
            return next(chunks, None)
        except httpx.HTTPError as exc:
            if time.monotonic() >= self._expires - 0.05:
                raise AccessError(_late(env, request, self._deadline, seen)) from None
            raise AccessError(explain(env, request, exc, self._deadline)) from None
        finally:
            clock.set_deadline(None)

    def close(self) -> None:
        self._response.close()


def explain(env: Environment, request: httpx.Request, exc: Exception, deadline: float) -> str:
    """The one wording of a transport failure: ``METHOD URL: reason; check `setting```."""
    reason, fix = _reason(env, request, exc, deadline)
    return f"{request.method} {_shown(request.url)}: {reason} ({type(exc).__name__}); {fix}"


def _reason(
    env: Environment, request: httpx.Request, exc: Exception, deadline: float
) -> tuple[str, str]:
    text = str(exc)
    where = _setting(env, request)
    if isinstance(exc, httpx.TimeoutException):
        return (
            f"no answer within {deadline:g} s",
            "check that the target is up, or raise `timeout_s`",
        )
    if "CERTIFICATE_VERIFY_FAILED" in text:
        if "mismatch" in text:
            return "the certificate does not name this host", f"check the host in `{where}`"
        detail = text.split("certificate verify failed:", 1)[-1].split("(_ssl", 1)[0]
        return (
            f"certificate not trusted (CERTIFICATE_VERIFY_FAILED: {sanitize(detail).strip()})",
            "set `ca_bundle` to the CA that issued it",
        )
    if "Illegal header" in text or ("header" in text.lower() and "invalid" in text.lower()):
        return _bad_header(env, request)
    if "refused" in text.lower():
        return "connection refused", f"check `{where}`"
    if _unresolved(text):
        host = request.url.host
        return f"cannot resolve host {host!r}", f"check the host in `{where}` or its DNS (`dns`)"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ProtocolError):
        return f"answered something that is not HTTP ({sanitize(text)[:160]})", f"check `{where}`"
    return f"{type(exc).__name__}: {sanitize(text)[:200] or 'no answer'}", f"check `{where}`"


def _bad_header(env: Environment, request: httpx.Request) -> tuple[str, str]:
    """Names the header (never its value) and the setting holding the value."""
    for name, value in request.headers.items():
        if any(ord(c) < 32 or ord(c) == 127 for c in value if c != "\t"):
            found = setting_for(env, value.strip()) or _setting_of_secret(env, value)
            fix = f"check `{found}`" if found else f"check the setting that supplies {name}"
            return f"header {name} holds a line break or control character (value not shown)", fix
    return "a request header is not valid HTTP (value not shown)", "check the header settings"


def _setting_of_secret(env: Environment, value: str) -> str | None:
    for secret in sorted(env.secrets, key=len, reverse=True):
        if secret.strip() and secret.strip() in value:
            return setting_for(env, secret) or "secrets"
    return None


def _unresolved(text: str) -> bool:
    lowered = text.lower()
    markers = ("name or service not known", "nodename nor servname", "getaddrinfo")
    return any(m in lowered for m in (*markers, "temporary failure in name resolution"))


def _setting(env: Environment, request: httpx.Request, near: str = "") -> str:
    explicit = request.extensions.get("ready_setting")
    if explicit:
        return str(explicit)
    return setting_for(env, str(request.url), near) or "base_url"


def _out_of_scope(env: Environment, request: httpx.Request, refusal: str) -> str:
    shown = _shown(request.url)
    if request.extensions.get("ready_redirected"):
        return f"{request.method} {shown}: not sent, a redirect left the scope ({refusal})"
    url = request.url
    near = "@" if url.userinfo else (f"{url.host}:{url.port}" if url.port else url.host)
    return (
        f"{request.method} {shown}: not sent, outside the scope of environment "
        f"{env.name!r} ({refusal}); check `{_setting(env, request, near)}`"
    )


def _too_big(request: httpx.Request, what: str, cap: int) -> str:
    return (
        f"{request.method} {_shown(request.url)}: the answer {what}, more than the "
        f"{cap} bytes read at most; raise `max_body_bytes` if that is expected"
    )


def _late(env: Environment, request: httpx.Request, deadline: float, seen: int) -> str:
    return (
        f"{request.method} {_shown(request.url)}: no complete answer within {deadline:g} s "
        f"({seen} bytes received, download stopped); check `timeout_s`"
    )


def _deadline(request: httpx.Request) -> float:
    """The request's total deadline: the largest of its httpx timeouts."""
    timeouts = request.extensions.get("timeout") or {}
    values = [float(v) for v in timeouts.values() if v is not None]
    return max(values) if values else 5.0


def _shown(url: httpx.URL) -> str:
    """The URL for messages: its password hidden, control characters removed."""
    if url.password:
        url = url.copy_with(password="***")
    return sanitize(str(url))
