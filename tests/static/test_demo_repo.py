"""The demo deployment repository passes every static line it can decide."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

import pytest_biothings_ready
from pytest_biothings_ready.model import Status
from tests.static.conftest import judge_repo
from tests.static.lines import STATIC_LINES

DEMO = Path(pytest_biothings_ready.__file__).parent / "demo" / "repo"
# Decided only halfway from a repository (rotation; usage needs a Prometheus).
HALF_OBSERVABLE = {
    "API keys are rotated and not hardcoded",
    "Container resource requests/limits tuned",
}


def demo_settings() -> dict[str, Any]:
    settings: dict[str, Any] = tomllib.loads((DEMO / "readiness.toml").read_text())["env"]["demo"]
    return settings


@pytest.mark.parametrize("title", STATIC_LINES)
def test_demo_repository_passes_every_static_line(title: str) -> None:
    verdict = judge_repo(title, DEMO, **demo_settings())
    expected = Status.UNVERIFIED if title in HALF_OBSERVABLE else Status.PASSED
    assert verdict.status is expected, verdict.evidence


def test_demo_static_settings_use_absolute_paths_that_exist() -> None:
    from pytest_biothings_ready.probes.static.demo import demo_static_settings

    settings = demo_static_settings()
    assert "base_url" not in settings
    for key in ("dockerfiles", "manifests", "scan_reports", "nginx_configs"):
        assert all(Path(p).is_absolute() and Path(p).exists() for p in settings[key])
    verdict = judge_repo("Non-root user in containers", Path("/nonexistent"), **settings)
    assert verdict.status is Status.PASSED, verdict.evidence
