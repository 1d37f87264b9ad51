"""Bad artifacts give errors that name file and line; other items still run."""

from __future__ import annotations

from pytest_biothings_ready.evidence.store import EvidenceStore
from pytest_biothings_ready.model import Status
from tests.static.conftest import REPOS, judge_repo
from tests.support.evaluate import environment, judge


def test_yaml_that_does_not_parse_is_an_error_naming_file_and_line() -> None:
    verdict = judge_repo("Resource limits set (CPU, memory)", "broken-yaml", manifests=["k8s/"])
    assert verdict.status is Status.ERROR
    assert "k8s/broken.yaml:11: YAML does not parse" in verdict.evidence


def test_items_not_needing_the_broken_artifact_still_run() -> None:
    settings = {"manifests": ["k8s/"], "dockerfiles": ["Dockerfile"], "timeout_s": 2}
    store = EvidenceStore(environment(settings, REPOS / "broken-yaml"))
    limits = judge("Resource limits set (CPU, memory)", settings, store=store)
    root = judge(
        "Non-root user in containers", {"dockerfiles": ["Dockerfile"]}, root=REPOS / "broken-yaml"
    )
    assert limits.status is Status.ERROR
    assert root.status is Status.FAILED
    assert "Dockerfile:12 final stage runs as USER root" in root.evidence


def test_manifest_of_unknown_kind_is_an_error_naming_the_setting() -> None:
    verdict = judge_repo(
        "Horizontal Pod Autoscaler configured (Kubernetes)",
        "unknown-kind",
        manifests=["widget.yaml"],
    )
    assert verdict.status is Status.ERROR
    assert "widget.yaml:9: unknown kind 'Widget'" in verdict.evidence
    assert "manifest_kinds" in verdict.evidence


def test_declared_custom_kind_is_accepted() -> None:
    verdict = judge_repo(
        "Horizontal Pod Autoscaler configured (Kubernetes)",
        "unknown-kind",
        manifests=["widget.yaml"],
        manifest_kinds=["Widget"],
    )
    assert verdict.status is Status.FAILED
    assert "Deployment/ok has no HorizontalPodAutoscaler" in verdict.evidence


def test_dockerfile_syntax_error_is_an_error_naming_file_and_line() -> None:
    verdict = judge_repo(
        "Non-root user in containers", "dockerfile-syntax-error", dockerfiles=["Dockerfile"]
    )
    assert verdict.status is Status.ERROR
    assert "Dockerfile:3: unknown instruction 'RUNN'" in verdict.evidence


def test_artifact_path_that_does_not_exist_is_an_error() -> None:
    verdict = judge_repo("Health checks configured", "good", compose_files=["deploy/compose.yml"])
    assert verdict.status is Status.ERROR
    assert "compose_files: deploy/compose.yml does not exist" in verdict.evidence


def test_yaml_that_is_not_a_compose_file_is_an_error() -> None:
    verdict = judge_repo("Health checks configured", "good", compose_files=["k8s/rendered.yaml"])
    assert verdict.status is Status.ERROR
    assert "not a compose file" in verdict.evidence


def test_document_without_kind_is_an_error() -> None:
    verdict = judge_repo(
        "Cost allocation tags implemented",
        "good",
        manifests=["docker-compose.yml"],
        cost_labels=["team"],
    )
    assert verdict.status is Status.ERROR
    assert "docker-compose.yml:1: not a Kubernetes object" in verdict.evidence
