"""Audit: every registered check has a test asserting FAILED against a target lacking it.

Generated from the registry (tests/support/audit.py scans the test files), so a check
another family adds tomorrow is audited too.  A check without such a test fails
``test_every_registered_check_has_a_test_asserting_failed`` with its name and lines.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.support.audit import registered_checks, scan

TESTS = Path(__file__).resolve().parents[1]

# Checks that legitimately never return FAILED (they cannot observe a missing property,
# only its absence of evidence): qualified name -> why.  Keep each entry commented.
NEVER_FAILS: dict[str, str] = {}

# Checks that can fail but have no failing test yet.  Each entry is a gap to close in
# its family's tests (then delete the entry: a stale entry fails the audit).
KNOWN_GAPS: dict[str, str] = {
    # probes/observability (Alertmanager live): a test alert that is accepted but never
    # listed must fail; needs an Alertmanager fixture that drops alerts.
    "pytest_biothings_ready.probes.observability.alertmanager.testalert.alerting_tested": (
        "observability"
    ),
    # probes/web: a [[smoke]] request answering the wrong status must fail the line
    # (still missing: the scan now credits the line through probes/repository's failing
    # tests of "API endpoints tested", so the entry cannot stay here).
}


@pytest.fixture(scope="module")
def coverage() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    return {c.check: (c.titles, c.tests) for c in scan(TESTS, skip=[Path(__file__)])}


def test_every_registered_check_has_a_test_asserting_failed(
    coverage: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
) -> None:
    allowed = NEVER_FAILS.keys() | KNOWN_GAPS.keys()
    missing = [
        f"{name} (lines: {'; '.join(titles)})"
        for name, (titles, tests) in coverage.items()
        if not tests and name not in allowed
    ]
    assert not missing, (
        "checks without a test asserting Status.FAILED against a target lacking the "
        "property:\n  " + "\n  ".join(missing)
    )


def test_allowlisted_checks_exist_and_still_lack_a_failing_test(
    coverage: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
) -> None:
    stale = [name for name in {**NEVER_FAILS, **KNOWN_GAPS} if name not in coverage]
    closed = [name for name in KNOWN_GAPS if coverage.get(name, ((), ()))[1]]
    assert not stale, f"allowlisted checks no longer registered: {stale}"
    assert not closed, f"known gaps now covered, delete them from KNOWN_GAPS: {closed}"


def test_the_audit_sees_every_family() -> None:
    modules = {check.name.split(".")[2] for check in registered_checks()}
    assert {"tls", "static", "observability", "load", "web"} <= modules


def test_the_scan_credits_a_failing_assertion_and_ignores_a_passing_one(tmp_path: Path) -> None:
    (tmp_path / "test_fake.py").write_text(
        textwrap.dedent("""\
        LINE = "Rate limiting is enabled"

        def test_fails_without_a_limiter():
            verdict = judge(LINE, {})
            assert verdict.status is Status.FAILED

        def test_passes_with_one():
            assert judge("Valid SSL certificates installed", {}).status is Status.PASSED
        """)
    )
    found = {c.check: c.tests for c in scan(tmp_path)}
    limited = [name for name, tests in found.items() if tests]
    assert limited and all("ratelimit" in name for name in limited)
    assert all(
        tests == ("test_fake.py::test_fails_without_a_limiter",)
        for tests in (found[n] for n in limited)
    )
