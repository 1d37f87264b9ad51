"""Scanner reports: presence, freshness, image coverage and severities."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pytest_biothings_ready.model import Status
from tests.static.conftest import GOOD, Variant, judge_repo

BUILT = "Docker images are built with security scanning"
PASSED = "Security scanning passed"
CRITICAL = "Security: Zero critical vulnerabilities"
OLD_ENOUGH = "36500d"  # fixture reports carry fixed dates


def _restamp(report: Path, when: dt.datetime) -> None:
    data = json.loads(report.read_text())
    data["CreatedAt"] = when.isoformat().replace("+00:00", "Z")
    report.write_text(json.dumps(data))


def test_trivy_report_with_one_critical_fails_both_gates() -> None:
    for title in (PASSED, CRITICAL):
        verdict = judge_repo(
            title, "trivy-critical", scan_reports=["scans/"], scan_max_age=OLD_ENOUGH
        )
        assert verdict.status is Status.FAILED, title
        assert "scans/trivy.json" in verdict.evidence and "1 CRITICAL" in verdict.evidence
    verdict = judge_repo(
        CRITICAL, "trivy-critical", scan_reports=["scans/"], scan_max_age=OLD_ENOUGH
    )
    assert "CVE-2024-3094 (xz-libs)" in verdict.evidence


def test_report_older_than_max_age_fails(variant: Variant) -> None:
    repo = variant("good")
    _restamp(repo / "scans" / "trivy-api.json", dt.datetime.now(dt.UTC) - dt.timedelta(days=30))
    verdict = judge_repo(BUILT, repo, scan_reports=["scans/trivy-api.json"], scan_max_age="7d")
    assert verdict.status is Status.FAILED
    assert "scans/trivy-api.json made" in verdict.evidence and "older than 7d" in verdict.evidence


def test_fresh_report_covering_every_image_passes_with_default_age(variant: Variant) -> None:
    repo = variant("good")
    _restamp(repo / "scans" / "trivy-api.json", dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  containers: [{name: a, image: registry.example.org/agents/api:2.3.1}]\n"
    )
    (repo / "k8s" / "rendered.yaml").write_text(text)
    verdict = judge_repo(BUILT, repo, scan_reports=["scans/trivy-api.json"], manifests=["k8s/"])
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "covering all 1 deployed images" in verdict.evidence


def test_deployed_image_without_report_fails() -> None:
    settings = {**GOOD, "scan_reports": ["scans/trivy-api.json"]}
    verdict = judge_repo(BUILT, "good", **settings)
    assert verdict.status is Status.FAILED
    assert "image registry.example.org/agents/worker:2.3.1 has no scan report" in verdict.evidence
    assert "k8s/rendered.yaml:" in verdict.evidence


def test_pip_audit_vulnerabilities_fail_scanning_and_leave_critical_unverified(
    variant: Variant,
) -> None:
    report = {
        "dependencies": [
            {
                "name": "jinja2",
                "version": "3.1.2",
                "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}],
            }
        ]
    }
    repo = variant("good", {"scans/pip-audit.json": json.dumps(report)})
    scanned = judge_repo(
        PASSED, repo, scan_reports=["scans/pip-audit.json"], scan_max_age=OLD_ENOUGH
    )
    critical = judge_repo(
        CRITICAL, repo, scan_reports=["scans/pip-audit.json"], scan_max_age=OLD_ENOUGH
    )
    assert scanned.status is Status.FAILED
    assert "scans/pip-audit.json 1 UNKNOWN" in scanned.evidence
    assert critical.status is Status.UNVERIFIED
    assert "1 of unknown severity (pip-audit: no score)" in critical.evidence


def test_sarif_result_rated_critical_by_security_severity_fails(variant: Variant) -> None:
    sarif = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "Grype",
                        "rules": [
                            {"id": "CVE-2021-44228", "properties": {"security-severity": "10.0"}}
                        ],
                    }
                },
                "results": [{"ruleId": "CVE-2021-44228", "message": {"text": "log4shell"}}],
            }
        ],
    }
    repo = variant("good", {"scans/trivy-fs.sarif": json.dumps(sarif)})
    verdict = judge_repo(
        CRITICAL, repo, scan_reports=["scans/trivy-fs.sarif"], scan_max_age=OLD_ENOUGH
    )
    assert verdict.status is Status.FAILED
    assert "1 CRITICAL" in verdict.evidence


def test_requirements_without_pip_audit_report_fail_scanning(variant: Variant) -> None:
    settings = {**GOOD, "scan_reports": ["scans/trivy-api.json"]}
    verdict = judge_repo(PASSED, "good", **settings)
    assert verdict.status is Status.FAILED
    assert "requirements_files have no pip-audit report" in verdict.evidence


def test_report_that_is_not_a_known_format_is_an_error() -> None:
    verdict = judge_repo(PASSED, "not-a-report", scan_reports=["grype.json"])
    assert verdict.status is Status.ERROR
    assert "grype.json:1: not a Trivy, Grype, pip-audit or SARIF report" in verdict.evidence


def test_sarif_file_that_is_not_sarif_is_an_error() -> None:
    verdict = judge_repo(CRITICAL, "not-a-report", scan_reports=["scan.sarif"])
    assert verdict.status is Status.ERROR
    assert "scan.sarif:1: not a SARIF 2.1 log" in verdict.evidence


def test_report_that_is_not_json_is_an_error_with_line(variant: Variant) -> None:
    repo = variant("good", {"scans/trivy-api.json": '{\n  "SchemaVersion": 2,\n  oops\n}\n'})
    verdict = judge_repo(BUILT, repo, scan_reports=["scans/trivy-api.json"])
    assert verdict.status is Status.ERROR
    assert "scans/trivy-api.json:3: not JSON" in verdict.evidence


def test_reports_without_any_named_image_leave_coverage_unverified() -> None:
    verdict = judge_repo(BUILT, "good", scan_reports=["scans/"], scan_max_age=OLD_ENOUGH)
    assert verdict.status is Status.UNVERIFIED
    assert "coverage cannot be checked" in verdict.evidence
