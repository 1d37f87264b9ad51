"""The backup lines against real restic and borg repositories on local disk."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pytest_biothings_ready.model import Status, Verdict
from pytest_biothings_ready.probes.backups.retention import borg_prunable
from pytest_biothings_ready.probes.backups.tools import Repository, snapshot_times
from tests.backups.conftest import Repos
from tests.support.backups import PASSWORD, hours_ago, restic_repository
from tests.support.evaluate import judge

DAILY = "Automated daily backups configured"
RETENTION = "Backup retention policy defined"
INTEGRITY = "Backup integrity testing scheduled"
REPLICATION = "Cross-region backup replication"

CHECK_CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup-check, namespace: prod}
spec:
  schedule: "0 4 * * 0"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: check
              image: restic/restic:0.16.4
              args: ["check", "--read-data-subset", "5%"]
"""


def _repo(path: Path, tool: str = "restic", **extra: str) -> dict[str, str]:
    return {
        "name": path.parent.name,
        "tool": tool,
        "repository": str(path),
        "password": PASSWORD,
        **extra,
    }


def _verdict(line: str, *repos: dict[str, str], root: Path | None = None, **extra: Any) -> Verdict:
    backups = {"repository": list(repos), **extra.pop("backups", {})}
    verdict = judge(line, {"backups": backups, **extra}, root=root)
    assert PASSWORD not in verdict.evidence
    return verdict


def test_fresh_daily_backups_pass(repos: Repos) -> None:
    verdict = _verdict(DAILY, _repo(repos.fresh), _repo(repos.borg, "borg"))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "2 backups" in verdict.evidence


def test_backups_two_days_old_fail(repos: Repos) -> None:
    verdict = _verdict(DAILY, _repo(repos.stale))
    assert verdict.status is Status.FAILED
    assert "newest backup 48.0 h old > 26.0 h" in verdict.evidence


def test_a_single_backup_shows_no_schedule_and_fails(repos: Repos) -> None:
    verdict = _verdict(DAILY, _repo(repos.single))
    assert verdict.status is Status.FAILED
    assert "single backup" in verdict.evidence


def test_a_wrong_password_is_an_error(repos: Repos) -> None:
    entry = {**_repo(repos.fresh), "password": "not-the-password"}
    verdict = judge(DAILY, {"backups": {"repository": [entry]}})
    assert verdict.status is Status.ERROR
    assert "not-the-password" not in verdict.evidence


def test_a_missing_repository_is_an_error(tmp_path: Path) -> None:
    verdict = _verdict(DAILY, _repo(tmp_path / "nothing" / "repo"))
    assert verdict.status is Status.ERROR


def test_without_repositories_the_lines_are_unverified() -> None:
    for line in (DAILY, RETENTION, INTEGRITY, REPLICATION):
        assert judge(line, {}).status is Status.UNVERIFIED


def test_backups_outside_the_retention_policy_fail(repos: Repos) -> None:
    verdict = _verdict(RETENTION, _repo(repos.fresh), backups={"keep": {"last": 1}})
    assert verdict.status is Status.FAILED
    assert "1 backups outside the policy (last 1) remain" in verdict.evidence
    borg = _verdict(RETENTION, _repo(repos.borg, "borg"), backups={"keep": {"last": 1}})
    assert borg.status is Status.FAILED


def test_a_repository_within_its_retention_policy_passes(repos: Repos) -> None:
    keep = {"keep": {"daily": 7, "weekly": 4}}
    verdict = _verdict(RETENTION, _repo(repos.fresh), _repo(repos.borg, "borg"), backups=keep)
    assert verdict.status is Status.PASSED, verdict.evidence


def test_no_declared_retention_policy_is_unverified(repos: Repos) -> None:
    assert _verdict(RETENTION, _repo(repos.fresh)).status is Status.UNVERIFIED


def _size(path: Path) -> int:
    return path.stat().st_size


def _manifests(root: Path, text: str) -> dict[str, Any]:
    (root / "k8s").mkdir(parents=True, exist_ok=True)
    (root / "k8s" / "check.yaml").write_text(text)
    return {"manifests": ["k8s/"]}


RUN_CHECK = {"run_check": True}


def test_a_scheduled_check_passes_as_configured(repos: Repos, tmp_path: Path) -> None:
    extra = _manifests(tmp_path, CHECK_CRONJOB)
    verdict = _verdict(INTEGRITY, _repo(repos.fresh), root=tmp_path, **extra)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "Scheduled (configured, not observed live): CronJob/backup-check" in verdict.evidence
    assert "check clean" not in verdict.evidence  # not run unless backups.run_check


