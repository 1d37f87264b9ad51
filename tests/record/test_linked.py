"""Linked tests in the record: their message and line as evidence, their own properties."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

LINKED = """
import json
from pytest_biothings_ready import ready

def parse(text):
    return json.loads(text)

@ready.item("Keys are rotated")
def test_rotation_endpoint_answers_json():
    parse("<html>not json</html>")

@ready.item("Pager works")
def test_pager_acknowledges():
    status = 401
    assert status == 200, "pager API answered 401"

@ready.item("Valid SSL certificates installed")
def test_certificate_is_pinned():
    assert False, "pin mismatch"

@ready.item("Incident response plan documented")
def test_runbook_link_resolves():
    pass
"""


def line_of(text: str) -> int:
    """The line number of ``text`` in the linked test file as pytester writes it."""
    lines = LINKED.strip("\n").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def read_testcases(pytester: pytest.Pytester) -> dict[str, dict[str, str]]:
    root = ET.parse(pytester.path / "record.xml").getroot()
    return {
        str(case.get("name")): {
            str(p.get("name")): str(p.get("value")) for p in case.iter("property")
        }
        for case in root.iter("testcase")
    }


@pytest.fixture
def linked_run(mixed: pytest.Pytester) -> dict[str, dict[str, str]]:
    mixed.makepyfile(test_linked=LINKED)
    mixed.runpytest("--ready-env=staging", "--junitxml=record.xml")
    return read_testcases(mixed)


def test_library_exception_is_shown_with_its_message_at_the_tests_line(
    linked_run: dict[str, dict[str, str]],
) -> None:
    evidence = linked_run["security-configuration.keys-are-rotated"]["ready_evidence"]
    # the last frame in the test's own file: its helper, not json/decoder.py
    where = f"test_linked.py:{line_of('return json.loads')}"
    assert f"{where}: JSONDecodeError: Expecting value: line 1 column 1" in evidence
    assert "decoder.py" not in evidence


def test_assertion_message_is_the_evidence(linked_run: dict[str, dict[str, str]]) -> None:
    evidence = linked_run["security-configuration.pager-works"]["ready_evidence"]
    assert evidence == (
        "linked test test_linked.py::test_pager_acknowledges failed: "
        f"test_linked.py:{line_of('assert status')}: AssertionError: pager API answered 401"
    )


def test_failing_probe_and_failing_linked_test_are_both_named(
    linked_run: dict[str, dict[str, str]],
) -> None:
    record = linked_run["security-configuration.valid-ssl-certificates-installed"]
    assert record["ready_status"] == "failed"  # the worse of error (probe) and failed (test)
    assert record["ready_evidence"].startswith("probe: could not probe")
    assert (
        "; linked test test_linked.py::test_certificate_is_pinned failed: "
        in record["ready_evidence"]
    )
    assert "AssertionError: pin mismatch" in record["ready_evidence"]


def test_linked_testcases_carry_their_lines_properties(
    linked_run: dict[str, dict[str, str]],
) -> None:
    pager = linked_run["test_pager_acknowledges"]
    assert pager == {
        "ready_id": "security-configuration.pager-works",
        "ready_title": "Pager works",
        "ready_section": "Security Configuration",
        "ready_method": "linked_test",
        "ready_status": "failed",
    }


def test_linked_testcase_status_is_its_lines_final_status(
    linked_run: dict[str, dict[str, str]],
) -> None:
    # the test passed, but the line is failed (its attestation expired)
    assert linked_run["test_runbook_link_resolves"]["ready_status"] == "failed"
    assert linked_run["test_certificate_is_pinned"]["ready_status"] == "failed"
    assert linked_run["test_rotation_endpoint_answers_json"]["ready_status"] == "waived"


def test_linked_testcase_of_an_undecided_line_is_unverified(mixed: pytest.Pytester) -> None:
    mixed.makepyfile(test_linked=LINKED)
    mixed.runpytest("--ready-env=staging", "--junitxml=record.xml", "-k", "runbook_link")
    cases = read_testcases(mixed)
    assert set(cases) == {"test_runbook_link_resolves"}  # the line itself was deselected
    assert cases["test_runbook_link_resolves"]["ready_status"] == "unverified"
