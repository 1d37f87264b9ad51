"""Alertmanager set-ups that route critical alerts somewhere and still page no one."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from pytest_biothings_ready.model import Status
from pytest_biothings_ready.probes.observability.amtime import muted_share
from tests.observability.conftest import ALERTMANAGER, Stack
from tests.observability.test_alerting import ESCALATION, ROUTING, _file
from tests.support.evaluate import judge

BUSINESS_HOURS = {
    "name": "business-hours",
    "time_intervals": [
        {"weekdays": ["monday:friday"], "times": [{"start_time": "09:00", "end_time": "17:00"}]}
    ],
}
SUNDAY_WINDOW = {
    "name": "maintenance",
    "time_intervals": [
        {"weekdays": ["sunday"], "times": [{"start_time": "02:00", "end_time": "04:00"}]}
    ],
}


def _with(**changes: Any) -> dict[str, Any]:
    config = copy.deepcopy(ALERTMANAGER)
    config.update(changes)
    return config


def _critical_route(config: dict[str, Any], **options: Any) -> dict[str, Any]:
    config["route"]["routes"][0].update(options)
    return config


@contextmanager
def _silence(url: str, matchers: list[dict[str, Any]]) -> Iterator[str]:
    now = datetime.now(UTC)
    body = {
        "matchers": matchers,
        "startsAt": now.isoformat(),
        "endsAt": (now + timedelta(hours=1)).isoformat(),
        "createdBy": "redobs-test",
        "comment": "test",
    }
    with httpx.Client(timeout=3) as client:
        silence = client.post(f"{url}/api/v2/silences", json=body).raise_for_status().json()
        try:
            yield str(silence["silenceID"])
        finally:
            client.delete(f"{url}/api/v2/silence/{silence['silenceID']}").raise_for_status()


def _matcher(name: str, value: str, regex: bool = False) -> dict[str, Any]:
    return {"name": name, "value": value, "isRegex": regex, "isEqual": True}


def test_critical_route_active_only_in_business_hours_is_muted_most_of_the_time(
    tmp_path: Path,
) -> None:
    config = _critical_route(
        _with(time_intervals=[BUSINESS_HOURS]), active_time_intervals=["business-hours"]
    )
    verdict = judge(ROUTING, _file(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "muted 76% of the time" in verdict.evidence


def test_critical_route_muted_outside_a_sunday_window_passes(tmp_path: Path) -> None:
    config = _critical_route(
        _with(time_intervals=[SUNDAY_WINDOW]), mute_time_intervals=["maintenance"]
    )
    verdict = judge(ROUTING, _file(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_legacy_mute_time_intervals_covering_every_weekday_fail(tmp_path: Path) -> None:
    always = {"name": "always", "time_intervals": [{"weekdays": ["sunday:saturday"]}]}
    config = _critical_route(_with(mute_time_intervals=[always]), mute_time_intervals=["always"])
    verdict = judge(ROUTING, _file(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "muted 100%" in verdict.evidence


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        (
            {
                "source_matchers": ['alertname="Watchdog"'],
                "target_matchers": ['severity="critical"'],
            },
            "always-firing Watchdog",
        ),
        ({"target_matchers": ['severity=~".+"']}, "always-firing Watchdog"),
        (
            {
                "source_matchers": ['severity="warning"'],
                "target_matchers": ['severity="critical"'],
                "equal": ["alertname"],
            },
            "severity=warning sibling",
        ),
    ],
)
def test_inhibit_rule_that_mutes_every_critical_alert_fails(
    tmp_path: Path, rule: dict[str, Any], why: str
) -> None:
    verdict = judge(ROUTING, _file(tmp_path, _with(inhibit_rules=[rule])), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert why in verdict.evidence and "inhibit_rules[0]" in verdict.evidence


def test_critical_inhibiting_warning_is_the_usual_pattern_and_passes(tmp_path: Path) -> None:
    rule = {
        "source_matchers": ['severity="critical"'],
        "target_matchers": ['severity="warning"'],
        "equal": ["alertname", "namespace"],
    }
    verdict = judge(ROUTING, _file(tmp_path, _with(inhibit_rules=[rule])), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_maintenance_inhibition_of_critical_alerts_passes(tmp_path: Path) -> None:
    rule = {
        "source_matchers": ['alertname="MaintenanceMode"'],
        "target_matchers": ['severity="critical"'],
    }
    verdict = judge(ROUTING, _file(tmp_path, _with(inhibit_rules=[rule])), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_live_silence_of_every_critical_alert_fails_routing(stack: Stack) -> None:
    settings = {"alertmanager_url": stack.alertmanager, "timeout_s": 2}
    with _silence(stack.alertmanager, [_matcher("severity", "critical")]) as silence:
        verdict = judge(ROUTING, settings)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert f"silence {silence}" in verdict.evidence and 'severity="critical"' in verdict.evidence


def test_live_silence_of_one_named_alert_does_not_fail_routing(stack: Stack) -> None:
    settings = {"alertmanager_url": stack.alertmanager, "timeout_s": 2}
    with _silence(stack.alertmanager, [_matcher("alertname", "DiskFull")]):
        verdict = judge(ROUTING, settings)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_repeat_interval_of_years_is_too_slow(tmp_path: Path) -> None:
    config = _critical_route(copy.deepcopy(ALERTMANAGER), repeat_interval="5y")
    verdict = judge(ESCALATION, _file(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "5y > 4h" in verdict.evidence


def test_earlier_route_without_continue_sends_critical_alerts_to_a_blackhole(
    tmp_path: Path,
) -> None:
    config = copy.deepcopy(ALERTMANAGER)
    config["route"]["routes"].insert(0, {"matchers": ['alertname=~".+"'], "receiver": "null"})
    config["receivers"].append({"name": "null"})
    verdict = judge(ROUTING, _file(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "receiver 'null', which has no integration" in verdict.evidence


@pytest.mark.parametrize(
    ("spec", "share"),
    [
        ({"weekdays": ["saturday", "sunday"]}, 5 / 7),
        ({"days_of_month": ["-1"]}, 1 - 12 / 365),
        ({"months": ["january:june"]}, 1 - 181 / 365),
        ({"times": [{"start_time": "00:00", "end_time": "24:00"}], "years": ["2020:2025"]}, 1.0),
        ({}, 0.0),
    ],
)
def test_active_time_interval_shares_are_read_as_alertmanager_does(
    spec: dict[str, Any], share: float
) -> None:
    config = {"time_intervals": [{"name": "t", "time_intervals": [spec]}]}
    measured = muted_share(config, {"active_time_intervals": ["t"]})
    assert measured == pytest.approx(share, abs=0.01)


def test_severity_route_that_catches_every_severity_is_not_escalation(tmp_path: Path) -> None:
    config = copy.deepcopy(ALERTMANAGER)
    config["route"]["routes"][0]["matchers"] = ['severity=~".+"']
    verdict = judge(ESCALATION, _file(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "no nested route matches on 'severity'" in verdict.evidence


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("group_wait", "100y", "group_wait 100y > 1h"),
        ("group_interval", "30d", "group_interval 30d > 4h"),
    ],
)
def test_critical_route_that_waits_for_ever_before_paging_is_not_escalation(
    tmp_path: Path, key: str, value: str, shown: str
) -> None:
    config = _critical_route(copy.deepcopy(ALERTMANAGER), **{key: value})
    verdict = judge(ESCALATION, _file(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert shown in verdict.evidence


def test_critical_route_with_usual_group_timings_escalates(tmp_path: Path) -> None:
    config = _critical_route(copy.deepcopy(ALERTMANAGER), group_wait="30s", group_interval="5m")
    verdict = judge(ESCALATION, _file(tmp_path, config), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_inhibition_of_critical_alerts_outside_production_is_not_muting_every_one(
    tmp_path: Path,
) -> None:
    rule = {
        "source_matchers": ['alertname="Watchdog"'],
        "target_matchers": ['severity="critical"', 'namespace!="prod"'],
    }
    verdict = judge(ROUTING, _file(tmp_path, _with(inhibit_rules=[rule])), root=tmp_path)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_live_silence_outside_production_does_not_fail_routing(stack: Stack) -> None:
    settings = {"alertmanager_url": stack.alertmanager, "timeout_s": 2}
    matchers = [
        _matcher("severity", "critical"),
        {**_matcher("namespace", "prod"), "isEqual": False},
    ]
    with _silence(stack.alertmanager, matchers):
        verdict = judge(ROUTING, settings)
    assert verdict.status is Status.PASSED, verdict.evidence
