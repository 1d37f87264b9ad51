"""Dashboards that exist and still show nothing must not pass."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from pytest_biothings_ready.model import Status
from tests.observability.conftest import Stack
from tests.observability.standins import dashboard, grafana_app
from tests.observability.test_dashboards import CONFIGURED, LIVE, _grafana
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi


def _on_datasource(board: dict[str, Any], uid: str) -> dict[str, Any]:
    board = copy.deepcopy(board)
    for panel in board["panels"][0]["panels"]:
        panel["datasource"] = {"type": "prometheus", "uid": uid}
    return board


def test_panels_on_a_datasource_uid_grafana_does_not_know_fail(stack: Stack) -> None:
    with serve_asgi(grafana_app(_on_datasource(LIVE, "deleted-prom"))) as url:
        verdict = judge(CONFIGURED, _grafana(url, stack))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "datasource 'deleted-prom' used by Service does not exist" in verdict.evidence


def test_panels_on_an_existing_datasource_uid_pass(stack: Stack) -> None:
    with serve_asgi(grafana_app(_on_datasource(LIVE, "prom"))) as url:
        verdict = judge(CONFIGURED, _grafana(url, stack))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_panels_on_a_templated_datasource_are_not_looked_up(stack: Stack) -> None:
    with serve_asgi(grafana_app(_on_datasource(LIVE, "${datasource}"), datasources=())) as url:
        verdict = judge(CONFIGURED, _grafana(url, stack))
    assert verdict.status is Status.PASSED, verdict.evidence


def test_dashboard_of_only_templated_and_constant_queries_shows_nothing(
    stack: Stack, tmp_path: Path
) -> None:
    board = dashboard("Hollow", "$metric", "vector(1)", 'sum(rate(${metric}{job="$job"}[5m]))')
    (tmp_path / "hollow.json").write_text(json.dumps(board))
    settings = {"metrics_url": stack.good, "timeout_s": 2, "monitoring": {"dashboards": ["."]}}
    verdict = judge(CONFIGURED, settings, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "no panel query" in verdict.evidence


def test_one_invalid_file_among_valid_dashboards_fails(stack: Stack, tmp_path: Path) -> None:
    (tmp_path / "service.json").write_text(json.dumps(LIVE))
    (tmp_path / "broken.json").write_text('{"title": "Broken", "panels": [}')
    settings = {"metrics_url": stack.good, "timeout_s": 2, "monitoring": {"dashboards": ["."]}}
    verdict = judge(CONFIGURED, settings, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "broken.json is not valid JSON" in verdict.evidence


def test_empty_dashboard_fails(stack: Stack, tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text(json.dumps({"title": "Empty", "panels": []}))
    settings = {"metrics_url": stack.good, "timeout_s": 2, "monitoring": {"dashboards": ["."]}}
    verdict = judge(CONFIGURED, settings, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence


def test_dashboards_folder_that_does_not_exist_is_an_error_naming_the_setting(
    tmp_path: Path,
) -> None:
    settings = {"metrics_url": "http://127.0.0.1:9/metrics", "monitoring": {"dashboards": ["x"]}}
    verdict = judge(CONFIGURED, {**settings, "timeout_s": 1}, root=tmp_path)
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "`monitoring.dashboards`" in verdict.evidence


def test_file_dashboard_on_recording_rules_is_not_dead_against_a_metrics_endpoint(
    stack: Stack, tmp_path: Path
) -> None:
    board = dashboard("SLO", 'slo:sli_error:ratio_rate5m{sloth_service="api"}')
    (tmp_path / "slo.json").write_text(json.dumps(board))
    settings = {"metrics_url": stack.good, "timeout_s": 2, "monitoring": {"dashboards": ["."]}}
    verdict = judge(CONFIGURED, settings, root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_recording_rule_panel_checked_against_prometheus_must_exist(
    stack: Stack, tmp_path: Path
) -> None:
    board = dashboard("SLO", 'slo:sli_error:ratio_rate5m{sloth_service="api"}')
    (tmp_path / "slo.json").write_text(json.dumps(board))
    settings = {"prometheus_url": stack.prometheus, "timeout_s": 2}
    settings["monitoring"] = {"dashboards": ["."]}
    verdict = judge(CONFIGURED, settings, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
