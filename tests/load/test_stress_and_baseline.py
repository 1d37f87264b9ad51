"""Stress ramps and the performance baseline."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.model import Status
from tests.load import apps
from tests.load.settings import load_settings
from tests.support.evaluate import environment, judge
from tests.support.servers import serve_asgi

STRESS = "Stress testing beyond normal capacity"
BASELINE = "Performance metrics baseline established"
PERFORMANCE = "Performance testing completed"
# 2 expected users ramped x4 in 4 steps: 2, 4, 6, 8 users; the target breaks above 5.
RAMP = {"users": 2, "stress_factor": 4, "stress_steps": 4}


def test_stress_reports_the_step_where_the_target_degrades() -> None:
    with serve_asgi(apps.degrading_past(5)) as url:
        verdict = judge(STRESS, load_settings(url, **RAMP, capacity_multiple=2))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "step 3 (6 users) crossed the thresholds" in verdict.evidence
    assert "capacity 4 users" in verdict.evidence
    assert "answered 200" in verdict.evidence


def test_stress_capacity_below_the_required_multiple_fails() -> None:
    with serve_asgi(apps.degrading_past(5)) as url:
        verdict = judge(STRESS, load_settings(url, **RAMP, capacity_multiple=3))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "capacity 4 users; required 6 users" in verdict.evidence


def test_stress_without_a_breaking_step_reports_a_lower_bound() -> None:
    with serve_asgi(apps.fast()) as url:
        verdict = judge(STRESS, load_settings(url, **RAMP))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "no step crossed the thresholds, capacity at least 8 users" in verdict.evidence


def test_stress_plan_above_the_user_cap_is_refused_without_traffic() -> None:
    verdict = judge(STRESS, load_settings("http://127.0.0.1:9", **RAMP, max_users=5))
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "above the cap load.max_users = 5" in verdict.evidence


def test_first_run_writes_the_baseline_and_a_later_regression_fails(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    with serve_asgi(apps.fixed_latency(0.02)) as url:
        settings = load_settings(url, baseline_path=str(path))
        store = EvidenceStore(environment(settings))
        written = judge(BASELINE, settings, store=store)
        first = judge(PERFORMANCE, settings, store=store)
    assert written.status is Status.PASSED, written.evidence
    assert f"Baseline written to {path}" in written.evidence
    assert first.status is Status.PASSED and "No earlier baseline" in first.evidence
    recorded = json.loads(path.read_text())
    assert 15 <= recorded["p95_ms"] <= 90  # 20 ms target; a shared CI machine adds jitter
    with serve_asgi(apps.fixed_latency(0.1)) as url:
        later = load_settings(url, baseline_path=str(path))
        present = judge(BASELINE, later, store=(store := EvidenceStore(environment(later))))
        regressed = judge(PERFORMANCE, later, store=store)
    assert present.status is Status.PASSED and "Baseline present" in present.evidence
    assert regressed.status is Status.FAILED, regressed.evidence
    assert "Regression against the baseline" in regressed.evidence
    assert json.loads(path.read_text()) == recorded  # a present baseline is kept


def test_broken_run_writes_no_baseline(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    with serve_asgi(apps.failing_every(2)) as url:
        verdict = judge(BASELINE, load_settings(url, baseline_path=str(path)))
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "too broken to be a baseline" in verdict.evidence
    assert not path.exists()


def test_a_plan_without_users_is_refused() -> None:
    verdict = judge(
        "Load testing with expected traffic", load_settings("http://127.0.0.1:9", users=0)
    )
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "at least 1 user" in verdict.evidence
