"""Project-wide test setup: a clean network environment for every test.

The probe families and the libraries they use are imported here, once, before any
test runs: pytester's in-process runs drop the modules an inner run imported, and a
half re-imported httpx/httpcore pair stops mapping httpcore's exceptions to httpx's.
The record writers too: a dropped ``record.write`` stays an attribute of the kept
``record`` package, so ``from ...record import write`` would patch a stale copy.
"""

from __future__ import annotations

import cryptography.x509  # noqa: F401
import dns.resolver  # noqa: F401
import httpcore  # noqa: F401
import httpx  # noqa: F401
import prometheus_client  # noqa: F401
import pytest
import starlette.applications  # noqa: F401
import uvicorn  # noqa: F401
import websockets  # noqa: F401
import yaml  # noqa: F401

import pytest_biothings_ready.record.write  # noqa: F401
from pytest_biothings_ready.evidence.registry import load_families

load_families()

_PROXY_AND_CA = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
)


@pytest.fixture(autouse=True)
def _clean_network_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proxies and CA overrides from the developer's shell must not steer tests."""
    for name in _PROXY_AND_CA:
        monkeypatch.delenv(name, raising=False)
