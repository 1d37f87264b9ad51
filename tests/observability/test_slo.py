"""SLO and KPI lines over a real Prometheus scraping a healthy and a degraded exporter."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pytest_biothings_ready.evidence.registry import load_families
from pytest_biothings_ready.model import Status
from tests.observability.conftest import Stack
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

ERRORS = "Error rates < 1%"
P95 = "Performance: p95 response time < 500ms"
UPTIME = "System uptime > 99.9%"
BACKUP = "Backup jobs completing successfully"
JOB_BACKUP = 'time() - max(kube_cronjob_status_last_successful_time{job="$job"})'


def _env(stack: Stack, job: str, **monitoring: Any) -> dict[str, Any]:
    kpi = monitoring.pop("kpi", {})
    return {
        "prometheus_url": stack.prometheus,
        "timeout_s": 3,
        "kpi": kpi,
        "monitoring": {
            "prometheus_job": job,
            "slo_window": "1m",
            "min_history": "2s",
            "cost_forecast": 100.0,
            "llm_cost_forecast": 100.0,
            **monitoring,
        },
    }


PAIRS = [  # line, evidence fragment seen on the degraded job
    (ERRORS, "error ratio 3%"),
    ("Reliability: < 1% error rate", "error ratio 3%"),
    ("Response times within SLA (p95 < 500ms)", "p95 latency"),
    (P95, "p95 latency"),
    ("Resource utilization within normal ranges", "cores"),
    ("No critical alerts triggered", "firing severity=critical alerts 1"),
    ("No security alerts triggered", "firing category=security alerts 1"),
    ("No memory leaks detected", "resident memory growth"),
    ("Agent tasks completing successfully", "task success 90%"),
    ("Agent Performance: Task success rate > 95%", "task success 90%"),
    ("Cost: Within 15% of budget forecast", "cost 130.00"),
    ("Cost Efficiency: LLM costs within projections", "LLM cost 130.00"),
]
COSTS = {
    "cost": 'sum(biothings_llm_spend_dollars{job="$job"})',
    "llm_cost": 'sum(biothings_llm_spend_dollars{job="$job"})',
    "backup_age": JOB_BACKUP,
}


@pytest.mark.parametrize(("line", "seen"), PAIRS)
def test_healthy_service_passes_and_degraded_service_fails(
    stack: Stack, line: str, seen: str
) -> None:
    good = judge(line, _env(stack, "good", kpi=COSTS))
    bad = judge(line, _env(stack, "bad", kpi=COSTS))
    assert good.status is Status.PASSED, good.evidence
    assert bad.status is Status.FAILED, bad.evidence
    assert seen in bad.evidence and "job 'bad'" in bad.evidence


def test_p95_near_800_ms_is_reported_in_milliseconds(stack: Stack) -> None:
    verdict = judge(P95, _env(stack, "bad", slo_window="2s", min_history="1s"))
    assert verdict.status is Status.FAILED
    assert "required: < 500 ms" in verdict.evidence


def test_uptime_of_a_scraped_service_passes_and_of_a_down_target_fails(stack: Stack) -> None:
    good = judge(UPTIME, _env(stack, "good"))
    down = judge("Availability: > 99.9% uptime", _env(stack, "down"))
    assert good.status is Status.PASSED, good.evidence
    assert "uptime 100.000%" in good.evidence
    assert down.status is Status.FAILED and "uptime 0.000%" in down.evidence


def test_backup_older_than_allowed_fails(stack: Stack) -> None:
    good = judge(BACKUP, _env(stack, "good", kpi={"backup_age": JOB_BACKUP}))
    bad = judge(BACKUP, _env(stack, "bad", kpi={"backup_age": JOB_BACKUP}))
    assert good.status is Status.PASSED, good.evidence
    assert bad.status is Status.FAILED and "3.0d ago" in bad.evidence


def test_rising_latency_is_not_a_stable_trend(stack: Stack) -> None:
    _wait_for_history(stack, 12)
    settings = {"slo_window": "5s", "min_history": "1s", "trend_tolerance": 0.02}
    good = judge("Performance trends stable", _env(stack, "good", **settings))
    bad = judge("Performance trends stable", _env(stack, "bad", **settings))
    assert good.status is Status.PASSED, good.evidence
    assert bad.status is Status.FAILED, bad.evidence
    assert "was" in bad.evidence


def test_query_without_data_fails_with_no_data(stack: Stack) -> None:
    kpi = {"error_rate": 'sum(rate(nothing_total{job="$job"}[1m]))'}
    verdict = judge(ERRORS, _env(stack, "good", kpi=kpi))
    assert verdict.status is Status.FAILED
    assert verdict.evidence.startswith(
        'no data for error ratio (sum(rate(nothing_total{job="good"}'
    )


def test_service_without_metrics_has_no_error_rate_data(stack: Stack) -> None:
    verdict = judge(ERRORS, _env(stack, "down"))
    assert verdict.status is Status.FAILED
    assert "no data" in verdict.evidence


def test_less_history_than_required_is_unverified(stack: Stack) -> None:
    verdict = judge(ERRORS, _env(stack, "good", min_history="1h"))
    assert verdict.status is Status.UNVERIFIED
    assert "less than 1h" in verdict.evidence


def test_cost_without_a_query_is_unverified(stack: Stack) -> None:
    verdict = judge("Cost: Within 15% of budget forecast", _env(stack, "good"))
    assert verdict.status is Status.UNVERIFIED
    assert "kpi.cost" in verdict.evidence


def test_kpis_without_prometheus_are_unverified_naming_it() -> None:
    for line, _ in PAIRS:
        verdict = judge(line, {"metrics_url": "http://127.0.0.1:9/metrics", "timeout_s": 1})
        assert verdict.status is Status.UNVERIFIED, line
        assert "prometheus_url" in verdict.evidence


def test_unreachable_prometheus_makes_kpis_errors() -> None:
    settings = {
        "prometheus_url": f"http://127.0.0.1:{free_port()}",
        "timeout_s": 1,
        "monitoring": {"prometheus_job": "api"},
    }
    verdict = judge(UPTIME, settings)
    assert verdict.status is Status.ERROR
    assert "ConnectError" in verdict.evidence


def test_prometheus_answering_500_makes_kpis_errors() -> None:
    async def fail(request: Request) -> JSONResponse:
        return JSONResponse({"status": "error"}, status_code=500)

    app = Starlette(routes=[Route("/api/v1/{path:path}", fail)])
    with serve_asgi(app) as url:
        settings = {"prometheus_url": url, "timeout_s": 2, "monitoring": {"prometheus_job": "api"}}
        verdict = judge(ERRORS, settings)
    assert verdict.status is Status.ERROR
    assert "HTTP 500" in verdict.evidence


def test_bad_promql_override_is_an_error(stack: Stack) -> None:
    verdict = judge(ERRORS, _env(stack, "good", kpi={"error_rate": "sum(("}))
    assert verdict.status is Status.ERROR
    assert "HTTP 400" in verdict.evidence


def _wait_for_history(stack: Stack, seconds: float) -> None:
    query = 'time() - min_over_time(timestamp(up{job="bad"})[5m:1s])'
    deadline = time.monotonic() + 30
    with httpx.Client(trust_env=False, timeout=2) as client:
        while time.monotonic() < deadline:
            result = client.get(stack.prometheus + "/api/v1/query", params={"query": query}).json()[
                "data"
            ]["result"]
            if result and float(result[0]["value"][1]) >= seconds:
                return
            time.sleep(0.5)
    raise TimeoutError(f"less than {seconds} s of history")


def test_hanging_prometheus_errors_within_the_timeout() -> None:
    async def hang(request: Request) -> JSONResponse:
        await asyncio.sleep(2)
        return JSONResponse({"status": "success", "data": {}})

    app = Starlette(routes=[Route("/api/v1/{path:path}", hang)])
    with serve_asgi(app, timeout_graceful_shutdown=0) as url:
        settings = {
            "prometheus_url": url,
            "timeout_s": 0.5,
            "monitoring": {"prometheus_job": "api"},
        }
        load_families()  # imports are not part of the bound being measured
        started = time.monotonic()
        verdict = judge(UPTIME, settings)
        elapsed = time.monotonic() - started
    assert verdict.status is Status.ERROR
    assert "ReadTimeout" in verdict.evidence
    assert elapsed < 1.5
