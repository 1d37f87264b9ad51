"""Keep locust's HTTP clients in scope: no redirect to another origin, no credentials
carried along any redirect.

Imported only in the locust child and its workers (it imports locust's clients).
Both of locust's clients are covered, so a team's own locustfile is held to the same
rule: ``FastHttpUser`` (geventhttpclient) and ``HttpUser`` (requests).  A refused
redirect is a failed request in locust's statistics, with the reason as its error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

__all__ = ["CrossOriginRedirect", "guard_redirects"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


class CrossOriginRedirect(ConnectionError):
    """A redirect to another origin, refused (locust counts it as a failure)."""


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)


def guard_redirects(credential_headers: Iterable[str]) -> None:
    """Patch both locust clients of this process (idempotent)."""
    names = frozenset(h.lower() for h in credential_headers)
    _guard_fasthttp(names)
    _guard_requests(names)


def _guard_fasthttp(names: frozenset[str]) -> None:
    from geventhttpclient.useragent import CompatRequest

    original = getattr(CompatRequest.redirect, "__wrapped__", CompatRequest.redirect)

    def redirect(self: Any, code: int, location: str) -> None:
        original(self, code, location)
        if not self._is_same_origin():
            raise CrossOriginRedirect(
                f"refused to follow a redirect to another origin ({self.url}): "
                "the load run stays on base_url"
            )
        for name in names:
            self.headers.discard(name)

    redirect.__wrapped__ = original  # type: ignore[attr-defined]
    CompatRequest.redirect = redirect  # type: ignore[method-assign]


def _guard_requests(names: frozenset[str]) -> None:
    import requests

    original = getattr(requests.Session.rebuild_auth, "__wrapped__", requests.Session.rebuild_auth)

    def rebuild_auth(self: Any, prepared: Any, response: Any) -> None:
        if _origin(prepared.url) != _origin(response.request.url):
            raise requests.exceptions.ConnectionError(
                f"refused to follow a redirect to another origin ({prepared.url}): "
                "the load run stays on base_url"
            )
        for name in names:
            prepared.headers.pop(name, None)
        original(self, prepared, response)

    rebuild_auth.__wrapped__ = original  # type: ignore[attr-defined]
    requests.Session.rebuild_auth = rebuild_auth  # type: ignore[method-assign,assignment]
