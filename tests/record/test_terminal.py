"""What the terminal ends with: the readiness table and a one-line verdict."""

from __future__ import annotations

import pytest

from pytest_biothings_ready.record.results import ItemResult
from pytest_biothings_ready.record.summary import one_line, run_verdict
from tests.record.conftest import last_lines


def result(status: str) -> ItemResult:
    return ItemResult(f"s.{status}", status, "S", "security", status, "probe", "e")


def test_verdict_is_ready_when_nothing_blocks() -> None:
    verdict = run_verdict([result(s) for s in ("passed", "waived", "not_applicable")])
    assert verdict.ready and verdict.line() == "READY"


def test_verdict_counts_failed_error_and_unverified() -> None:
    statuses = ["failed", "error", "error", "unverified", "passed"]
    results = [ItemResult(str(i), "t", "S", "a", s, "p", "") for i, s in enumerate(statuses)]
    verdict = run_verdict(results)
    assert not verdict.ready
    assert verdict.line() == "NOT READY: 1 failed, 2 error, 1 unverified"


def test_allowed_unverified_lines_are_named_in_a_ready_verdict() -> None:
    verdict = run_verdict([result("passed"), result("unverified")], allow_unverified=True)
    assert verdict.ready
    assert verdict.line() == "READY with --ready-allow-unverified: 1 unverified lines skipped"


def test_allowed_unverified_lines_do_not_hide_failures() -> None:
    verdict = run_verdict([result("failed"), result("unverified")], allow_unverified=True)
    assert verdict.line() == (
        "NOT READY: 1 failed, 0 error, 1 unverified (unverified skipped by "
        "--ready-allow-unverified)"
    )


def test_selection_is_part_of_the_verdict_line() -> None:
    verdict = run_verdict([result("passed")], selection="-m 'ready_smoke'")
    assert verdict.line() == "READY [selection: -m 'ready_smoke']"


def test_one_line_folds_and_cuts_long_evidence() -> None:
    assert one_line("a\n  b\tc") == "a b c"
    cut = one_line("word " * 100, limit=40)
    assert len(cut) == 40 and cut.endswith("…")


def test_run_ends_with_the_table_and_the_verdict(mixed: pytest.Pytester) -> None:
    outcome = mixed.runpytest("--ready-env=staging")
    tail = last_lines(outcome, 6)
    assert tail[0].startswith("section") and "unverified" in tail[0]
    assert tail[1].startswith("Security Configuration")
    assert tail[3].startswith("total")
    assert tail[4] == "NOT READY: 1 failed, 1 error, 1 unverified"
    assert "failed" in tail[5] and "passed" in tail[5]  # pytest's own stats line


def test_readiness_table_comes_after_the_short_test_summary(mixed: pytest.Pytester) -> None:
    outcome = mixed.runpytest("--ready-env=staging", "-rfE")
    text = outcome.stdout.str()
    assert text.index("short test summary info") < text.index("readiness: staging")
    assert text.rindex("FAILED ") < text.index("readiness: staging")


def test_failed_and_error_lines_carry_a_one_line_reason(mixed: pytest.Pytester) -> None:
    outcome = mixed.runpytest("--ready-env=staging", "-rfE", "-vv")  # untrimmed
    summary = outcome.stdout.str().split("short test summary info")[1]
    lines = [line for line in summary.splitlines() if line.startswith(("FAILED", "ERROR"))]
    assert len(lines) == 3
    assert any(" - ERROR: could not probe" in line for line in lines)
    assert any(" - FAILED: attestation expired" in line for line in lines)
    assert all(len(line.split(" - ", 1)[1]) <= len("UNVERIFIED: ") + 120 for line in lines)


def test_allow_unverified_run_says_what_it_hid(mixed: pytest.Pytester) -> None:
    outcome = mixed.runpytest("--ready-env=staging", "--ready-allow-unverified")
    assert last_lines(outcome, 2)[0] == (
        "NOT READY: 1 failed, 1 error, 1 unverified (unverified skipped by "
        "--ready-allow-unverified)"
    )


def test_quiet_run_ends_with_the_verdict_too(mixed: pytest.Pytester) -> None:
    outcome = mixed.runpytest("--ready-env=staging", "-q", "-m", "ready_signoff")
    assert last_lines(outcome, 2)[0] == "READY [selection: -m 'ready_signoff']"


def test_compared_run_names_its_previous_record_among_the_flags() -> None:
    verdict = run_verdict([result("passed")], allow_unverified=True, compare="prev.xml")
    assert verdict.flags == ("--ready-allow-unverified", "--ready-compare=prev.xml")
