"""How a line's static and live checks fold (SPEC "Repository mode")."""

from __future__ import annotations

from pathlib import Path

from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.evidence.registry import Check
from pytest_biothings_ready.evidence.store import EvidenceStore, run_checks
from pytest_biothings_ready.model import Status, Verdict

ITEM = next(iter(load_checklist(BUILTIN)))


def _static(verdict: Verdict) -> Check:
    return Check((ITEM.title,), lambda ctx: verdict, uses=("deploy",), name="tests.static")


def _live_needing_a_target() -> Check:
    return Check((ITEM.title,), lambda ctx: ctx.evidence("tls"), uses=("tls",), name="tests.tls")


def _live(verdict: Verdict) -> Check:
    return Check((ITEM.title,), lambda ctx: verdict, name="tests.live")


def _fold(env: Environment, *checks: Check) -> Verdict | None:
    return run_checks(ITEM, list(checks), EvidenceStore(env, budget_s=5))


def _env(tmp_path: Path, **settings: object) -> Environment:
    return Environment("ci", {"repo": ".", **settings}, tmp_path)


def test_without_a_live_target_the_static_pass_decides_configured_not_observed_live(
    tmp_path: Path,
) -> None:
    verdict = _fold(
        _env(tmp_path),
        _static(Verdict.passed("nginx declares limit_req")),
        _live_needing_a_target(),
    )
    assert verdict is not None
    assert verdict.status is Status.PASSED
    assert verdict.evidence == "nginx declares limit_req (configured, not observed live)"


def test_without_a_live_target_a_static_failure_fails(tmp_path: Path) -> None:
    verdict = _fold(_env(tmp_path), _static(Verdict.failed("no limiter")), _live_needing_a_target())
    assert verdict is not None and verdict.status is Status.FAILED
    assert verdict.evidence == "no limiter"


def test_a_live_line_alone_without_base_url_is_unverified_no_live_target(tmp_path: Path) -> None:
    verdict = _fold(_env(tmp_path), _live_needing_a_target())
    assert verdict is not None and verdict.status is Status.UNVERIFIED
    assert verdict.evidence.startswith("no live target in this environment")


def test_with_a_live_target_configured_the_static_pass_does_not_decide_alone(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path, base_url="https://127.0.0.1:9", timeout_s=0.5)
    verdict = _fold(env, _static(Verdict.passed("declared")), _live(Verdict.unverified("x")))
    assert verdict is not None and verdict.status is Status.UNVERIFIED


def test_a_static_failure_and_a_live_pass_is_a_contradiction_with_both_in_the_evidence(
    tmp_path: Path,
) -> None:
    verdict = _fold(
        _env(tmp_path),
        _static(Verdict.failed("nginx.conf declares no limit_req")),
        _live(Verdict.passed("burst saw 429 after 20 requests")),
    )
    assert verdict is not None and verdict.status is Status.FAILED
    assert "contradiction" in verdict.evidence
    assert "nginx.conf declares no limit_req" in verdict.evidence
    assert "burst saw 429 after 20 requests" in verdict.evidence


def test_a_static_pass_and_a_live_pass_pass_together(tmp_path: Path) -> None:
    verdict = _fold(_env(tmp_path), _static(Verdict.passed("a.")), _live(Verdict.passed("b.")))
    assert verdict is not None and verdict.status is Status.PASSED
    assert verdict.evidence == "a. b."


def test_an_environment_with_another_live_target_says_what_it_needs(tmp_path: Path) -> None:
    env = _env(tmp_path, prometheus_url="http://127.0.0.1:9")
    verdict = _fold(env, _live_needing_a_target())
    assert verdict is not None and verdict.status is Status.UNVERIFIED
    assert verdict.evidence.startswith("needs `base_url`")


def test_a_live_check_without_its_url_lets_the_static_pass_decide(tmp_path: Path) -> None:
    env = _env(tmp_path, prometheus_url="http://127.0.0.1:9")
    static = _static(Verdict.passed("rules declared."))
    verdict = _fold(env, static, _live_needing_a_target())
    assert verdict is not None and verdict.status is Status.PASSED
    assert verdict.evidence == "rules declared. (configured, not observed live)"


def test_a_live_check_unverified_for_another_reason_keeps_the_line_unverified(
    tmp_path: Path,
) -> None:
    live = _live(Verdict.unverified("needs `thresholds.p95_ms` in [env.ci] of readiness.toml"))
    verdict = _fold(_env(tmp_path), _static(Verdict.passed("declared.")), live)
    assert verdict is not None and verdict.status is Status.UNVERIFIED
