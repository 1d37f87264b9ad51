"""Non-root, resources, health checks, load balancing, rollout strategy, cost labels."""

from __future__ import annotations

from pytest_biothings_ready.model import Status
from tests.static.conftest import GOOD, Variant, judge_repo

NON_ROOT = "Non-root user in containers"
LIMITS = "Resource limits set (CPU, memory)"
HEALTH = "Health checks configured"
BALANCER = "Load balancer configured with health checks"
STRATEGY = "Blue-green or rolling deployment strategy chosen"
COST = "Cost allocation tags implemented"


def test_dockerfile_switching_back_to_root_in_last_stage_fails() -> None:
    verdict = judge_repo(NON_ROOT, "dockerfile-root-again", dockerfiles=["Dockerfile"])
    assert verdict.status is Status.FAILED
    assert "Dockerfile:12 final stage runs as USER root" in verdict.evidence


def test_dockerfile_user_inherited_from_an_earlier_stage_passes(variant: Variant) -> None:
    text = 'FROM python:3.12 AS base\nUSER 1000\n\nFROM base\nCMD ["python"]\n'
    repo = variant("good", {"Dockerfile": text})
    verdict = judge_repo(NON_ROOT, repo, dockerfiles=["Dockerfile"])
    assert verdict.status is Status.PASSED, verdict.evidence


def test_dockerfile_without_user_fails(variant: Variant) -> None:
    repo = variant("good", {"Dockerfile": 'FROM python:3.12\nCMD ["python"]\n'})
    verdict = judge_repo(NON_ROOT, repo, dockerfiles=["Dockerfile"])
    assert verdict.status is Status.FAILED
    assert "Dockerfile:1 final stage sets no USER" in verdict.evidence


def test_dockerfile_user_from_build_arg_default_is_resolved(variant: Variant) -> None:
    text = "ARG UID=0\nFROM alpine:3.20\nUSER ${UID}\n"
    repo = variant("good", {"Dockerfile": text})
    verdict = judge_repo(NON_ROOT, repo, dockerfiles=["Dockerfile"])
    assert verdict.status is Status.FAILED
    assert "USER 0" in verdict.evidence


def test_pods_running_as_root_or_privileged_fail() -> None:
    verdict = judge_repo(NON_ROOT, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert "Deployment/api container api has runAsUser: 0" in verdict.evidence
    assert "Deployment/api container api has privileged: true" in verdict.evidence
    assert "allowPrivilegeEscalation: true" in verdict.evidence
    assert "app.yaml:" in verdict.evidence


def test_privileged_compose_service_fails() -> None:
    verdict = judge_repo(NON_ROOT, "compose-literal-password", compose_files=["docker-compose.yml"])
    assert verdict.status is Status.FAILED
    assert "docker-compose.yml:13 service db is privileged" in verdict.evidence


def test_deployment_without_limits_fails_naming_what_is_missing() -> None:
    verdict = judge_repo(LIMITS, "deployment-no-limits", manifests=["deploy.yaml"])
    assert verdict.status is Status.FAILED
    assert "deploy.yaml:15 Deployment/search container search lacks limits.cpu, limits.memory" in (
        verdict.evidence
    )


def test_compose_service_without_memory_limit_fails(variant: Variant) -> None:
    compose = "services:\n  web:\n    image: x/web:1\n    cpus: 1\n"
    repo = variant("good", {"docker-compose.yml": compose})
    verdict = judge_repo(LIMITS, repo, compose_files=["docker-compose.yml"])
    assert verdict.status is Status.FAILED
    assert "docker-compose.yml:3 service web has no memory limit" in verdict.evidence


def test_serving_container_without_liveness_probe_fails() -> None:
    verdict = judge_repo(HEALTH, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert "Deployment/api container api has no readinessProbe or livenessProbe" in verdict.evidence
    assert "container sidecar has no livenessProbe" in verdict.evidence


def test_compose_healthcheck_disabled_fails(variant: Variant) -> None:
    compose = "services:\n  web:\n    image: x/web:1\n    healthcheck:\n      disable: true\n"
    repo = variant("good", {"docker-compose.yml": compose})
    verdict = judge_repo(HEALTH, repo, compose_files=["docker-compose.yml"])
    assert verdict.status is Status.FAILED
    assert "service web disables its healthcheck" in verdict.evidence


def test_dockerfile_healthcheck_is_required_only_without_manifests(variant: Variant) -> None:
    repo = variant("good", {"Dockerfile": "FROM alpine:3.20\nUSER 1000\nHEALTHCHECK NONE\n"})
    alone = judge_repo(HEALTH, repo, dockerfiles=["Dockerfile"])
    with_kube = judge_repo(HEALTH, repo, dockerfiles=["Dockerfile"], manifests=["k8s/"])
    assert alone.status is Status.FAILED
    assert "Dockerfile:3 HEALTHCHECK NONE disables it" in alone.evidence
    assert with_kube.status is Status.PASSED, with_kube.evidence


def test_service_routing_to_pods_without_readiness_fails() -> None:
    verdict = judge_repo(BALANCER, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert "Service/api routes to Deployment/api container api without readinessProbe" in (
        verdict.evidence
    )
    assert "Service/legacy selects no workload in the manifests" in verdict.evidence


def test_recreate_strategy_fails() -> None:
    verdict = judge_repo(STRATEGY, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert "Deployment/api uses strategy Recreate" in verdict.evidence
    assert "Deployment/admin RollingUpdate without explicit maxUnavailable and maxSurge" in (
        verdict.evidence
    )


def test_argo_blue_green_rollout_passes() -> None:
    verdict = judge_repo(STRATEGY, "rollout-bluegreen", manifests=["rollout.yaml"])
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "Rollout/api blueGreen" in verdict.evidence


def test_workloads_without_cost_labels_fail() -> None:
    verdict = judge_repo(
        COST, "weak-k8s", manifests=["app.yaml"], cost_labels=["team", "cost-center"]
    )
    assert verdict.status is Status.FAILED
    assert "Deployment/api lacks cost-center" in verdict.evidence
    assert "Deployment/admin lacks team, cost-center" in verdict.evidence


def test_cost_labels_unset_is_unverified() -> None:
    settings = {k: v for k, v in GOOD.items() if k != "cost_labels"}
    verdict = judge_repo(COST, "good", **settings)
    assert verdict.status is Status.UNVERIFIED
    assert "cost_labels" in verdict.evidence


def test_compose_service_without_user_or_known_dockerfile_fails(variant: Variant) -> None:
    compose = "services:\n  web:\n    image: nginx:1.27\n"
    repo = variant("good", {"docker-compose.yml": compose})
    verdict = judge_repo(NON_ROOT, repo, compose_files=["docker-compose.yml"])
    assert verdict.status is Status.FAILED
    assert "docker-compose.yml:3 service web sets no user" in verdict.evidence


def test_compose_service_built_from_a_named_dockerfile_is_judged_by_it(variant: Variant) -> None:
    compose = "services:\n  web:\n    build: .\n"
    repo = variant("good", {"docker-compose.yml": compose})
    verdict = judge_repo(
        NON_ROOT, repo, compose_files=["docker-compose.yml"], dockerfiles=["Dockerfile"]
    )
    assert verdict.status is Status.PASSED, verdict.evidence
