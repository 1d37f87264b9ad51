"""Rate-limit bursts against Debian's nginx and Starlette services on loopback."""

from __future__ import annotations

import time

from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.model import Status
from tests.network_security import apps
from tests.support.evaluate import environment, judge
from tests.support.servers import serve_asgi

ENABLED = "Rate limiting is enabled"
EFFECTIVE = "Rate limiting effective"


def _settings(url: str, **burst: object) -> dict[str, object]:
    limits = {"requests": 60, "seconds": 1.0, "concurrency": 4, "recovery_s": 3.0, **burst}
    return {"base_url": url, "timeout_s": 1, "rate_limit": limits}


def _both(settings: dict[str, object]):
    store = EvidenceStore(environment(settings))
    return judge(ENABLED, settings, store=store), judge(EFFECTIVE, settings, store=store)


def test_nginx_limit_req_passes_both_lines(nginx_rate_limited):
    enabled, effective = _both(_settings(nginx_rate_limited, path="/api/items"))
    assert enabled.status is Status.PASSED, enabled.evidence
    assert effective.status is Status.PASSED, effective.evidence
    assert "first 429" in enabled.evidence
    assert "answered 200 again" in effective.evidence


def test_burst_stops_at_the_first_limited_answer(nginx_rate_limited):
    enabled = judge(ENABLED, _settings(nginx_rate_limited, path="/api/x", requests=400))
    assert enabled.status is Status.PASSED
    after = int(enabled.evidence.split(" after ")[1].split(" requests")[0])
    assert after < 60


def test_service_without_rate_limiting_fails_both_lines():
    with serve_asgi(apps.plain_app()) as url:
        enabled, effective = _both(_settings(url))
    assert enabled.status is Status.FAILED
    assert effective.status is Status.FAILED
    assert "60x 200" in enabled.evidence
    assert "No rate limiting" in enabled.evidence


def test_service_that_never_recovers_fails_effectiveness():
    with serve_asgi(apps.limiting_app(20, recovers=False)) as url:
        enabled, effective = _both(_settings(url, recovery_s=1.5))
    assert enabled.status is Status.PASSED
    assert effective.status is Status.FAILED
    assert "no 2xx within 1.5 s" in effective.evidence
    assert "last answer: 429" in effective.evidence


def test_503_with_retry_after_counts_as_limiting():
    with serve_asgi(apps.limiting_app(10, status=503)) as url:
        enabled, effective = _both(_settings(url))
    assert enabled.status is Status.PASSED, enabled.evidence
    assert "first 503, Retry-After 1" in enabled.evidence
    assert effective.status is Status.PASSED, effective.evidence


def test_production_environment_is_not_burst_unless_allowed():
    settings = {**_settings("http://127.0.0.1:9"), "production": True}
    verdict = judge(ENABLED, settings)
    assert verdict.status is Status.UNVERIFIED
    assert "production = true" in verdict.evidence
    assert "allow_load_in_production" in verdict.evidence


def test_production_environment_is_burst_when_allowed(nginx_rate_limited):
    settings = {
        **_settings(nginx_rate_limited, path="/api/p"),
        "production": True,
        "allow_load_in_production": True,
    }
    assert judge(ENABLED, settings).status is Status.PASSED


def test_unreachable_service_is_an_error(closed_port):
    verdict = judge(ENABLED, _settings(f"http://127.0.0.1:{closed_port}"))
    assert verdict.status is Status.ERROR
    assert "ConnectError" in verdict.evidence


def test_silent_service_is_an_error_within_the_timeout(silent_port):
    began = time.monotonic()
    verdict = judge(EFFECTIVE, _settings(f"http://127.0.0.1:{silent_port}"))
    assert verdict.status is Status.ERROR
    assert "Timeout" in verdict.evidence
    assert time.monotonic() - began < 1 + 1.5


def test_path_that_never_answers_2xx_is_an_error_not_a_pass_or_fail():
    with serve_asgi(apps.plain_app()) as url:
        verdict = judge(ENABLED, _settings(url, path="/missing"))
    assert verdict.status is Status.ERROR
    assert "60x 404" in verdict.evidence
    assert "rate_limit.path" in verdict.evidence


def test_503_without_retry_after_is_not_taken_for_limiting():
    app = apps.limiting_app(10, status=503)

    async def strip_retry_after(scope, receive, send):
        async def patched(message):
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (k, v) for k, v in message["headers"] if k.lower() != b"retry-after"
                ]
            await send(message)

        await app(scope, receive, patched)

    with serve_asgi(strip_retry_after) as url:
        verdict = judge(ENABLED, _settings(url, requests=30))
    assert verdict.status is Status.FAILED
    assert "no Retry-After" in verdict.evidence
    assert "limit_req_status 429" in verdict.evidence


def test_garbage_speaking_service_is_an_error(garbage_port):
    verdict = judge(ENABLED, _settings(f"http://127.0.0.1:{garbage_port}"))
    assert verdict.status is Status.ERROR
    assert "RemoteProtocolError" in verdict.evidence
