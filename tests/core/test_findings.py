"""Findings render without Python tracebacks, in every phase (issue 9 benchmarks).

A repository-only run with 19 error items spent 1.3 s building pytest tracebacks the
plugin then discarded.  ReadyItem renders its findings itself; pytest's traceback
machinery (``Node._repr_failure_py``) must not run for them at all.
"""

from __future__ import annotations

import pytest

from tests.core.conftest import record_statuses

COUNTING = """
import _pytest.nodes

ORIGINAL = _pytest.nodes.Node._repr_failure_py
CALLS = []

def counting(self, *args, **kwargs):
    CALLS.append(self.nodeid)
    return ORIGINAL(self, *args, **kwargs)

_pytest.nodes.Node._repr_failure_py = counting

def pytest_unconfigure(config):
    _pytest.nodes.Node._repr_failure_py = ORIGINAL
    (config.rootpath / "calls.txt").write_text("\\n".join(CALLS))
"""


def test_error_and_failed_items_build_no_python_traceback(deployment: pytest.Pytester) -> None:
    deployment.makeconftest(COUNTING)
    deployment.makefile(
        ".md", checklist="### Ops\n- [ ] Valid SSL certificates installed\n- [ ] Pager works\n"
    )
    deployment.makepyfile(test_team="def test_broken():\n    raise ValueError('team bug')\n")
    result = deployment.runpytest("--ready-env=staging", "--junitxml=record.xml", "--tb=long")
    statuses = record_statuses(deployment)
    assert statuses == {
        "ops.valid-ssl-certificates-installed": "error",
        "ops.pager-works": "unverified",
    }
    calls = (deployment.path / "calls.txt").read_text().split()
    assert calls == ["test_team.py::test_broken"]  # the team's own test keeps its traceback
    result.stdout.fnmatch_lines(
        ["ERROR: Valid SSL certificates installed", "  *", "  checklist: checklist.md:2, *"]
    )


def _failure_section(lines: list[str], title: str) -> list[str]:
    """The lines under ``title``'s ``____ header ____`` up to the next header or summary."""
    start = next(i for i, line in enumerate(lines) if line.startswith("_") and title in line)
    section = []
    for line in lines[start + 1 :]:
        if line.startswith(("_", "=")):
            break
        section.append(line)
    return section


def test_an_unverified_item_fails_in_five_short_lines(deployment: pytest.Pytester) -> None:
    deployment.makefile(".md", checklist="### Ops\n- [ ] Pager works\n")
    result = deployment.runpytest("--ready-env=staging")
    section = _failure_section(result.stdout.lines, "Pager works")
    # status, the evidence (one paragraph, 2 lines at 100 columns), where, docs
    assert len(section) == 5, section
    status, *evidence, where, docs = section
    assert status == "UNVERIFIED: Pager works"
    assert " ".join(e.strip() for e in evidence).startswith("no probe, linked test or")
    assert where == "  checklist: checklist.md:2, decided by none"
    assert docs == "  docs: docs/checklist.md#ops (row ops.pager-works)"
    assert all(line.strip() and len(line) <= 100 for line in section)


def test_long_evidence_wraps_into_one_paragraph(deployment: pytest.Pytester) -> None:
    deployment.makefile(".md", checklist="### Ops\n- [ ] Valid SSL certificates installed\n")
    result = deployment.runpytest("--ready-env=staging")
    section = _failure_section(result.stdout.lines, "Valid SSL certificates installed")
    assert section[0] == "ERROR: Valid SSL certificates installed"
    assert section[-2].startswith("  checklist: checklist.md:2, decided by probe")
    assert section[-1] == (
        "  docs: docs/checklist.md#ops (row ops.valid-ssl-certificates-installed)"
    )
    assert all(line.startswith("  ") and len(line) <= 100 for line in section[1:-2])
