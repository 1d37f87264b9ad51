"""Alert routing configured; Alert escalation policies defined; Alerting system tested."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from pytest_biothings_ready.model import Status
from tests.observability.conftest import ALERTMANAGER, Stack
from tests.support.evaluate import judge
from tests.support.servers import free_port

ROUTING = "Alert routing configured (Slack, email, PagerDuty)"
ESCALATION = "Alert escalation policies defined"
TESTED = "Alerting system tested"


def _file(folder: Path, config: dict[str, Any]) -> dict[str, Any]:
    (folder / "alertmanager.yml").write_text(yaml.safe_dump(config))
    return {"monitoring": {"alertmanager_config": "alertmanager.yml"}, "timeout_s": 2}


def _empty_receiver_config() -> dict[str, Any]:
    config = copy.deepcopy(ALERTMANAGER)
    config["receivers"][1] = {"name": "pager"}
    return config


def test_live_critical_route_to_pagerduty_passes(stack: Stack) -> None:
    verdict = judge(ROUTING, {"alertmanager_url": stack.alertmanager, "timeout_s": 2})
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "'pager' (pagerduty)" in verdict.evidence


def test_route_ending_in_an_empty_receiver_fails(tmp_path: Path) -> None:
    verdict = judge(ROUTING, _file(tmp_path, _empty_receiver_config()), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "receiver 'pager', which has no integration" in verdict.evidence


def test_route_with_continue_reaches_every_matching_receiver(tmp_path: Path) -> None:
    config = copy.deepcopy(ALERTMANAGER)
    config["route"]["routes"] = [
        {"matchers": ['severity="critical"'], "receiver": "pager", "continue": True},
        {"matchers": ['severity=~"crit.*"'], "receiver": "silent"},
    ]
    config["receivers"].append({"name": "silent"})
    verdict = judge(ROUTING, _file(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "'silent'" in verdict.evidence and "'pager' (pagerduty)" not in verdict.evidence


def test_config_rejected_by_amtool_fails_routing(tmp_path: Path) -> None:
    config = copy.deepcopy(ALERTMANAGER)
    config["route"]["receiver"] = "nobody"
    verdict = judge(ROUTING, _file(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "amtool check-config" in verdict.evidence


def test_live_severity_route_with_hourly_repeat_escalates(stack: Stack) -> None:
    verdict = judge(ESCALATION, {"alertmanager_url": stack.alertmanager, "timeout_s": 2})
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "repeat every 1h" in verdict.evidence


def test_flat_route_has_no_escalation(tmp_path: Path) -> None:
    config = copy.deepcopy(ALERTMANAGER)
    del config["route"]["routes"]
    verdict = judge(ESCALATION, _file(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "no nested route matches on 'severity'" in verdict.evidence


def test_daily_repeat_of_critical_alerts_is_too_slow(tmp_path: Path) -> None:
    config = copy.deepcopy(ALERTMANAGER)
    config["route"]["routes"][0]["repeat_interval"] = "24h"
    verdict = judge(ESCALATION, _file(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.FAILED
    assert "repeat_interval 24h > 4h" in verdict.evidence


def test_no_alertmanager_is_unverified() -> None:
    for line in (ROUTING, ESCALATION, TESTED):
        verdict = judge(line, {"timeout_s": 1})
        assert verdict.status is Status.UNVERIFIED, line
        assert "alertmanager_url" in verdict.evidence


def test_unreachable_alertmanager_is_an_error() -> None:
    settings = {"alertmanager_url": f"http://127.0.0.1:{free_port()}", "timeout_s": 1}
    for line in (ROUTING, TESTED):
        assert judge(line, settings).status is Status.ERROR, line


def test_malformed_alertmanager_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "alertmanager.yml").write_text("receivers: []\n")
    settings = {"monitoring": {"alertmanager_config": "alertmanager.yml"}, "timeout_s": 1}
    verdict = judge(ROUTING, settings, root=tmp_path)
    assert verdict.status is Status.ERROR
    assert "no route" in verdict.evidence


def test_test_alert_is_listed_and_routed(stack: Stack) -> None:
    settings = {
        "alertmanager_url": stack.alertmanager,
        "timeout_s": 3,
        "monitoring": {"test_alert_labels": {"severity": "critical"}},
    }
    verdict = judge(TESTED, settings)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "routed to pager" in verdict.evidence


def test_test_alert_is_not_sent_to_production_by_default(stack: Stack) -> None:
    settings = {"alertmanager_url": stack.alertmanager, "production": True, "timeout_s": 2}
    verdict = judge(TESTED, settings)
    assert verdict.status is Status.UNVERIFIED
    assert "send_test_alert" in verdict.evidence
