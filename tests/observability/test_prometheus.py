"""Critical alerts configured; Runbooks created for common alerts; Error rates monitored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pytest_biothings_ready.model import Status
from tests.observability.conftest import ERROR_RATIO, Stack
from tests.support.evaluate import judge
from tests.support.monitoring import prometheus
from tests.support.servers import free_port, serve_asgi

CRITICAL = "Critical alerts configured (service down, high error rates)"
RUNBOOKS = "Runbooks created for common alerts"
MONITORED = "Error rates monitored"


def _live(stack: Stack, **extra: Any) -> dict[str, Any]:
    return {"prometheus_url": stack.prometheus, "metrics_url": stack.good, "timeout_s": 3, **extra}


def _rule(name: str, expr: str, severity: str = "critical", runbook: bool = True) -> dict[str, Any]:
    rule: dict[str, Any] = {"alert": name, "expr": expr, "labels": {"severity": severity}}
    if runbook:
        rule["annotations"] = {"runbook_url": "https://wiki.example.org/runbooks/x"}
    return rule


def _files(
    folder: Path, *rules: dict[str, Any], jobs: tuple[str, ...] = ("api",)
) -> dict[str, Any]:
    """A prometheus.yml scraping ``jobs`` and loading one rule file of ``rules``."""
    (folder / "rules.yml").write_text(
        yaml.safe_dump({"groups": [{"name": "g", "rules": list(rules)}]})
    )
    config = {
        "rule_files": ["rules.yml"],
        "scrape_configs": [
            {"job_name": j, "static_configs": [{"targets": ["127.0.0.1:9"]}]} for j in jobs
        ],
    }
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
    return {"monitoring": {"prometheus_config": "prometheus.yml"}, "timeout_s": 2}


GOOD_RULES = (_rule("ApiDown", 'up{job="api"} == 0'), _rule("ApiErrors", f"{ERROR_RATIO} > 0.01"))


def test_live_rules_with_down_and_error_rate_alerts_pass(stack: Stack) -> None:
    verdict = judge(CRITICAL, _live(stack))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "ServiceDown" in verdict.evidence and "HighErrorRate" in verdict.evidence


def test_rule_files_with_working_alerts_pass(tmp_path: Path) -> None:
    verdict = judge(CRITICAL, _files(tmp_path, *GOOD_RULES), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_rules_without_a_critical_alert_fail(tmp_path: Path) -> None:
    rules = [_rule(r["alert"], r["expr"], severity="warning") for r in GOOD_RULES]
    verdict = judge(CRITICAL, _files(tmp_path, *rules), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "no working severity=critical service-down" in verdict.evidence


def test_live_prometheus_without_critical_rules_fails(tmp_path: Path) -> None:
    warning_only = {"groups": [{"name": "g", "rules": [_rule("Down", "up == 0", "warning")]}]}
    with prometheus(tmp_path, {"scrape_configs": []}, warning_only) as url:
        verdict = judge(CRITICAL, {"prometheus_url": url, "timeout_s": 2})
    assert verdict.status is Status.FAILED
    assert "critical alerts: none" in verdict.evidence


def test_down_alert_on_an_unknown_job_is_not_working(tmp_path: Path) -> None:
    settings = _files(tmp_path, *GOOD_RULES, jobs=("web",))
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "scrape jobs: web" in verdict.evidence


def test_error_alert_on_a_metric_the_service_lacks_is_not_working(
    stack: Stack, tmp_path: Path
) -> None:
    rules = (GOOD_RULES[0], _rule("Errors", 'rate(http_errors_total{code="500"}[5m]) > 1'))
    settings = {**_files(tmp_path, *rules), "metrics_url": stack.good}
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "error-rate" in verdict.evidence


def test_rule_file_rejected_by_promtool_fails_with_its_message(tmp_path: Path) -> None:
    settings = _files(tmp_path, *GOOD_RULES, _rule("Broken", "up =="))
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "promtool check rules" in verdict.evidence and "parse error" in verdict.evidence


def test_unreachable_prometheus_is_an_error() -> None:
    settings = {"prometheus_url": f"http://127.0.0.1:{free_port()}", "timeout_s": 1}
    assert judge(CRITICAL, settings).status is Status.ERROR
    assert judge(MONITORED, settings).status is Status.ERROR


def test_prometheus_answering_500_is_an_error() -> None:
    async def fail(request: Request) -> JSONResponse:
        return JSONResponse({"status": "error", "error": "boom"}, status_code=500)

    app = Starlette(routes=[Route("/api/v1/{path:path}", fail)])
    with serve_asgi(app) as url:
        verdict = judge(CRITICAL, {"prometheus_url": url, "timeout_s": 2})
    assert verdict.status is Status.ERROR
    assert "HTTP 500" in verdict.evidence


def test_no_rule_source_is_unverified() -> None:
    verdict = judge(CRITICAL, {"timeout_s": 1})
    assert verdict.status is Status.UNVERIFIED
    assert "prometheus_url" in verdict.evidence


def test_live_alerts_with_reachable_runbooks_pass(stack: Stack) -> None:
    settings = _live(stack, monitoring={"runbook_hosts": ["127.0.0.1"]})
    verdict = judge(RUNBOOKS, settings)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_alert_without_runbook_fails(tmp_path: Path) -> None:
    settings = _files(tmp_path, *GOOD_RULES, _rule("DiskFull", "up < 1", runbook=False))
    verdict = judge(RUNBOOKS, settings, root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "DiskFull" in verdict.evidence


def test_runbook_link_that_answers_404_fails(stack: Stack, tmp_path: Path) -> None:
    rule = _rule("ApiDown", "up == 0")
    rule["annotations"]["runbook_url"] = f"{stack.runbooks}/runbooks/missing"
    settings = _files(tmp_path, rule)
    settings["monitoring"]["runbook_hosts"] = ["127.0.0.1"]
    verdict = judge(RUNBOOKS, settings, root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "HTTP 404" in verdict.evidence


def test_scraped_service_with_evaluating_error_alert_is_monitored(stack: Stack) -> None:
    verdict = judge(MONITORED, _live(stack, monitoring={"prometheus_job": "good"}))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "HighErrorRate" in verdict.evidence


def test_job_resolves_from_metrics_url(stack: Stack) -> None:
    verdict = judge(MONITORED, _live(stack))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "job 'good'" in verdict.evidence


def test_service_whose_target_is_down_is_not_monitored(stack: Stack) -> None:
    settings = _live(stack, monitoring={"prometheus_job": "down"})
    del settings["metrics_url"]
    verdict = judge(MONITORED, settings)
    assert verdict.status is Status.FAILED
    assert "no target up" in verdict.evidence


def test_malformed_rule_file_fails_critical_alerts(tmp_path: Path) -> None:
    (tmp_path / "rules.yml").write_text("groups: [unclosed")
    settings = {"monitoring": {"alert_rules": ["rules.yml"]}, "timeout_s": 1}
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "not valid YAML" in verdict.evidence
    assert judge(RUNBOOKS, settings, root=tmp_path).status is Status.FAILED


def test_prometheus_config_naming_a_missing_rule_file_fails(tmp_path: Path) -> None:
    settings = _files(tmp_path, *GOOD_RULES)
    config = yaml.safe_load((tmp_path / "prometheus.yml").read_text())
    config["rule_files"].append("alerts/critical.yml")
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "critical.yml, which does not exist" in verdict.evidence


def test_prometheus_config_whose_rule_files_exist_passes(tmp_path: Path) -> None:
    verdict = judge(CRITICAL, _files(tmp_path, *GOOD_RULES), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_prometheus_config_that_does_not_load_fails(tmp_path: Path) -> None:
    settings = _files(tmp_path, *GOOD_RULES)
    (tmp_path / "prometheus.yml").write_text("rule_files: [unclosed\n")
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence


@pytest.mark.parametrize(
    ("key", "value"),
    [("alert_rules", ["missing.yml"]), ("prometheus_config", "missing.yml")],
)
def test_a_setting_naming_a_missing_file_is_an_error_naming_it(
    tmp_path: Path, key: str, value: object
) -> None:
    settings = {"monitoring": {key: value}, "timeout_s": 1}
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.ERROR
    assert f"`monitoring.{key}`" in verdict.evidence


def test_alert_rules_accept_glob_patterns(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    for index, rule in enumerate(GOOD_RULES):
        (tmp_path / "rules" / f"{index}.yml").write_text(
            yaml.safe_dump({"groups": [{"name": f"g{index}", "rules": [rule]}]})
        )
    settings = {"monitoring": {"alert_rules": ["rules/*.yml"]}, "timeout_s": 2}
    verdict = judge(CRITICAL, settings, root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence
