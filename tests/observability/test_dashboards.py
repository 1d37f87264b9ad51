"""Grafana dashboards configured; Monitoring dashboards active."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pytest_biothings_ready.model import Status
from tests.observability.conftest import Stack
from tests.observability.standins import dashboard, grafana_app
from tests.support.evaluate import judge
from tests.support.servers import free_port, serve_asgi

CONFIGURED = "Grafana dashboards configured"
ACTIVE = "Monitoring dashboards active"
LIVE = dashboard(
    "Service",
    'sum(rate(biothings_http_requests_total{job="$job"}[5m]))',
    "histogram_quantile(0.95, sum by (le) (rate("
    "biothings_http_request_duration_seconds_bucket[$__rate_interval])))",
)
STALE = dashboard("Legacy", 'sum(rate(flask_http_request_total{status="500"}[5m]))')


def _grafana(url: str, stack: Stack) -> dict[str, Any]:
    return {"prometheus_url": stack.prometheus, "timeout_s": 2, "monitoring": {"grafana_url": url}}


def test_grafana_with_dashboards_on_existing_metrics_passes_both(stack: Stack) -> None:
    with serve_asgi(grafana_app(LIVE)) as url:
        verdicts = [judge(line, _grafana(url, stack)) for line in (CONFIGURED, ACTIVE)]
    assert [v.status for v in verdicts] == [Status.PASSED] * 2, verdicts
    assert "all 2 panel queries" in verdicts[0].evidence


def test_panel_on_a_metric_that_does_not_exist_fails(stack: Stack) -> None:
    with serve_asgi(grafana_app(LIVE, STALE)) as url:
        verdict = judge(CONFIGURED, _grafana(url, stack))
    assert verdict.status is Status.FAILED
    assert "Legacy: sum(rate(flask_http_request_total" in verdict.evidence


def test_grafana_without_dashboards_fails(stack: Stack) -> None:
    with serve_asgi(grafana_app()) as url:
        verdict = judge(ACTIVE, _grafana(url, stack))
    assert verdict.status is Status.FAILED
    assert "no dashboard with panel queries" in verdict.evidence


def test_grafana_with_a_broken_database_is_not_active(stack: Stack) -> None:
    with serve_asgi(grafana_app(LIVE, database="failing")) as url:
        verdict = judge(ACTIVE, _grafana(url, stack))
    assert verdict.status is Status.FAILED
    assert "database failing" in verdict.evidence


def test_provisioned_files_checked_against_the_metrics_endpoint(
    stack: Stack, tmp_path: Path
) -> None:
    (tmp_path / "dash").mkdir()
    (tmp_path / "dash" / "service.json").write_text(json.dumps(LIVE))
    settings = {"metrics_url": stack.good, "timeout_s": 2, "monitoring": {"dashboards": ["dash"]}}
    assert judge(CONFIGURED, settings, root=tmp_path).status is Status.PASSED
    (tmp_path / "dash" / "legacy.json").write_text(json.dumps({"dashboard": STALE}))
    assert judge(CONFIGURED, settings, root=tmp_path).status is Status.FAILED
    active = judge(ACTIVE, settings, root=tmp_path)
    assert active.status is Status.UNVERIFIED
    assert "monitoring.grafana_url" in active.evidence


def test_malformed_dashboard_file_fails(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{ not json")
    settings = {
        "metrics_url": "http://127.0.0.1:9/metrics",
        "timeout_s": 1,
        "monitoring": {"dashboards": ["broken.json"]},
    }
    verdict = judge(CONFIGURED, settings, root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "not valid JSON" in verdict.evidence


def test_unreachable_grafana_is_an_error(stack: Stack) -> None:
    verdict = judge(ACTIVE, _grafana(f"http://127.0.0.1:{free_port()}", stack))
    assert verdict.status is Status.ERROR


def test_no_dashboards_configured_is_unverified() -> None:
    verdict = judge(CONFIGURED, {"timeout_s": 1})
    assert verdict.status is Status.UNVERIFIED
    assert "monitoring.grafana_url" in verdict.evidence
