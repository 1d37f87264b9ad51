"""Week-long SLO queries over backfilled history (promtool create-blocks-from openmetrics)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from pytest_biothings_ready.model import Status
from tests.support.evaluate import judge
from tests.support.monitoring import prometheus

UPTIME = "Availability: > 99.9% uptime"
WEEK = 7 * 86400
OUTAGE = (3 * 86400, 3 * 86400 + 3 * 3600)  # three hours down, three days ago-ish


def _week_of_up() -> str:
    """``up`` every five minutes for a week: job steady always up, flaky down 3 hours."""
    now = int(time.time()) - 60
    lines = ["# HELP up Backfilled scrape health.", "# TYPE up gauge"]
    for job in ("steady", "flaky"):
        for stamp in range(now - WEEK + 300, now, 300):
            down = job == "flaky" and OUTAGE[0] <= stamp - (now - WEEK) < OUTAGE[1]
            lines.append(f'up{{job="{job}",instance="{job}:80"}} {0 if down else 1} {stamp}')
    return "\n".join([*lines, "# EOF", ""])


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Prometheus holding a backfilled week of ``up`` for two jobs."""
    folder = tmp_path_factory.mktemp("week")
    with prometheus(folder, {"scrape_configs": []}, backfill=_week_of_up()) as url:
        yield url


def _settings(url: str, job: str) -> dict[str, object]:
    return {
        "prometheus_url": url,
        "timeout_s": 5,
        "monitoring": {"prometheus_job": job, "slo_window": "7d"},
    }


def test_a_week_always_up_passes_over_the_full_window(week: str) -> None:
    verdict = judge(UPTIME, _settings(week, "steady"))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "uptime 100.000% job 'steady' over 7d" in verdict.evidence


def test_three_hours_down_in_a_week_fails(week: str) -> None:
    verdict = judge("System uptime > 99.9%", _settings(week, "flaky"))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "uptime 98.2" in verdict.evidence
