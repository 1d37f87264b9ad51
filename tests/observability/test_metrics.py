"""Prometheus metrics endpoints exposed; Custom business metrics implemented."""

from __future__ import annotations

import asyncio
import time

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pytest_biothings_ready.model import Status
from tests.observability.conftest import Stack
from tests.support.evaluate import judge
from tests.support.monitoring import exporter_app
from tests.support.servers import free_port, serve_asgi

EXPOSED = "Prometheus metrics endpoints exposed"
CUSTOM = "Custom business metrics implemented"


def _static(body: str, media: str, status: int = 200, delay: float = 0) -> Starlette:
    async def page(request: Request) -> Response:
        await asyncio.sleep(delay)
        return Response(body, status_code=status, media_type=media)

    return Starlette(routes=[Route("/metrics", page)])


def test_exposition_with_custom_families_passes_both_lines(stack: Stack) -> None:
    settings = {"metrics_url": stack.good, "timeout_s": 2}
    exposed, custom = judge(EXPOSED, settings), judge(CUSTOM, settings)
    assert exposed.status is Status.PASSED, exposed.evidence
    assert custom.status is Status.PASSED, custom.evidence
    assert "biothings_agent_tasks (counter)" in custom.evidence


def test_openmetrics_exposition_is_parsed() -> None:
    body = "# TYPE jobs counter\njobs_total 3\n# EOF\n"
    media = "application/openmetrics-text; version=1.0.0; charset=utf-8"
    with serve_asgi(_static(body, media)) as url:
        verdict = judge(CUSTOM, {"metrics_url": url + "/metrics", "timeout_s": 2})
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "jobs (counter)" in verdict.evidence


def test_only_runtime_metrics_fail_custom_metrics() -> None:
    with serve_asgi(exporter_app(custom=False)) as url:
        verdict = judge(CUSTOM, {"metrics_url": url + "/metrics", "timeout_s": 2})
    assert verdict.status is Status.FAILED
    assert "only runtime and library defaults" in verdict.evidence


def test_empty_exposition_fails_the_endpoint_line() -> None:
    with serve_asgi(_static("", "text/plain; version=0.0.4")) as url:
        verdict = judge(EXPOSED, {"metrics_url": url + "/metrics", "timeout_s": 2})
    assert verdict.status is Status.FAILED
    assert "no samples" in verdict.evidence


def test_garbage_exposition_fails_both_lines() -> None:
    with serve_asgi(_static("<html>hello {{</html>", "text/plain")) as url:
        settings = {"metrics_url": url + "/metrics", "timeout_s": 2}
        verdict = judge(EXPOSED, settings)
        custom = judge(CUSTOM, settings)
    assert verdict.status is Status.FAILED
    assert "not valid exposition format" in verdict.evidence
    assert custom.status is Status.FAILED


@pytest.mark.parametrize("status", [404, 410])
def test_metrics_url_answering_not_found_fails_both_lines(status: int) -> None:
    with serve_asgi(_static("not found", "text/plain", status=status)) as url:
        settings = {"metrics_url": url + "/metrics", "timeout_s": 2}
        exposed, custom = judge(EXPOSED, settings), judge(CUSTOM, settings)
    assert exposed.status is Status.FAILED, exposed.evidence
    assert f"answered HTTP {status}" in exposed.evidence
    assert custom.status is Status.FAILED, custom.evidence


def test_forbidden_metrics_is_an_error_not_a_finding() -> None:
    with serve_asgi(_static("no", "text/plain", status=403)) as url:
        verdict = judge(EXPOSED, {"metrics_url": url + "/metrics", "timeout_s": 2})
    assert verdict.status is Status.ERROR
    assert "`metrics_url`" in verdict.evidence


STOCK_ONLY = """# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 1.5
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 1e+07
# TYPE python_gc_objects_collected_total counter
python_gc_objects_collected_total{generation="0"} 10
# TYPE python_info gauge
python_info{implementation="CPython",major="3"} 1
# TYPE http_requests_total counter
http_requests_total{handler="/api/agents",method="GET",status="2xx"} 7
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{handler="/api/agents",le="0.1"} 7
http_request_duration_seconds_bucket{handler="/api/agents",le="+Inf"} 7
http_request_duration_seconds_sum{handler="/api/agents"} 0.2
http_request_duration_seconds_count{handler="/api/agents"} 7
# TYPE http_request_size_bytes summary
http_request_size_bytes_sum{handler="/api/agents"} 0
http_request_size_bytes_count{handler="/api/agents"} 7
# TYPE up gauge
up 1
"""
BUSINESS = """# TYPE uploads_total counter
uploads_total 3
# TYPE uploads_created gauge
uploads_created 1.7e+09
# TYPE upstream_llm_calls_total counter
upstream_llm_calls_total{model="gemini"} 4
"""


def test_only_library_instrumentation_fails_custom_metrics() -> None:
    with serve_asgi(_static(STOCK_ONLY, "text/plain; version=0.0.4")) as url:
        verdict = judge(CUSTOM, {"metrics_url": url + "/metrics", "timeout_s": 2})
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "prometheus-fastapi-instrumentator" in verdict.evidence


def test_business_families_that_start_like_up_count_as_custom() -> None:
    body = STOCK_ONLY + BUSINESS
    with serve_asgi(_static(body, "text/plain; version=0.0.4")) as url:
        verdict = judge(CUSTOM, {"metrics_url": url + "/metrics", "timeout_s": 2})
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "uploads (counter)" in verdict.evidence
    assert "upstream_llm_calls (counter)" in verdict.evidence
    assert "2 custom metric families" in verdict.evidence
    assert "uploads_created" not in verdict.evidence


def test_unreachable_metrics_endpoint_is_an_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/metrics"
    verdict = judge(EXPOSED, {"metrics_url": url, "timeout_s": 1})
    assert verdict.status is Status.ERROR
    assert url in verdict.evidence


def test_server_error_on_metrics_is_an_error() -> None:
    with serve_asgi(_static("boom", "text/plain", status=500)) as url:
        verdict = judge(EXPOSED, {"metrics_url": url + "/metrics", "timeout_s": 2})
    assert verdict.status is Status.ERROR
    assert "HTTP 500" in verdict.evidence


def test_hanging_metrics_endpoint_errors_within_the_timeout() -> None:
    with serve_asgi(_static("x 1\n", "text/plain", delay=2), timeout_graceful_shutdown=0) as url:
        started = time.monotonic()
        verdict = judge(EXPOSED, {"metrics_url": url + "/metrics", "timeout_s": 0.5})
        elapsed = time.monotonic() - started
    assert verdict.status is Status.ERROR
    assert elapsed < 2


def test_missing_metrics_url_is_unverified() -> None:
    verdict = judge(EXPOSED, {"timeout_s": 1})
    assert verdict.status is Status.UNVERIFIED
    assert "metrics_url" in verdict.evidence
