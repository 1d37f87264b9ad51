"""The CORS and rate-limit lines pass against the demo with the wider sampling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_biothings_ready.demo import DemoService
from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.model import Status
from tests.support.evaluate import environment, judge


@pytest.fixture(scope="module")
def demo() -> Iterator[dict[str, Any]]:
    with DemoService() as settings:
        yield settings


def test_demo_cors_passes_with_every_hostile_origin_on_every_known_path(
    demo: dict[str, Any],
) -> None:
    verdict = judge("CORS is properly configured for production domains", demo)
    assert verdict.status is Status.PASSED, verdict.evidence
    for origin in ("https://app.demo.test.evil.example", "https://evildemo.test", "null"):
        assert origin in verdict.evidence
    assert "/api/agents" in verdict.evidence and "/v1beta/models" in verdict.evidence


def test_demo_rate_limit_passes_with_persistence_and_release(demo: dict[str, Any]) -> None:
    store = EvidenceStore(environment(demo))
    enabled = judge("Rate limiting is enabled", demo, store=store)
    effective = judge("Rate limiting effective", demo, store=store)
    assert enabled.status is Status.PASSED, enabled.evidence
    assert effective.status is Status.PASSED, effective.evidence
    assert "(baseline 200)" in enabled.evidence
    refused, sent = (
        enabled.evidence.split(" refused")[0].split("kept up: ")[1].split(" of the next ")
    )
    assert int(refused) > int(sent) / 2
    assert "(advertised 1 s)" in effective.evidence
