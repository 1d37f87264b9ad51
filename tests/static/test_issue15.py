"""Issue 15: each synthetic repository lacks one property the way real ones do (must fail),
or has it in a shape the checks used to misread (must pass).

Every folder under ``repos/issue15/`` holds a ``case.toml``: the issue row it stands for,
the settings that name its artifacts, and the verdict expected for each line with a
piece of evidence it must quote.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from pytest_biothings_ready.model import Status
from tests.static.conftest import REPOS, judge_repo

CASES = sorted((REPOS / "issue15").iterdir())


def _expectations() -> list[Any]:
    params = []
    for folder in CASES:
        case = tomllib.loads((folder / "case.toml").read_text())
        for expect in case["expect"]:
            params.append(
                pytest.param(
                    folder,
                    case["settings"],
                    expect,
                    id=f"{folder.name}:{expect['line'][:30]}",
                )
            )
    return params


@pytest.mark.parametrize(("folder", "settings", "expect"), _expectations())
def test_synthetic_repository_gets_the_expected_verdict(
    folder: Path, settings: dict[str, Any], expect: dict[str, str]
) -> None:
    verdict = judge_repo(expect["line"], folder, **settings)
    assert verdict.status is Status(expect["status"]), verdict.evidence
    assert expect["evidence"] in verdict.evidence, verdict.evidence


def test_every_issue_row_has_a_failing_and_a_passing_repository() -> None:
    rows: dict[str, set[str]] = {}
    for folder in CASES:
        case = tomllib.loads((folder / "case.toml").read_text())
        rows.setdefault(case["row"], set()).update(e["status"] for e in case["expect"])
    for row, statuses in rows.items():
        if row != "False alarms":
            assert {"failed", "passed"} <= statuses, row
    assert len(rows) == 11
