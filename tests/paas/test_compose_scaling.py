"""A compose-only deployment does not autoscale: its APIs' fixed counts fail the scaling lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_biothings_ready.evidence.store import ABSTAIN
from pytest_biothings_ready.model import Status
from tests.repository.conftest import REPOS, Variant, static_verdict

AUTOSCALE = "Auto-scaling configured to match demand"
BOUNDS = "Minimum and maximum replica counts defined"
COMPOSE = (REPOS / "decoy" / "docker-compose.yml").read_text()


@pytest.mark.parametrize("title", [AUTOSCALE, BOUNDS])
def test_a_compose_api_on_the_default_single_replica_fails(title: str) -> None:
    verdict = static_verdict(title, "decoy")
    assert verdict.status is Status.FAILED, verdict.evidence
    assert "backend runs 1 replica (compose's default)" in verdict.evidence
    assert "compose does not autoscale" in verdict.evidence


def test_fixed_deploy_replicas_are_named_and_still_fail(variant: Variant) -> None:
    text = COMPOSE.replace("  backend:\n", "  backend:\n    deploy:\n      replicas: 3\n", 1)
    assert text != COMPOSE
    verdict = static_verdict(AUTOSCALE, variant("decoy", {"docker-compose.yml": text}))
    assert verdict.status is Status.FAILED
    assert "backend runs a fixed deploy.replicas 3" in verdict.evidence


def test_a_stack_beside_named_manifests_abstains(variant: Variant) -> None:
    root = variant("decoy", {"k8s/deploy.yaml": "apiVersion: v1\nkind: List\nitems: []\n"})
    verdict = static_verdict(AUTOSCALE, root, manifests=["k8s/deploy.yaml"])
    assert verdict.status is Status.UNVERIFIED, verdict.evidence
    assert verdict.evidence.startswith(ABSTAIN)


def test_a_stack_without_an_api_abstains() -> None:
    verdict = static_verdict(AUTOSCALE, Path(__file__).parent / "repos" / "procfile")
    assert verdict.status is Status.UNVERIFIED
    assert verdict.evidence.startswith(ABSTAIN)
