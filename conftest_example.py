"""A deployer's conftest.py: link your own tests to checklist lines.

Put the fixture in the conftest.py next to readiness.toml in your deployment
repository and the tests in a test_*.py file (or copy this whole file as
test_readiness.py), then run ``pytest --ready-env=staging --junitxml=signoff.xml``.  Each linked
test is evidence for its line: the line passes only if every linked test and the
line's own probe (if any) pass.  Without --ready-env these tests are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from pytest_biothings_ready import ready
from pytest_biothings_ready.config.environment import Environment


@pytest.fixture
def ready_http(ready_env: Environment) -> Iterator[httpx.Client]:
    """Override: the plugin's client plus a header your gateway requires."""
    from pytest_biothings_ready.evidence.transport import http_client

    with http_client(
        ready_env,
        base_url=str(ready_env.require("base_url")),
        headers={"X-Readiness-Check": "1"},
    ) as client:
        yield client


@ready.security
@ready.item("Rate limiting is enabled")  # the line's exact text, or its id
def test_login_is_rate_limited(ready_http: httpx.Client) -> None:
    """Ten wrong passwords in a row must end in 429, whatever the probe saw."""
    codes = [
        ready_http.post("/api/login", json={"username": "x", "password": "wrong"}).status_code
        for _ in range(30)
    ]
    assert 429 in codes, f"no 429 in {codes}"


@ready.item("production-deployment.critical-user-journeys-tested")
def test_agent_list_is_not_empty(ready_http: httpx.Client) -> None:
    assert ready_http.get("/api/agents").json(), "the agents list is empty"
