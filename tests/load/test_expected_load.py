"""Load testing with expected traffic, against loopback targets with known behaviour."""

from __future__ import annotations

import time

from pytest_biothings_ready.model import Status
from tests.load import apps
from tests.load.settings import load_settings
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi

LINE = "Load testing with expected traffic"


def test_fast_endpoint_passes_with_counts_and_percentiles() -> None:
    with serve_asgi(apps.fast()) as url:
        verdict = judge(LINE, load_settings(url))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "requests at" in verdict.evidence
    assert "p50/p95/p99" in verdict.evidence
    assert "GET /api/health:" in verdict.evidence


def test_fixed_800_ms_latency_fails_p95() -> None:
    with serve_asgi(apps.fixed_latency(0.8)) as url:
        verdict = judge(LINE, load_settings(url))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "p95 8" in verdict.evidence and "> 500 ms" in verdict.evidence


def test_five_percent_errors_fail_the_error_ratio() -> None:
    with serve_asgi(apps.failing_every(20)) as url:
        verdict = judge(LINE, load_settings(url))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "error ratio" in verdict.evidence and "> 1.00%" in verdict.evidence
    assert "top failure" in verdict.evidence


def test_unreachable_target_is_an_error_within_the_timeout() -> None:
    from tests.support.servers import free_port

    started = time.monotonic()
    verdict = judge(LINE, load_settings(f"http://127.0.0.1:{free_port()}"))
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "no load was sent" in verdict.evidence
    assert time.monotonic() - started < 2 + 1


def test_slow_answers_from_a_saturated_generator_are_an_error_not_a_failure() -> None:
    # cpu_saturation = 0 counts any generator CPU as saturated.
    with serve_asgi(apps.fixed_latency(0.8)) as url:
        verdict = judge(LINE, load_settings(url, cpu_saturation=0))
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "the generator, not the target, was the limit" in verdict.evidence
