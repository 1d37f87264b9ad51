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
    result.stdout.fnmatch_lines(["ERROR: Valid SSL certificates installed", "*evidence: *"])
