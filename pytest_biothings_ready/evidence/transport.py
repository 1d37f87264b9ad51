"""Shared clients for network probes: TLS trust and bounded httpx clients.

Every probe that talks HTTP(S) gets its client here, so trust (system roots plus
``ca_bundle``), timeouts, proxies (never from the environment) and redirects (never
followed implicitly) are the same everywhere.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["http_client", "ssl_context"]

USER_AGENT = "pytest-biothings-ready"


def ssl_context(env: Environment) -> ssl.SSLContext:
    """A verifying client context: system roots (certifi) plus the env's ``ca_bundle``."""
    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    bundle = env.get("ca_bundle")
    if bundle:
        path = env.path(str(bundle))
        try:
            context.load_verify_locations(cafile=str(path))
        except (OSError, ssl.SSLError) as exc:
            raise ProbeError(f"cannot load ca_bundle {path}: {exc}") from None
    return context


def http_client(env: Environment, **options: Any) -> httpx.Client:
    """An httpx client bounded by ``timeout_s`` that trusts the environment's CAs.

    ``options`` override the defaults (``base_url``, ``follow_redirects``, ``verify``...).
    """
    import httpx

    settings: dict[str, Any] = {
        "verify": ssl_context(env),
        "timeout": httpx.Timeout(env.timeout),
        "follow_redirects": False,
        "trust_env": False,
        "headers": {"User-Agent": USER_AGENT},
    }
    settings.update(options)
    return httpx.Client(**settings)
