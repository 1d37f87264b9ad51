"""Autoscaling, persistent volumes, backups and log rotation."""

from __future__ import annotations

from pytest_biothings_ready.model import Status
from tests.static.conftest import Variant, judge_repo

HPA = "Horizontal Pod Autoscaler configured (Kubernetes)"
THRESHOLDS = "CPU and memory thresholds set"
BOUNDS = "Minimum and maximum replica counts defined"
DEMAND = "Auto-scaling configured to match demand"
VOLUMES = "Persistent volumes configured for data"
BACKUP = "Backup storage configured"
LOGS = "Log storage and rotation configured"


def test_hpa_with_min_one_replica_fails() -> None:
    verdict = judge_repo(BOUNDS, "hpa-min-one", manifests=["k8s.yaml"])
    assert verdict.status is Status.FAILED
    assert "k8s.yaml:16 HorizontalPodAutoscaler/web minReplicas 1 < 2" in verdict.evidence


def test_hpa_with_min_one_still_counts_as_configured() -> None:
    verdict = judge_repo(HPA, "hpa-min-one", manifests=["k8s.yaml"])
    assert verdict.status is Status.PASSED, verdict.evidence


def test_workloads_without_autoscaler_fail() -> None:
    verdict = judge_repo(HPA, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert "Deployment/admin has no HorizontalPodAutoscaler" in verdict.evidence
    # a Redis StatefulSet is a data store: an HPA would add stores, not capacity
    assert "StatefulSet/cache" not in verdict.evidence
    assert "Deployment/api has no" not in verdict.evidence


def test_cpu_only_v1_autoscaler_misses_memory_threshold() -> None:
    verdict = judge_repo(THRESHOLDS, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert "HorizontalPodAutoscaler/api has no memory target" in verdict.evidence


def test_max_equal_to_min_fails() -> None:
    verdict = judge_repo(BOUNDS, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert "maxReplicas 2 <= minReplicas 2" in verdict.evidence


def test_disruption_budget_blocking_every_eviction_fails_demand_matching() -> None:
    verdict = judge_repo(DEMAND, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert (
        "PodDisruptionBudget/api (minAvailable=2, maxUnavailable=None) blocks every eviction "
        "of Deployment/api at 2 replicas"
    ) in verdict.evidence


def test_manifests_without_autoscaler_fail_thresholds_and_bounds() -> None:
    for title in (THRESHOLDS, BOUNDS):
        verdict = judge_repo(title, "deployment-no-limits", manifests=["deploy.yaml"])
        assert verdict.status is Status.FAILED
        assert "no HorizontalPodAutoscaler" in verdict.evidence


def test_statefulset_on_empty_dir_fails() -> None:
    verdict = judge_repo(VOLUMES, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert "StatefulSet/cache mounts no PersistentVolumeClaim" in verdict.evidence


def test_mounting_an_undeclared_claim_fails(variant: Variant) -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: files}\nspec:\n"
        "  template:\n    spec:\n      containers:\n"
        "        - {name: f, image: x/f:1, volumeMounts: [{name: d, mountPath: /d}]}\n"
        "      volumes: [{name: d, persistentVolumeClaim: {claimName: files-data}}]\n"
    )
    repo = variant("good", {"k8s/rendered.yaml": text})
    verdict = judge_repo(VOLUMES, repo, manifests=["k8s/"])
    assert verdict.status is Status.FAILED
    assert "Deployment/files mounts PVC files-data, not declared in the manifests" in (
        verdict.evidence
    )


def test_backup_job_writing_to_empty_dir_fails() -> None:
    verdict = judge_repo(BACKUP, "weak-k8s", manifests=["app.yaml"])
    assert verdict.status is Status.FAILED
    assert "CronJob/nightly-pg-backup backs up to no PVC or object storage" in verdict.evidence


def test_backup_job_uploading_to_a_bucket_passes(variant: Variant) -> None:
    text = (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: db-backup}\nspec:\n"
        "  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
        "          containers:\n            - name: dump\n              image: x/pgdump:16\n"
        "              args: [--to, 's3://backups-prod/db/']\n"
    )
    repo = variant("good", {"k8s/rendered.yaml": text})
    verdict = judge_repo(BACKUP, repo, manifests=["k8s/"])
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "object storage (s3://)" in verdict.evidence


def test_stateless_manifests_without_a_backup_are_unverified() -> None:
    verdict = judge_repo(BACKUP, "hpa-min-one", manifests=["k8s.yaml"])
    assert verdict.status is Status.UNVERIFIED
    assert "no data is deployed (stateless)" in verdict.evidence
    # with data (a StatefulSet, a database image or setting): tests/redrepo


def test_compose_logging_without_rotation_fails() -> None:
    verdict = judge_repo(LOGS, "compose-literal-password", compose_files=["docker-compose.yml"])
    assert verdict.status is Status.FAILED
    assert "service api logs with json-file without max-size and max-file" in verdict.evidence


def test_logrotate_block_without_rotate_fails(variant: Variant) -> None:
    repo = variant("good", {"logrotate.conf": "/var/log/app.log {\n    daily\n    compress\n}\n"})
    verdict = judge_repo(LOGS, repo, logrotate_configs=["logrotate.conf"])
    assert verdict.status is Status.FAILED
    assert "logrotate.conf:1" in verdict.evidence and "lacks rotate N" in verdict.evidence


def test_unclosed_logrotate_block_is_an_error(variant: Variant) -> None:
    repo = variant("good", {"logrotate.conf": "/var/log/app.log {\n    rotate 3\n"})
    verdict = judge_repo(LOGS, repo, logrotate_configs=["logrotate.conf"])
    assert verdict.status is Status.ERROR
    assert "logrotate.conf:1" in verdict.evidence
