"""A well-prepared repository passes every static line it can decide."""

from __future__ import annotations

import pytest

from pytest_biothings_ready.model import Status
from tests.static.conftest import GOOD, judge_repo
from tests.static.lines import STATIC_LINES

HALF_OBSERVABLE = {
    "API keys are rotated and not hardcoded",
    "Container resource requests/limits tuned",
}


@pytest.mark.parametrize("title", [t for t in STATIC_LINES if t not in HALF_OBSERVABLE])
def test_good_repository_passes_line(title: str) -> None:
    verdict = judge_repo(title, "good", **GOOD)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_clean_repository_leaves_rotation_unverified_with_static_half() -> None:
    verdict = judge_repo("API keys are rotated and not hardcoded", "good", **GOOD)
    assert verdict.status is Status.UNVERIFIED
    assert "not hardcoded" in verdict.evidence and "Rotation" in verdict.evidence


def test_tuning_without_prometheus_is_unverified_naming_the_setting() -> None:
    verdict = judge_repo("Container resource requests/limits tuned", "good", **GOOD)
    assert verdict.status is Status.UNVERIFIED
    assert "prometheus_url" in verdict.evidence


@pytest.mark.parametrize("title", STATIC_LINES)
def test_environment_naming_no_artifacts_is_unverified(title: str) -> None:
    verdict = judge_repo(title, "good")
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
    assert "needs `" in verdict.evidence
