"""End to end: a repository-only run decides this family's lines (the fold lets static decide)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.repository.conftest import REPOS
from tests.support.binaries import require_binary

pytest_plugins = ["pytester"]

CONFIG = (
    '[env.ci]\nrepo = "."\nallowed_ports = [80, 443]\n'
    'cors_allowed_origins = ["https://app.example.org"]\n'
)
DECIDED = (
    "Rate limiting is enabled",
    "CORS is properly configured for production domains",
    "HTTPS enforced (HTTP redirects to HTTPS)",
    "TLS 1.2+ only, secure cipher suites",
    "Firewall rules configured (only necessary ports open)",
    "Prometheus metrics endpoints exposed",
    "OpenTelemetry configured for request tracing",
)


def _records(pytester: pytest.Pytester, name: str) -> dict[str, tuple[str, str]]:
    require_binary("nginx")
    shutil.copytree(REPOS / name, pytester.path, dirs_exist_ok=True)
    (pytester.path / "readiness.toml").write_text(CONFIG)
    pytester.runpytest(
        "--ready-env=ci", "-m", "ready_static", "--junitxml=record.xml", "-p",
        "no:cacheprovider", "--ignore=backend",
    )  # fmt: skip
    found = {}
    for case in ET.parse(Path(pytester.path, "record.xml")).getroot().iter("testcase"):
        props = {p.get("name"): p.get("value", "") for p in case.iter("property")}
        found[props["ready_title"]] = (props["ready_status"], props["ready_evidence"])
    return found


def test_the_good_repository_passes_its_configuration_lines_without_a_live_target(
    pytester: pytest.Pytester,
) -> None:
    records = _records(pytester, "good")
    for title in DECIDED:
        status, evidence = records[title]
        assert status == "passed", (title, evidence)
        assert "configured, not observed live" in evidence


def test_the_decoy_repository_fails_the_same_lines_with_no_error(
    pytester: pytest.Pytester,
) -> None:
    records = _records(pytester, "decoy")
    for title in DECIDED:
        assert records[title][0] == "failed", (title, records[title][1])
    assert all(status != "error" for status, _ in records.values())
