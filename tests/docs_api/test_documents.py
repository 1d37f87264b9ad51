"""Documentation lines against small git repositories with dated commits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_biothings_ready.model import Status, Verdict
from tests.support.evaluate import judge
from tests.support.gitrepo import commit

DEPLOY = """# Deployment procedure

See [the architecture](architecture.md).

## Steps
1. Tag the release.

## Rollback
Redeploy the previous tag.
"""
TROUBLE = """# Troubleshooting

## Error: 502 from nginx
Restart the workers.

## Workers not starting
Check the queue URL.
"""
RUNBOOK = "# High error rate\n\n## Symptoms\nAlert fires.\n\n## Resolution\nScale out.\n"
ARCHITECTURE = "# Architecture\n\n```mermaid\ngraph LR; nginx --> api\n```\n"
GOOD = {
    "README.md": "# Service\n\nSee [deployment](docs/deployment.md).\n",
    "docs/deployment.md": DEPLOY,
    "docs/troubleshooting.md": TROUBLE,
    "docs/runbooks/high-error-rate.md": RUNBOOK,
    "docs/architecture.md": ARCHITECTURE,
}


def _verdict(line: str, root: Path, **settings: Any) -> Verdict:
    return judge(line, settings, root=root)


def test_a_complete_documentation_set_passes_every_line(tmp_path: Path) -> None:
    commit(tmp_path, GOOD)
    for line in (
        "Deployment procedures documented",
        "Troubleshooting guides available",
        "Runbooks for common issues",
        "Architecture diagrams updated",
        "Documentation updated",
    ):
        verdict = _verdict(line, tmp_path)
        assert verdict.status is Status.PASSED, (line, verdict.evidence)


def test_a_deployment_document_without_rollback_fails(tmp_path: Path) -> None:
    commit(tmp_path, {**GOOD, "docs/deployment.md": DEPLOY.split("## Rollback")[0]})
    verdict = _verdict("Deployment procedures documented", tmp_path)
    assert verdict.status is Status.FAILED
    assert "docs/deployment.md has no heading /roll ?back|revert/ with text" in verdict.evidence


def test_declared_docs_without_a_deployment_document_fail(tmp_path: Path) -> None:
    commit(tmp_path, {k: v for k, v in GOOD.items() if k != "docs/deployment.md"})
    verdict = _verdict("Deployment procedures documented", tmp_path, docs_paths=["docs/"])
    assert verdict.status is Status.FAILED
    assert "no deployment document" in verdict.evidence


def test_discovered_docs_without_a_deployment_document_leave_it_unverified(
    tmp_path: Path,
) -> None:
    commit(tmp_path, {k: v for k, v in GOOD.items() if k != "docs/deployment.md"})
    verdict = _verdict("Deployment procedures documented", tmp_path)
    assert verdict.status is Status.UNVERIFIED  # it may live in a wiki: attestable
    assert "or attest the line" in verdict.evidence


@pytest.mark.parametrize("stub", ["", "TODO", "- TBD", "..."])
def test_a_heading_without_text_under_it_does_not_count(tmp_path: Path, stub: str) -> None:
    empty = DEPLOY.replace("Redeploy the previous tag.", stub)
    commit(tmp_path, {**GOOD, "docs/deployment.md": empty})
    verdict = _verdict("Deployment procedures documented", tmp_path)
    assert verdict.status is Status.FAILED


def test_a_broken_intra_repository_link_fails(tmp_path: Path) -> None:
    broken = DEPLOY + "\nRun [the script](../scripts/deploy.sh).\n"
    commit(tmp_path, {**GOOD, "docs/deployment.md": broken})
    verdict = _verdict("Deployment procedures documented", tmp_path)
    assert verdict.status is Status.FAILED
    assert "links to missing ../scripts/deploy.sh" in verdict.evidence
    assert _verdict("Documentation updated", tmp_path).status is Status.FAILED


def test_a_declared_docs_path_that_does_not_exist_fails(tmp_path: Path) -> None:
    commit(tmp_path, GOOD)
    verdict = _verdict("Runbooks for common issues", tmp_path, docs_paths=["docs/", "ops/"])
    assert verdict.status is Status.FAILED
    assert "ops does not exist" in verdict.evidence


def test_a_troubleshooting_guide_with_one_issue_fails(tmp_path: Path) -> None:
    commit(tmp_path, {**GOOD, "docs/troubleshooting.md": TROUBLE.split("## Workers")[0]})
    verdict = _verdict("Troubleshooting guides available", tmp_path)
    assert verdict.status is Status.FAILED
    assert "1 sections < 2" in verdict.evidence


def test_a_runbook_without_a_resolution_fails(tmp_path: Path) -> None:
    commit(tmp_path, {**GOOD, "docs/runbooks/disk-full.md": "# Disk full\n\n## Symptoms\nx\n"})
    verdict = _verdict("Runbooks for common issues", tmp_path)
    assert verdict.status is Status.FAILED
    assert "disk-full.md has no heading /resol" in verdict.evidence


def test_an_architecture_document_without_a_diagram_fails(tmp_path: Path) -> None:
    commit(tmp_path, {**GOOD, "docs/architecture.md": "# Architecture\n\nnginx, then the api.\n"})
    verdict = _verdict("Architecture diagrams updated", tmp_path)
    assert verdict.status is Status.FAILED
    assert "hold no diagram" in verdict.evidence


def test_an_embedded_diagram_that_is_missing_fails(tmp_path: Path) -> None:
    commit(tmp_path, {**GOOD, "docs/architecture.md": "# Architecture\n\n![map](img/arch.png)\n"})
    verdict = _verdict("Architecture diagrams updated", tmp_path)
    assert verdict.status is Status.FAILED
    assert "links to missing img/arch.png" in verdict.evidence


def test_an_old_diagram_fails_once_the_deployment_changed_after_it(tmp_path: Path) -> None:
    commit(tmp_path, {**GOOD, "k8s/app.yaml": "kind: Deployment\n"}, days_ago=400)
    assert (
        _verdict("Architecture diagrams updated", tmp_path, manifests=["k8s/"]).status
        is Status.PASSED
    )  # nothing deployable changed since
    commit(tmp_path, {"k8s/app.yaml": "kind: Deployment # v2\n"}, days_ago=10)
    verdict = _verdict("Architecture diagrams updated", tmp_path, manifests=["k8s/"])
    assert verdict.status is Status.FAILED
    assert "deploy artifacts changed" in verdict.evidence
    stale = _verdict("Documentation updated", tmp_path, manifests=["k8s/"])
    assert stale.status is Status.FAILED


def test_documents_outside_git_are_an_error_for_the_history_lines(tmp_path: Path) -> None:
    for name, text in GOOD.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert _verdict("Documentation updated", tmp_path).status is Status.ERROR
    assert _verdict("Deployment procedures documented", tmp_path).status is Status.PASSED


def test_the_demo_judges_its_bundled_repository_not_the_folder_it_runs_in(tmp_path: Path) -> None:
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.evidence.store import EvidenceStore

    commit(tmp_path, {**GOOD, "docs/deployment.md": DEPLOY + "[x](missing.md)\n"})
    store = EvidenceStore(Environment("demo", {}, tmp_path))
    verdict = judge("Documentation updated", {}, store=store)
    assert verdict.status is Status.UNVERIFIED
    assert "demo/repo" in verdict.evidence


def _alert_rules(root: Path, runbook: str) -> dict[str, Any]:
    rule = {
        "alert": "HighErrorRate",
        "expr": "sum(rate(http_requests_total[5m])) > 1",
        "annotations": {"runbook_url": runbook},
    }
    (root / "rules.yml").write_text(yaml.safe_dump({"groups": [{"name": "api", "rules": [rule]}]}))
    return {"monitoring": {"alert_rules": ["rules.yml"]}}


LINK = "https://github.com/acme/api/blob/main/docs/runbooks/high-error-rate.md"


def test_an_alert_whose_repository_runbook_does_not_name_it_fails(tmp_path: Path) -> None:
    commit(tmp_path, GOOD)
    verdict = _verdict("Runbooks for common issues", tmp_path, **_alert_rules(tmp_path, LINK))
    assert verdict.status is Status.FAILED
    assert "alert HighErrorRate's runbook docs/runbooks/high-error-rate.md" in verdict.evidence


def test_an_alert_whose_repository_runbook_names_it_passes(tmp_path: Path) -> None:
    named = RUNBOOK.replace("Alert fires.", "HighErrorRate fires.")
    commit(tmp_path, {**GOOD, "docs/runbooks/high-error-rate.md": named})
    verdict = _verdict("Runbooks for common issues", tmp_path, **_alert_rules(tmp_path, LINK))
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "1 alerts link to a runbook here that names them" in verdict.evidence
