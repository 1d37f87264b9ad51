"""One demo service for the whole folder (starting it is cheap, but not free)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pytest_biothings_ready.demo import DemoService


@pytest.fixture(scope="module")
def demo() -> Iterator[dict[str, Any]]:
    """The settings of a running demo service."""
    with DemoService() as settings:
        yield settings


@pytest.fixture
def client(demo: dict[str, Any]) -> Iterator[httpx.Client]:
    """An httpx client trusting the demo's CA, on its base URL."""
    trust = ssl.create_default_context(cafile=demo["ca_bundle"])
    with httpx.Client(
        base_url=demo["base_url"], verify=trust, trust_env=False, timeout=5
    ) as session:
        yield session
