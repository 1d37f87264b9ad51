"""Grafana provisioning files named in monitoring.dashboards."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from pytest_biothings_ready.model import Status
from tests.observability.conftest import Stack
from tests.observability.test_dashboards import CONFIGURED, LIVE
from tests.support.evaluate import judge


def _provisioning(folder: Path, path: str) -> dict[str, object]:
    provider = {"name": "default", "type": "file", "options": {"path": path}}
    (folder / "grafana" / "provisioning").mkdir(parents=True)
    (folder / "grafana" / "provisioning" / "dashboards.yml").write_text(
        yaml.safe_dump({"apiVersion": 1, "providers": [provider]})
    )
    return {"monitoring": {"dashboards": ["grafana/provisioning/dashboards.yml"]}}


def test_provider_folder_found_in_the_repository_is_judged(stack: Stack, tmp_path: Path) -> None:
    settings = _provisioning(tmp_path, "/var/lib/grafana/dashboards")
    (tmp_path / "grafana" / "dashboards").mkdir()
    (tmp_path / "grafana" / "dashboards" / "service.json").write_text(json.dumps(LIVE))
    verdict = judge(
        CONFIGURED, {**settings, "metrics_url": stack.good, "timeout_s": 2}, root=tmp_path
    )
    assert verdict.status is Status.PASSED, verdict.evidence


def test_provider_folder_that_is_empty_fails(stack: Stack, tmp_path: Path) -> None:
    settings = _provisioning(tmp_path, "/var/lib/grafana/dashboards")
    (tmp_path / "grafana" / "dashboards").mkdir()
    verdict = judge(
        CONFIGURED, {**settings, "metrics_url": stack.good, "timeout_s": 2}, root=tmp_path
    )
    assert verdict.status is Status.FAILED, verdict.evidence


def test_provider_folder_missing_from_the_repository_is_an_error_naming_it(
    tmp_path: Path,
) -> None:
    settings = _provisioning(tmp_path, "/etc/dashboards/missing")
    verdict = judge(
        CONFIGURED,
        {**settings, "metrics_url": "http://127.0.0.1:9/metrics", "timeout_s": 1},
        root=tmp_path,
    )
    assert verdict.status is Status.ERROR, verdict.evidence
    assert "/etc/dashboards/missing" in verdict.evidence
