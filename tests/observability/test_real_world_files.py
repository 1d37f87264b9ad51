"""Rule and dashboard files in the shapes public repositories keep them in.

Small synthetic fixtures: PrometheusRule custom resources (``spec.groups``), several
objects in one file, PromQL comments, a UTF-8 BOM, stray scalars, Loki panels.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from pytest_biothings_ready.model import Status
from tests.observability.conftest import Stack
from tests.support.evaluate import judge

CRITICAL = "Critical alerts configured (service down, high error rates)"
RUNBOOKS = "Runbooks created for common alerts"
CONFIGURED = "Grafana dashboards configured"


def _rule(name: str, expr: str) -> dict[str, Any]:
    return {
        "alert": name,
        "expr": expr,
        "labels": {"severity": "critical"},
        "annotations": {"runbook_url": "https://wiki.example.org/runbooks/x"},
    }


def _custom_resource(name: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": name, "namespace": "monitoring"},
        "spec": {"groups": [{"name": name, "rules": list(rules)}]},
    }


def _settings(folder: Path, rules_text: str, name: str = "rules.yaml") -> dict[str, Any]:
    (folder / name).write_text(rules_text, encoding="utf-8")
    config = {"scrape_configs": [{"job_name": "api", "static_configs": [{"targets": ["x:1"]}]}]}
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
    monitoring = {"alert_rules": [name], "prometheus_config": "prometheus.yml"}
    return {"timeout_s": 2, "monitoring": monitoring}


DOWN = _rule("ApiDown", 'up{job="api"} == 0')
ERRORS = _rule("ApiErrors", 'sum(rate(http_requests_total{job="api",status=~"5.."}[5m])) > 1')


def test_prometheus_rule_resources_are_read_from_spec_groups(tmp_path: Path) -> None:
    text = "---\n" + yaml.safe_dump(_custom_resource("down", DOWN))
    text += "---\n" + yaml.safe_dump(_custom_resource("errors", ERRORS)) + "---\n"
    settings = _settings(tmp_path, text)
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "ApiDown" in verdict.evidence and "ApiErrors" in verdict.evidence
    assert judge(RUNBOOKS, settings, root=tmp_path).status is Status.PASSED


def test_prometheus_rule_resource_rejected_by_promtool_names_the_object(tmp_path: Path) -> None:
    broken = _rule("Broken", "sum(rate(x[5m]) > ")
    text = yaml.safe_dump(_custom_resource("api-rules", DOWN, ERRORS, broken))
    verdict = judge(CRITICAL, _settings(tmp_path, text), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "(PrometheusRule api-rules, spec.groups)" in verdict.evidence


def test_a_comment_saying_failed_does_not_make_an_error_rate_alert(tmp_path: Path) -> None:
    reload = _rule("ConfigReload", "# catches failed reloads\nmax(config_ok{job='api'}) == 0")
    text = yaml.safe_dump({"groups": [{"name": "g", "rules": [DOWN, reload]}]})
    verdict = judge(CRITICAL, _settings(tmp_path, text), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "ConfigReload [max(config_ok{job='api'}) == 0]" in verdict.evidence


def test_rule_file_with_bom_and_stray_scalars_is_read(tmp_path: Path) -> None:
    groups = {"groups": ["stray", {"name": "g", "rules": [None, DOWN, ERRORS]}]}
    settings = _settings(tmp_path, "\ufeff" + yaml.safe_dump(groups))
    # promtool rightly rejects the stray entries; the rules are still read and judged.
    verdict = judge(RUNBOOKS, settings, root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "all 2 alert rules carry a runbook_url" in verdict.evidence


def test_dashboard_with_bom_rows_and_loki_panels_is_judged_on_prometheus_queries(
    stack: Stack, tmp_path: Path
) -> None:
    loki = {"type": "loki", "uid": "logs"}
    board = {
        "title": "API",
        "rows": ["stray", {"panels": [None]}],
        "panels": [
            {
                "type": "row",
                "collapsed": True,
                "panels": [
                    {"targets": [{"expr": "sum(rate(biothings_http_requests_total[5m]))"}]},
                ],
            },
            {
                "datasource": loki,
                "targets": [
                    {"expr": 'rate({app="api"} | logfmt | unwrap latency_ms [5m])'},
                ],
            },
            {"type": "text", "targets": "not a list"},
        ],
    }
    (tmp_path / "board.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(board).encode())
    settings = {
        "metrics_url": stack.good,
        "timeout_s": 2,
        "monitoring": {"dashboards": ["board.json"]},
    }
    verdict = judge(CONFIGURED, settings, root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence
