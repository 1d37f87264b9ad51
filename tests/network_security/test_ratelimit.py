"""Rate-limit bursts against Debian's nginx and Starlette services on loopback."""

from __future__ import annotations

import time

from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.ratelimit import BURST_TRAFFIC, burst_traffic
from tests.network_security import apps
from tests.support.evaluate import environment, judge
from tests.support.servers import serve_asgi

ENABLED = "Rate limiting is enabled"
EFFECTIVE = "Rate limiting effective"


def _settings(url: str, **burst: object) -> dict[str, object]:
    limits = {
        "requests": 60,
        "seconds": 1.0,
        "concurrency": 4,
        "recovery_s": 3.0,
        "persist_s": 0.5,
        **burst,
    }
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
    assert "(baseline 200)" in enabled.evidence


def test_burst_is_kept_up_only_for_the_persistence_window(nginx_rate_limited):
    enabled = judge(ENABLED, _settings(nginx_rate_limited, path="/api/x", requests=400))
    assert enabled.status is Status.PASSED
    after = int(enabled.evidence.split(" after ")[1].split(" requests")[0])
    assert after < 60
    window = int(enabled.evidence.split(" of the next ")[1].split(" refused")[0])
    assert window <= 50 + 4  # persist_requests (plus what the 4 threads had in flight)


def test_service_without_rate_limiting_fails_both_lines():
    with serve_asgi(apps.plain_app()) as url:
        enabled, effective = _both(_settings(url))
    assert enabled.status is Status.FAILED
    assert effective.status is Status.FAILED
    assert "60x 200" in enabled.evidence
    assert "No rate limiting" in enabled.evidence


def test_service_that_never_recovers_fails_effectiveness():
    with serve_asgi(apps.window_limiter_app(20, recovers=False)) as url:
        enabled, effective = _both(_settings(url, recovery_s=1.5))
    assert enabled.status is Status.PASSED
    assert effective.status is Status.FAILED
    assert "no 2xx within 1.5 s" in effective.evidence
    assert "does not release clients" in effective.evidence
    assert "last answer: 429" in effective.evidence


def test_503_with_retry_after_counts_as_limiting():
    with serve_asgi(apps.window_limiter_app(10, status=503)) as url:
        enabled, effective = _both(_settings(url))
    assert enabled.status is Status.PASSED, enabled.evidence
    assert "first 503 (retry-after: 1)" in enabled.evidence
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
    assert "(baseline" not in verdict.evidence


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
    assert "answered 404 before the burst" in verdict.evidence
    assert "rate_limit.path" in verdict.evidence


def test_503_without_retry_after_is_not_taken_for_limiting():
    app = apps.window_limiter_app(10, status=503)

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


# --- persistence, headers, release, baseline, and the table rule (issues 13, 9, 14) --


def test_environment_without_a_rate_limit_table_sends_no_burst_and_is_unverified():
    with serve_asgi(apps.window_limiter_app(10)) as url:
        enabled, effective = _both({"base_url": url, "timeout_s": 1})
    for verdict in (enabled, effective):
        assert verdict.status is Status.UNVERIFIED
        assert "[env.test.rate_limit] table" in verdict.evidence
        assert "no traffic was sent" in verdict.evidence


def test_an_empty_rate_limit_table_enables_the_burst_with_defaults():
    settings = {"base_url": "http://127.0.0.1:9", "timeout_s": 1, "rate_limit": {}}
    assert burst_traffic(environment(settings)) is not None
    assert burst_traffic(environment({"base_url": "http://127.0.0.1:9"})) is None
    assert "[env.NAME.rate_limit] table" in BURST_TRAFFIC


def test_sporadic_upstream_429_is_not_a_limiter():
    with serve_asgi(apps.sporadic_429_app(every=40)) as url:
        enabled, effective = _both(_settings(url, requests=120, seconds=1.0))
    assert enabled.status is Status.FAILED, enabled.evidence
    assert "a sporadic 429 is not a limiter" in enabled.evidence
    assert effective.status is Status.FAILED


