"""The request helper the HTTP, web, CORS and WebSocket probes share.

The client comes from :func:`pytest_biothings_ready.evidence.transport.http_client`,
whose transport already enforces scope, bounds and one wording for failures (an
``AccessError``, itself a :class:`ProbeError`, naming the setting to check); this
helper only keeps that wording and maps what else httpx may raise.
"""

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

    try:
        return client.request(method, url, **options)
    except ProbeError:
        raise  # the transport's own message: it names the setting to check
    except httpx.TimeoutException:
        raise ProbeError(f"{method} {url}: no answer within {env.timeout:g} s") from None
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        raise ProbeError(f"{method} {url}: {reason}") from None