def test_a_clean_repository_with_a_scheduled_check_passes(repos: Repos, tmp_path: Path) -> None:
    extra = _manifests(tmp_path, CHECK_CRONJOB)
    verdict = _verdict(INTEGRITY, _repo(repos.fresh), root=tmp_path, backups=RUN_CHECK, **extra)
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "check clean" in verdict.evidence
    assert "CronJob/backup-check" in verdict.evidence


def test_a_clean_repository_whose_check_is_not_scheduled_fails(
    repos: Repos, tmp_path: Path
) -> None:
    extra = _manifests(tmp_path, CHECK_CRONJOB.replace('"check", ', '"snapshots", '))
    verdict = _verdict(INTEGRITY, _repo(repos.fresh), root=tmp_path, **extra)
    assert verdict.status is Status.FAILED
    assert "No CronJob runs restic check" in verdict.evidence


def test_a_suspended_check_cronjob_does_not_count(repos: Repos, tmp_path: Path) -> None:
    suspended = CHECK_CRONJOB.replace(
        '  schedule: "0 4 * * 0"', '  schedule: "0 4 * * 0"\n  suspend: true'
    )
    extra = _manifests(tmp_path, suspended)
    verdict = _verdict(INTEGRITY, _repo(repos.fresh), root=tmp_path, **extra)
    assert verdict.status is Status.FAILED
    assert "No CronJob runs restic check" in verdict.evidence


def test_a_repository_missing_a_data_pack_fails_its_check(repos: Repos, tmp_path: Path) -> None:
    damaged = restic_repository(tmp_path / "damaged", hours_ago(1), payload=os.urandom(200_000))
    largest = max((p for p in (damaged / "data").rglob("*") if p.is_file()), key=_size)
    largest.unlink()  # the payload's pack (a lost tree pack makes restic 0.14 retry for minutes)
    extra = _manifests(tmp_path, CHECK_CRONJOB)
    verdict = _verdict(INTEGRITY, _repo(damaged), root=tmp_path, backups=RUN_CHECK, **extra)
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "check reports" in verdict.evidence


def test_an_integrity_check_without_manifests_is_unverified(repos: Repos) -> None:
    assert _verdict(INTEGRITY, _repo(repos.borg, "borg")).status is Status.UNVERIFIED


def test_fresh_replicas_in_two_regions_pass(repos: Repos) -> None:
    verdict = _verdict(
        REPLICATION,
        _repo(repos.fresh, region="eu-west-1"),
        _repo(repos.borg, "borg", region="us-east-1"),
    )
    assert verdict.status is Status.PASSED, verdict.evidence


def test_replicas_in_one_region_fail(repos: Repos) -> None:
    verdict = _verdict(
        REPLICATION,
        _repo(repos.fresh, region="eu-west-1"),
        _repo(repos.borg, "borg", region="eu-west-1"),
    )
    assert verdict.status is Status.FAILED
    assert "not each in a distinct region" in verdict.evidence


def test_a_stale_replica_fails(repos: Repos) -> None:
    verdict = _verdict(
        REPLICATION, _repo(repos.fresh, region="eu-west-1"), _repo(repos.stale, region="us-east-1")
    )
    assert verdict.status is Status.FAILED
    assert "48.0 h old" in verdict.evidence


def test_a_single_repository_leaves_replication_unverified(repos: Repos) -> None:
    verdict = _verdict(REPLICATION, _repo(repos.fresh, region="eu-west-1"))
    assert verdict.status is Status.UNVERIFIED


@pytest.mark.parametrize(
    "keep",
    [{"last": 2}, {"daily": 2}, {"daily": 7, "weekly": 4}, {"hourly": 3, "monthly": 1}],
)
def test_borg_retention_matches_borg_prune_dry_run(
    repos: Repos, tmp_path: Path, keep: dict[str, int]
) -> None:
    """The lock-free retention count equals what borg prune --dry-run lists."""
    repo = repos.history
    flags = [part for k, n in keep.items() for part in (f"--keep-{k}", str(n))]
    env = {**os.environ, "BORG_PASSPHRASE": PASSWORD, "BORG_BASE_DIR": str(tmp_path / "base")}
    done = subprocess.run(
        ["borg", "prune", "--dry-run", "--list", *flags, str(repo)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    expected = done.stderr.count("Would prune:")
    times = snapshot_times(Repository("r", "borg", str(repo), PASSWORD, ""), 30)
    assert borg_prunable(times, keep) == expected
