"""Every line decided by one complete document: a complete one passes, an incomplete fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_biothings_ready.model import Status
from tests.support.evaluate import judge
from tests.support.gitrepo import commit

# line -> (file, complete document, the same document missing what the line needs)
CASES: dict[str, tuple[str, str, str]] = {
    "Rollback plan prepared": (
        "docs/release.md",
        "# Release\n\n## Rollback\nRedeploy the previous image tag.\n",
        "# Release\n\n## Steps\nTag and push.\n",
    ),
    "Disaster recovery procedures documented": (
        "docs/disaster-recovery.md",
        "# Disaster recovery\n\n## Restore\nRestore the snapshot.\n\n## RTO and RPO\n4 h\n",
        "# Disaster recovery\n\n## Restore\nRestore restic snapshot.\n",
    ),
    "Incident response plan documented": (
        "docs/incident-response.md",
        "# Incidents\n\n## Severity levels\nSEV1..3\n\n## Roles\nIncident commander.\n\n"
        "## Communication\nStatus page.\n",
        "# Incidents\n\n## Severity levels\nSEV1..3\n",
    ),
    "Incident response procedures": (
        "docs/incident.md",
        "# Incident\n\n## Priority\nP1\n\n## Owner\nOn-call.\n\n## Notify\nEmail users.\n",
        "# Incident\n\nCall someone.\n",
    ),
    "Escalation procedures documented": (
        "docs/on-call.md",
        "# On-call\n\n## Escalation\nPage the secondary after 15 minutes.\n",
        "# On-call\n\n## Schedule\nWeekly.\n",
    ),
    "Change management process documented": (
        "CONTRIBUTING.md",
        "# Contributing\n\n## Review and approval\nTwo approvals.\n\n## Releases\nTagged.\n",
        "# Contributing\n\n## Style\nruff.\n",
    ),
    "Change control procedures": (
        "docs/change-control.md",
        "# Change control\n\n## Approval\nCAB.\n\n## Change record\nTicket.\n",
        "# Change control\n\n## Approval\n\n## Change record\n",
    ),
    "Access controls documented": (
        "docs/access.md",
        "# Access\n\n## Roles\nadmin, reader.\n\n## Requesting access\nTicket.\n",
        "# Access\n\n## Roles\nadmin, reader.\n",
    ),
    "Production debugging procedures": (
        "docs/debugging.md",
        "# Debugging production\n\n## Logs\nkubectl logs.\n",
        "# Debugging production\n",
    ),
    "Communication plan for outages": (
        "docs/outage.md",
        "# Outages\n\n## Status page updates\nEvery 30 minutes.\n",
        "# Outages\n\n## Cause analysis\nLater.\n",
    ),
    "Emergency support procedures documented": (
        "docs/emergency.md",
        "# Emergency\n\n## Contacts\n+1 555 0100\n",
        "# Emergency\n\n## History\nNone.\n",
    ),
    "Emergency response procedures": (
        "docs/emergency-response.md",
        "# Emergency response\n\n## Escalation\nCall the lead.\n",
        "# Emergency response\n\n## Background\nx\n",
    ),
    "SLA response times documented": (
        "docs/support.md",
        "# Support\n\n## SLA\nP1: answered within 15 minutes.\n",
        "# Support\n\n## SLA\nWe answer quickly.\n",
    ),
    "Deployment procedures documented": (
        "docs/deploy.md",
        "# Deploy\n\n## Steps\n1. push\n\n## Rollback\nrevert\n",
        "# Deploy\n\n## Steps\n1. push\n",
    ),
}


@pytest.mark.parametrize("line", sorted(CASES))
def test_a_complete_document_passes_and_an_incomplete_one_fails(line: str, tmp_path: Path) -> None:
    name, complete, incomplete = CASES[line]
    commit(tmp_path / "good", {name: complete})
    passed = judge(line, {}, root=tmp_path / "good")
    assert passed.status is Status.PASSED, passed.evidence
    commit(tmp_path / "bad", {name: incomplete})
    failed = judge(line, {}, root=tmp_path / "bad")
    assert failed.status is Status.FAILED, failed.evidence
