"""Health checks: 2xx within the threshold on every configured service."""

from __future__ import annotations

import time

from pytest_biothings_ready.model import Status
from tests.network_web.apps import health_app, settings
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

PASSING = "Health checks passing"
ALL = "All services responding to health checks"
# A handler still sleeping when the test ends must not hold up the server's exit.
QUICK_EXIT = {"timeout_graceful_shutdown": 0.2}


def test_healthy_service_passes() -> None:
    with serve_asgi(health_app()) as url:
        verdict = judge(PASSING, settings(url, health_path="/health"))
    assert verdict.status is Status.PASSED
    assert f"{url}/health -> 200 in" in verdict.evidence


def test_health_answering_503_fails() -> None:
    with serve_asgi(health_app(status=503)) as url:
        verdict = judge(PASSING, settings(url, health_path="/health"))
    assert verdict.status is Status.FAILED
    assert f"{url}/health answered 503; required 2xx" in verdict.evidence


def test_health_slower_than_the_threshold_fails() -> None:
    with serve_asgi(health_app(delay_s=0.3)) as url:
        verdict = judge(PASSING, settings(url, health_path="/health", health={"max_ms": 100}))
    assert verdict.status is Status.FAILED
    assert "> 100 ms" in verdict.evidence


def test_health_answering_after_a_minute_is_an_error_within_the_timeout() -> None:
    with serve_asgi(health_app(delay_s=60), **QUICK_EXIT) as url:
        started = time.monotonic()
        verdict = judge(PASSING, settings(url, health_path="/health"))
        elapsed = time.monotonic() - started
    assert verdict.status is Status.ERROR
    assert "no answer within 1 s" in verdict.evidence
    assert elapsed < 1.0 + 1.5


def test_unreachable_service_is_an_error() -> None:
    verdict = judge(PASSING, settings(f"http://127.0.0.1:{free_port()}"))
    assert verdict.status is Status.ERROR


def test_garbage_speaking_service_is_an_error(garbage_port: int) -> None:
    verdict = judge(PASSING, settings(f"http://127.0.0.1:{garbage_port}"))
    assert verdict.status is Status.ERROR


def test_all_services_fails_when_one_other_service_is_down() -> None:
    with serve_asgi(health_app()) as good, serve_asgi(health_app(status=500)) as bad:
        verdict = judge(
            ALL, settings(good, health_path="/health", health={"urls": [bad + "/health"]})
        )
    assert verdict.status is Status.FAILED
    assert f"{bad}/health answered 500" in verdict.evidence


def test_all_services_passes_when_every_service_answers() -> None:
    with serve_asgi(health_app()) as first, serve_asgi(health_app()) as second:
        verdict = judge(
            ALL, settings(first, health_path="/health", health={"urls": [second + "/health"]})
        )
    assert verdict.status is Status.PASSED
    assert second in verdict.evidence and "Only the main" not in verdict.evidence


def test_all_services_with_an_unreachable_one_is_an_error() -> None:
    with serve_asgi(health_app()) as good:
        other = f"http://127.0.0.1:{free_port()}/health"
        verdict = judge(ALL, settings(good, health_path="/health", health={"urls": [other]}))
    assert verdict.status is Status.ERROR
    assert other in verdict.evidence
