"""One deadline per request that every socket operation of that request honours.

httpx's timeouts apply per operation (connect, each read, each write), so a target
that sends one byte just before each read timeout, or stalls mid-body, keeps a
request alive far past ``timeout_s``.  The bounded transport sets the request's
deadline here (per thread: httpx's sync client runs a request in its caller's
thread) and :class:`DeadlineBackend` clamps the timeout of every connect, read and
write to what is left of it.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpcore
import httpx

__all__ = ["DeadlineBackend", "install", "set_deadline"]

_LOCAL = threading.local()


def set_deadline(expires: float | None) -> None:
    """The ``time.monotonic()`` by which this thread's current request must end."""
    _LOCAL.expires = expires


def _clamp(timeout: float | None) -> float | None:
    expires: float | None = getattr(_LOCAL, "expires", None)
    if expires is None:
        return timeout
    remaining = max(expires - time.monotonic(), 0.001)
    return remaining if timeout is None else min(timeout, remaining)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """Wraps a network backend so that its streams honour the thread's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _clamp(timeout), local_address, socket_options)
        return _Stream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, _clamp(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install(transport: httpx.BaseTransport) -> None:
    """Put the deadline under ``transport``'s connection pool (no-op when it has none)."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is not None and not isinstance(backend, DeadlineBackend):
        pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