def test_health_path_answering_503_before_the_burst_is_an_error_naming_the_setting():
    with serve_asgi(apps.status_app(503)) as url:
        enabled, effective = _both(_settings(url))
    for verdict in (enabled, effective):
        assert verdict.status is Status.ERROR
        assert "answered 503 before the burst" in verdict.evidence
        assert "set rate_limit.path" in verdict.evidence
        assert "does not release" not in verdict.evidence


def test_path_already_limited_before_the_burst_gets_its_advertised_wait():
    app = apps.window_limiter_app(2, window_s=0.5)
    with serve_asgi(app) as url:
        import httpx

        for _ in range(4):  # use the window up: the baseline meets a 429 first
            httpx.get(url + "/api/health")
        enabled, _ = _both(_settings(url))
    assert enabled.status is Status.PASSED, enabled.evidence


def test_retry_after_that_is_not_a_number_or_date_fails_effectiveness():
    with serve_asgi(apps.window_limiter_app(10, retry_after="soon")) as url:
        enabled, effective = _both(_settings(url))
    assert enabled.status is Status.PASSED, enabled.evidence
    assert effective.status is Status.FAILED
    assert "Retry-After 'soon' is neither delta-seconds nor an HTTP date" in effective.evidence


def test_limited_answer_claiming_requests_remain_fails_effectiveness():
    extra = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "5"}
    with serve_asgi(apps.window_limiter_app(10, extra=extra)) as url:
        _, effective = _both(_settings(url))
    assert effective.status is Status.FAILED
    assert "a limited answer says 5 requests remain" in effective.evidence


def test_coherent_ratelimit_headers_pass_and_are_shown():
    extra = {"RateLimit-Limit": "10", "RateLimit-Remaining": "0", "RateLimit-Reset": "1"}
    with serve_asgi(apps.window_limiter_app(10, extra=extra)) as url:
        enabled, effective = _both(_settings(url))
    assert effective.status is Status.PASSED, effective.evidence
    assert "ratelimit-remaining: 0" in enabled.evidence
    assert "(advertised 1 s)" in effective.evidence


def test_release_much_later_than_advertised_fails_effectiveness():
    app = apps.window_limiter_app(10, retry_after="1", lockout_s=2.5)
    with serve_asgi(app) as url:
        _, effective = _both(_settings(url, recovery_s=4.0, release_slack_s=0.5))
    assert effective.status is Status.FAILED, effective.evidence
    assert "although it advertised 1 s" in effective.evidence


def test_advertised_wait_beyond_the_cap_is_an_error_naming_recovery_s():
    with serve_asgi(apps.window_limiter_app(10, retry_after="3600")) as url:
        enabled, effective = _both(_settings(url))
    assert enabled.status is Status.PASSED
    assert effective.status is Status.ERROR
    assert "raise rate_limit.recovery_s" in effective.evidence


def test_every_document_states_the_burst_rule_in_the_same_sentence():
    from pathlib import Path

    from pytest_biothings_ready.probes.ratelimit import BURST_RULE

    docs = Path(__file__).parents[2] / "docs"
    for name in ("configuration.md", "probes/ratelimit.md"):
        assert BURST_RULE in (docs / name).read_text(encoding="utf-8"), name


def test_token_bucket_just_below_the_burst_pace_still_counts_as_persistent():
    # 40 r/s against a 60 r/s burst: paced, most requests would pass; the window after
    # the first 429 goes as fast as the connections allow, far over the limit.
    with serve_asgi(apps.token_bucket_app(rate=40, burst=10)) as url:
        enabled, effective = _both(_settings(url, requests=150, seconds=2.5))
    assert enabled.status is Status.PASSED, enabled.evidence
    assert effective.status is Status.PASSED, effective.evidence
