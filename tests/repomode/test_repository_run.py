"""End to end: a repository-only run (no base_url), ``-m ready_static``, the header."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.repomode.conftest import REPOS

pytest_plugins = ["pytester"]

REPO_ONLY = '[env.ci]\nrepo = "."\n'


def _records(path: Path) -> dict[str, tuple[str, str]]:
    """ready_title -> (ready_status, ready_evidence)."""
    found = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        props = {p.get("name"): p.get("value", "") for p in case.iter("property")}
        found[props["ready_title"]] = (props["ready_status"], props["ready_evidence"])
    return found


def _repository(pytester: pytest.Pytester, name: str, config: str = REPO_ONLY) -> None:
    shutil.copytree(REPOS / name, pytester.path, dirs_exist_ok=True)
    (pytester.path / "readiness.toml").write_text(config)


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "--ready-env=ci", "--junitxml=record.xml", "-p", "no:cacheprovider", *args
    )


def test_a_repository_only_run_needs_no_base_url_and_has_no_error_lines(
    pytester: pytest.Pytester,
) -> None:
    _repository(pytester, "stack")
    result = _run(pytester)
    records = _records(pytester.path / "record.xml")
    assert [(t, e) for t, (status, e) in records.items() if status == "error"] == []
    status, evidence = records["Valid SSL certificates installed"]
    assert status == "unverified"
    assert evidence.startswith("no live target in this environment")
    assert "0 error" in result.stdout.str()


def test_ready_static_selects_the_lines_the_repository_answers(pytester: pytest.Pytester) -> None:
    _repository(pytester, "stack")
    _run(pytester, "-m", "ready_static")
    records = _records(pytester.path / "record.xml")
    assert "Non-root user in containers" in records
    assert "Resource limits set (CPU, memory)" in records
    assert "Valid SSL certificates installed" not in records
    assert "Load testing with expected traffic" not in records
    assert [(t, e) for t, (status, e) in records.items() if status == "error"] == []


def test_the_header_lists_entry_points_and_what_they_reach(pytester: pytest.Pytester) -> None:
    _repository(pytester, "stack")
    result = _run(pytester, "-m", "ready_static", "--collect-only")
    result.stdout.fnmatch_lines(
        [
            "biothings-ready: deploy entry points: docker-compose.prod.yml (compose), "
            ".github/workflows/ci.yml (workflow)",
            "biothings-ready: reached from them: *1 dockerfile*1 nginx*1 prometheus_rules*",
            "biothings-ready: not deployed: docker-compose.test.yml, docker-compose.yml, "
            "old-nginx/nginx.conf",
        ]
    )


def test_only_the_deployed_stack_decides_a_line(pytester: pytest.Pytester) -> None:
    # The dev stack (not deployed) runs the backend as root; the production stack
    # runs the Dockerfile's USER: the line passes.
    _repository(pytester, "devroot")
    _run(pytester, "-k", "non-root")
    status, evidence = _records(pytester.path / "record.xml")["Non-root user in containers"]
    assert status == "passed", evidence


def test_naming_the_dev_stack_explicitly_makes_it_decide(pytester: pytest.Pytester) -> None:
    _repository(pytester, "devroot", REPO_ONLY + 'compose_files = ["docker-compose.dev.yml"]\n')
    _run(pytester, "-k", "non-root")
    status, evidence = _records(pytester.path / "record.xml")["Non-root user in containers"]
    assert status == "failed"
    assert "docker-compose.dev.yml" in evidence


def test_the_deployed_stack_running_as_root_fails_the_line(pytester: pytest.Pytester) -> None:
    _repository(pytester, "rootprod")
    _run(pytester, "-k", "non-root")
    status, evidence = _records(pytester.path / "record.xml")["Non-root user in containers"]
    assert status == "failed"
    assert "backend/Dockerfile" in evidence


def test_an_unrendered_helm_chart_keeps_its_clear_error(pytester: pytest.Pytester) -> None:
    _repository(pytester, "helm-only")
    _run(pytester, "-k", "resource-limits-set")
    status, evidence = _records(pytester.path / "record.xml")["Resource limits set (CPU, memory)"]
    assert status == "error"
    assert "helm template" in evidence


def test_a_live_environment_without_deploy_artifacts_prints_no_deploy_header(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "readiness.toml").write_text('[env.ci]\nbase_url = "https://127.0.0.1:9"\n')
    result = _run(pytester, "--collect-only")
    assert "deploy entry points" not in result.stdout.str()
    assert "no deploy entry point" not in result.stdout.str()


def test_a_repository_with_nothing_deployable_has_no_error_lines_and_says_so(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "readiness.toml").write_text(REPO_ONLY)
    result = _run(pytester, "-m", "ready_static")
    result.stdout.fnmatch_lines(["biothings-ready: no deploy entry point discovered under *"])
    records = _records(pytester.path / "record.xml")
    assert records
    assert [(t, e) for t, (status, e) in records.items() if status == "error"] == []


def test_a_repo_that_is_not_a_folder_is_a_usage_error(pytester: pytest.Pytester) -> None:
    (pytester.path / "readiness.toml").write_text('[env.ci]\nrepo = "nowhere"\n')
    result = _run(pytester)
    result.stderr.fnmatch_lines(["*repo */nowhere is not a folder*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR
