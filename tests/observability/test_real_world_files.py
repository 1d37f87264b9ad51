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


ROUTING = "Alert routing configured (Slack, email, PagerDuty)"
ESCALATION = "Alert escalation policies defined"

RECEIVERS = [
    {"name": "pager", "pagerduty_configs": [{"routing_key": "x"}]},
    {"name": "quiet"},
]


def _alertmanager(folder: Path, content: Any) -> dict[str, Any]:
    text = content if isinstance(content, str) else yaml.safe_dump(content)
    (folder / "alertmanager.yml").write_text(text, encoding="utf-8")
    return {"timeout_s": 2, "monitoring": {"alertmanager_config": "alertmanager.yml"}}


def _config(**route: Any) -> dict[str, Any]:
    return {"route": {"receiver": "quiet", **route}, "receivers": RECEIVERS}


def test_malformed_routes_fail_with_amtool_reason_not_a_crash(tmp_path: Path) -> None:
    config = _config(routes=["stray", {"match": "severity=critical", "receiver": "pager"}])
    settings = _alertmanager(tmp_path, config)
    for line in (ROUTING, ESCALATION):
        verdict = judge(line, settings, root=tmp_path)
        assert verdict.status is Status.FAILED, verdict.evidence
        assert "cannot unmarshal" in verdict.evidence  # amtool's reason, from its stdout


def test_invalid_regex_matcher_fails_instead_of_crashing(tmp_path: Path) -> None:
    config = _config(routes=[{"match_re": {"severity": "(crit"}, "receiver": "pager"}])
    verdict = judge(ROUTING, _alertmanager(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "error parsing regexp" in verdict.evidence


def test_repeat_interval_that_is_no_duration_is_reported(tmp_path: Path) -> None:
    route = {"matchers": ["severity=critical"], "receiver": "pager"}
    config = _config(repeat_interval="4 hours", routes=[route])
    verdict = judge(ESCALATION, _alertmanager(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "critical repeat_interval '4 hours' is not a duration" in verdict.evidence


def _secret(config: dict[str, Any], encoded: bool) -> dict[str, Any]:
    import base64

    text = yaml.safe_dump(config)
    secret: dict[str, Any] = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "am"}}
    if encoded:
        secret["data"] = {"alertmanager.yaml": base64.b64encode(text.encode()).decode()}
    else:
        secret["stringData"] = {"alertmanager.yaml": text}
    return secret


def test_alertmanager_config_inside_a_secret_is_judged(tmp_path: Path) -> None:
    route = {"matchers": ['severity="critical"'], "receiver": "pager", "repeat_interval": "1h"}
    for encoded in (False, True):
        settings = _alertmanager(tmp_path, _secret(_config(routes=[route]), encoded))
        verdict = judge(ESCALATION, settings, root=tmp_path)
        assert verdict.status is Status.PASSED, verdict.evidence
        assert "alertmanager.yml (alertmanager.yaml): critical alerts escalate" in verdict.evidence


def test_alertmanager_config_resource_is_an_error_saying_so(tmp_path: Path) -> None:
    resource = {
        "apiVersion": "monitoring.coreos.com/v1alpha1",
        "kind": "AlertmanagerConfig",
        "metadata": {"name": "team"},
        "spec": {"route": {"receiver": "pager"}, "receivers": [{"name": "pager"}]},
    }
    verdict = judge(ROUTING, _alertmanager(tmp_path, resource), root=tmp_path)
    assert verdict.status is Status.ERROR
    assert "AlertmanagerConfig resource, which is not judged" in verdict.evidence


def test_alert_rules_pattern_matching_nothing_is_an_error_saying_so(tmp_path: Path) -> None:
    settings = {"timeout_s": 2, "monitoring": {"alert_rules": ["rules/*.yml"]}}
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.ERROR
    assert "rules/*.yml matches no file" in verdict.evidence


def test_prometheus_config_whose_rule_glob_matches_nothing_has_no_rules(tmp_path: Path) -> None:
    config = {"rule_files": ["rules/*.yml"], "scrape_configs": [{"job_name": "api"}]}
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    settings = {"timeout_s": 2, "monitoring": {"prometheus_config": "prometheus.yml"}}
    verdict = judge(RUNBOOKS, settings, root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "no alert rules found" in verdict.evidence


def test_long_expressions_are_cut_in_the_evidence(tmp_path: Path) -> None:
    long = _rule("Saturation", "sum(rate(queue_depth_total{job='api'}[5m])) " + "+ 0 " * 60 + "> 1")
    text = yaml.safe_dump({"groups": [{"name": "g", "rules": [DOWN, long]}]})
    verdict = judge(CRITICAL, _settings(tmp_path, text), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "Saturation [sum(rate(queue_depth_total" in verdict.evidence
    assert "...]" in verdict.evidence and len(verdict.evidence) < 600
