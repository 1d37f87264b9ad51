"""The bounded, in-scope request helper the HTTP, web, CORS and WebSocket probes share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["fetch"]


def fetch(
    client: httpx.Client, method: str, url: str, env: Environment, **options: Any
) -> httpx.Response:
    """One bounded, in-scope request; transport failures become :class:`ProbeError`."""
    import httpx

    if not env.in_scope(url):
        raise ProbeError(f"{url} is outside the hosts of environment {env.name!r}")
    try:
        return client.request(method, url, **options)
    except httpx.TimeoutException:
        raise ProbeError(f"{method} {url}: no answer within {env.timeout:g} s") from None
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        raise ProbeError(f"{method} {url}: {reason}") from None
