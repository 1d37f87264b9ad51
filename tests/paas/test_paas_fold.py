"""With every family's checks, a PaaS repository's lines are decided by its PaaS config."""

from __future__ import annotations

import pytest

from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.deploy.resolve import with_discovery
from pytest_biothings_ready.evidence.registry import checks_for, normalize_title
from pytest_biothings_ready.evidence.store import EvidenceStore, run_checks
from pytest_biothings_ready.model import Status, Verdict
from tests.paas.conftest import REPOS
from tests.support.evaluate import environment

_CHECKLIST = load_checklist(BUILTIN)


def folded(title: str, case: str, **settings: object) -> Verdict:
    item = next(i for i in _CHECKLIST if normalize_title(i.title) == normalize_title(title))
    env = with_discovery(environment({"timeout_s": 5, "repo": ".", **settings}, REPOS / case))
    verdict = run_checks(item, checks_for(item), EvidenceStore(env))
    assert verdict is not None
    return verdict


@pytest.mark.parametrize(
    "title",
    ["Health checks configured", "Auto-scaling configured to match demand"],
)
def test_kubernetes_checks_without_manifests_leave_the_line_to_the_paas_config(title: str) -> None:
    assert folded(title, "fly_good").status is Status.PASSED
    assert folded(title, "render_bad").status is Status.FAILED


def test_without_a_paas_config_the_kubernetes_check_still_asks_for_manifests() -> None:
    verdict = folded("Auto-scaling configured to match demand", "procfile")
    assert verdict.status is Status.UNVERIFIED
    assert "manifests" in verdict.evidence
