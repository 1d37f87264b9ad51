"""End to end: pytest --ready-env on a deployment repository, read back from the record."""

from __future__ import annotations

import shutil
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.static.conftest import REPOS

pytest_plugins = ["pytester"]

CANARY = "AIzaSyD-CANARY0canary1canary2canary3can"
STATIC_KEYS = """
dockerfiles = ["Dockerfile"]
compose_files = ["docker-compose.yml"]
manifests = ["k8s/"]
source_paths = ["src/", ".env.local"]
cost_labels = ["team", "cost-center"]
"""
SELECTION = "non-root or hardcoded or horizontal-pod or cost-allocation or database-credentials"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _records(path: Path) -> dict[str, tuple[str, str]]:
    """ready_title -> (ready_status, ready_evidence)."""
    found = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        props = {p.get("name"): p.get("value", "") for p in case.iter("property")}
        found[props["ready_title"]] = (props["ready_status"], props["ready_evidence"])
    return found


@pytest.fixture
def repository(pytester: pytest.Pytester) -> pytest.Pytester:
    """The good fixture repository with a readiness.toml and a leaked Google key."""
    shutil.copytree(REPOS / "good", pytester.path, dirs_exist_ok=True)
    shutil.copy(REPOS / "google-key-dotenv" / ".env.local", pytester.path / ".env.local")
    config = f'[env.staging]\nbase_url = "https://127.0.0.1:{_closed_port()}"\ntimeout_s = 1\n'
    (pytester.path / "readiness.toml").write_text(config + STATIC_KEYS)
    return pytester


def test_static_lines_land_in_the_record_with_file_and_line(repository: pytest.Pytester) -> None:
    repository.runpytest(
        "--ready-env=staging", "-k", SELECTION, "--junitxml=record.xml", "-p", "no:cacheprovider"
    )
    records = _records(repository.path / "record.xml")
    assert records["Non-root user in containers"][0] == "passed"
    assert records["Horizontal Pod Autoscaler configured (Kubernetes)"][0] == "passed"
    assert records["Cost allocation tags implemented"][0] == "passed"
    status, evidence = records["API keys are rotated and not hardcoded"]
    assert status == "failed"
    assert ".env.local:3 Google API key" in evidence


def test_leaked_key_never_reaches_the_record_or_the_terminal(repository: pytest.Pytester) -> None:
    result = repository.runpytest(
        "--ready-env=staging",
        "-k",
        SELECTION,
        "-rA",
        "--junitxml=record.xml",
        "-p",
        "no:cacheprovider",
    )
    assert CANARY not in result.stdout.str()
    assert CANARY not in (repository.path / "record.xml").read_text()


def test_a_probe_saying_not_applicable_lands_as_not_applicable(
    repository: pytest.Pytester,
) -> None:
    """session_affinity_required = false rules the line out (docs/probes/static.md)."""
    config = repository.path / "readiness.toml"
    config.write_text(config.read_text() + "session_affinity_required = false\n")
    repository.runpytest(
        "--ready-env=staging", "-k", "session-affinity", "--junitxml=record.xml",
        "-p", "no:cacheprovider",
    )  # fmt: skip
    status, evidence = _records(repository.path / "record.xml")[
        "Session affinity configured if needed"
    ]
    assert status == "not_applicable", evidence
    assert "session_affinity_required = false" in evidence


def test_an_unset_affinity_requirement_stays_unverified(repository: pytest.Pytester) -> None:
    repository.runpytest(
        "--ready-env=staging", "-k", "session-affinity", "--junitxml=record.xml",
        "-p", "no:cacheprovider",
    )  # fmt: skip
    status, _ = _records(repository.path / "record.xml")["Session affinity configured if needed"]
    assert status == "unverified"
