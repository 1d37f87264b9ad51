"""'24/7 on-call rotation established' from alertmanager.yml files amtool accepts."""

from __future__ import annotations

from pathlib import Path

import yaml

from pytest_biothings_ready.model import Status, Verdict
from tests.support.evaluate import judge

LINE = "24/7 on-call rotation established"
PAGER = {"name": "pager", "pagerduty_configs": [{"routing_key": "0123456789abcdef"}]}
CHAT = {
    "name": "chat",
    "slack_configs": [{"api_url": "https://hooks.example.org/x", "channel": "#ops"}],
}
NIGHTS = [
    {
        "name": "nights",
        "time_intervals": [{"times": [{"start_time": "18:00", "end_time": "23:59"}]}],
    }
]


def _config(
    critical_route: dict[str, object], extra: dict[str, object] | None = None
) -> dict[str, object]:
    return {
        "route": {
            "receiver": "chat",
            "routes": [{"matchers": ['severity="critical"'], **critical_route}],
        },
        "receivers": [PAGER, CHAT],
        **(extra or {}),
    }


def _verdict(tmp_path: Path, config: dict[str, object]) -> Verdict:
    path = tmp_path / "alertmanager.yml"
    path.write_text(yaml.safe_dump(config))
    return judge(LINE, {"monitoring": {"alertmanager_config": str(path)}})


def test_critical_alerts_paging_at_all_hours_pass(tmp_path: Path) -> None:
    verdict = _verdict(tmp_path, _config({"receiver": "pager"}))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "page via 'pager' (pagerduty)" in verdict.evidence


def test_critical_alerts_that_only_reach_chat_fail(tmp_path: Path) -> None:
    verdict = _verdict(tmp_path, _config({"receiver": "chat"}))
    assert verdict.status is Status.FAILED
    assert "pages nobody" in verdict.evidence


def test_critical_paging_muted_at_night_fails(tmp_path: Path) -> None:
    route = {"receiver": "pager", "mute_time_intervals": ["nights"]}
    verdict = _verdict(tmp_path, _config(route, {"time_intervals": NIGHTS}))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "mute_time_intervals ['nights']" in verdict.evidence


def test_critical_paging_only_in_business_hours_fails(tmp_path: Path) -> None:
    route = {"receiver": "pager", "active_time_intervals": ["nights"]}
    verdict = _verdict(tmp_path, _config(route, {"time_intervals": NIGHTS}))
    assert verdict.status is Status.FAILED
    assert "active_time_intervals" in verdict.evidence


def test_without_an_alertmanager_configuration_the_line_is_unverified() -> None:
    assert judge(LINE, {}).status is Status.UNVERIFIED
