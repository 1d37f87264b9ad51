"""End to end: the documentation lines in a real plugin run over a git repository."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.docs_api.test_documents import GOOD
from tests.support.gitrepo import commit
from tests.support.servers import free_port

pytest_plugins = ["pytester"]


def test_documentation_lines_land_in_the_record(pytester: pytest.Pytester) -> None:
    files = {**GOOD, "docs/runbooks/disk-full.md": "# Disk full\n\n## Symptoms\nx\n"}
    commit(pytester.path, files)
    pytester.makefile(
        ".toml",
        readiness=f'[env.staging]\nbase_url = "https://127.0.0.1:{free_port()}"\ntimeout_s = 1\n',
    )
    pytester.runpytest(
        "--ready-env=staging",
        "-k",
        "deployment-procedures-documented or runbooks-for-common-issues",
        "--junitxml=record.xml",
        "-p",
        "no:cacheprovider",
    )
    found = {}
    for case in ET.parse(pytester.path / "record.xml").getroot().iter("testcase"):
        props = {p.get("name"): p.get("value", "") for p in case.iter("property")}
        found[props["ready_title"]] = (props["ready_status"], props["ready_evidence"])
    assert found["Deployment procedures documented"][0] == "passed"
    status, evidence = found["Runbooks for common issues"]
    assert status == "failed"
    assert "docs/runbooks/disk-full.md has no heading /resol" in evidence
