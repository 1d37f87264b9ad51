"""An abstaining repository check leaves the line to the others (evidence.store.ABSTAIN)."""

from __future__ import annotations

from pathlib import Path

from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.evidence.registry import Check, Context
from pytest_biothings_ready.evidence.store import ABSTAIN, EvidenceStore, run_checks
from pytest_biothings_ready.model import Status, Verdict
from pytest_biothings_ready.probes.repository.outcome import undecided
from tests.support.evaluate import environment

ITEM = next(i for i in load_checklist(BUILTIN) if i.title == "Rate limiting is enabled")
STATIC = "pytest_biothings_ready.probes.repository.checks.fake"
LIVE = "pytest_biothings_ready.probes.ratelimit.checks.fake"


def _check(name: str, verdict: Verdict) -> Check:
    def func(ctx: Context) -> Verdict:
        return verdict

    return Check((ITEM.title,), func, name=name)


def _fold(*checks: Check) -> Verdict:
    store = EvidenceStore(environment({"timeout_s": 1, "base_url": "https://a.test"}, Path.cwd()))
    verdict = run_checks(ITEM, list(checks), store)
    assert verdict is not None
    return verdict


def test_an_abstaining_static_check_does_not_hide_a_live_pass() -> None:
    verdict = _fold(
        _check(STATIC, undecided("API neither published nor proxied")),
        _check(LIVE, Verdict.passed("first 429 after 11 requests")),
    )
    assert verdict.status is Status.PASSED
    assert "429" in verdict.evidence


def test_alone_it_leaves_the_line_unverified_with_its_reason() -> None:
    verdict = _fold(_check(STATIC, undecided("API neither published nor proxied")))
    assert verdict.status is Status.UNVERIFIED
    assert verdict.evidence.startswith(ABSTAIN)


def test_a_static_failure_beside_a_live_pass_is_still_a_contradiction() -> None:
    verdict = _fold(
        _check(STATIC, Verdict.failed("backend published on the host with no limiter")),
        _check(LIVE, Verdict.passed("first 429 after 11 requests")),
    )
    assert verdict.status is Status.FAILED
    assert "contradiction" in verdict.evidence
