"""Every line the HTTP, web and WebSocket probes decide passes against the demo."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_biothings_ready.demo import DemoService
from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.model import Status
from tests.support.evaluate import environment, judge

LINES = (
    "HTTPS enforced (HTTP redirects to HTTPS)",
    "Health checks passing",
    "All services responding to health checks",
    "Smoke tests passed",
    "API endpoints tested",
    "Critical user journeys tested",
    "Agent communication tested",
    "Experiment workflows functioning",
    "LLM integration working",
    "Frontend loading correctly",
    "API response caching implemented",
    "CDN configured for static assets",
    "WebSocket functionality verified",
    "WebSocket connections stable",
    "Real-time features functioning",
)
GATHERERS = (
    "https",
    "health",
    "smoke",
    "journeys",
    "frontend",
    "cdn",
    "api-caching",
    "websocket",
    "websocket-stability",
    "websocket-realtime",
)


@pytest.fixture(scope="module")
def demo() -> Iterator[dict[str, Any]]:
    with DemoService() as settings:
        yield settings


def test_every_line_passes_against_the_demo_with_shared_evidence(
    demo: dict[str, Any],
) -> None:
    started = time.perf_counter()
    store = EvidenceStore(environment(demo))
    store.prefetch(GATHERERS)
    verdicts = {line: judge(line, demo, store=store) for line in LINES}
    elapsed = time.perf_counter() - started
    failing = {
        k: f"{v.status}: {v.evidence}" for k, v in verdicts.items() if v.status is not Status.PASSED
    }
    assert not failing
    # The gatherers run concurrently; the slowest is the 2 s WebSocket hold.
    assert elapsed < 5.0


def test_demo_secrets_never_reach_the_evidence(demo: dict[str, Any]) -> None:
    store = EvidenceStore(environment(demo))
    text = " ".join(judge(line, demo, store=store).evidence for line in LINES)
    assert not any(secret in text for secret in demo["secrets"].values())


def test_demo_evidence_shows_the_wider_sampling(demo: dict[str, Any]) -> None:
    store = EvidenceStore(environment(demo))
    https = judge("HTTPS enforced (HTTP redirects to HTTPS)", demo, store=store).evidence
    health = judge("Health checks passing", demo, store=store).evidence
    assert "/api/agents" in https and "/v1beta/models" in https
    assert "which answered 200" in https or "answered 200/" in https
    assert "(includeSubDomains, no preload)" in https
    assert "JSON status: ok" in health
