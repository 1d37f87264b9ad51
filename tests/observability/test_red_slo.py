"""KPI queries that answer a number without measuring anything must not pass."""

from __future__ import annotations

from pytest_biothings_ready.model import Status
from tests.observability.conftest import Stack
from tests.observability.test_slo import ERRORS, P95, UPTIME, _env
from tests.support.evaluate import judge

TOTAL = 'sum(rate(biothings_http_requests_total{job="$job"}[$window]))'


def test_error_ratio_of_a_metric_that_does_not_exist_is_no_data_not_zero(stack: Stack) -> None:
    query = 'sum(rate(app_errors_total{job="$job"}[$window])) or vector(0)'
    verdict = judge(ERRORS, _env(stack, "good", kpi={"error_rate": query}))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "none of its metrics (app_errors_total) has a series" in verdict.evidence


def test_error_ratio_that_is_a_constant_is_no_data(stack: Stack) -> None:
    verdict = judge(ERRORS, _env(stack, "good", kpi={"error_rate": "vector(0)"}))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "selects no metric" in verdict.evidence


def test_error_ratio_of_zero_over_zero_is_no_data(stack: Stack) -> None:
    query = f"({TOTAL} * 0) / ({TOTAL} * 0)"
    verdict = judge(ERRORS, _env(stack, "good", kpi={"error_rate": query}))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "NaN" in verdict.evidence


def test_error_ratio_of_existing_counters_with_a_zero_default_passes(stack: Stack) -> None:
    query = (
        f'(sum(rate(biothings_http_requests_total{{job="$job",status=~"5.."}}[$window]))'
        f" or vector(0)) / {TOTAL}"
    )
    verdict = judge(ERRORS, _env(stack, "good", kpi={"error_rate": query}))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_uptime_over_a_bare_up_selector_is_measured(stack: Stack) -> None:
    verdict = judge(UPTIME, _env(stack, "good", kpi={"uptime": "avg(up) or vector(1)"}))
    assert verdict.status is not Status.ERROR, verdict.evidence
    assert "selects no metric" not in verdict.evidence


def test_p95_of_a_histogram_with_only_the_inf_bucket_is_no_data(stack: Stack) -> None:
    query = (
        "histogram_quantile(0.95, sum by (le) (rate(biothings_http_request_duration_seconds_bucket"
        '{job="$job",le="+Inf"}[$window])))'
    )
    verdict = judge(P95, _env(stack, "good", kpi={"p95": query}))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "NaN" in verdict.evidence
