"""The TOML examples in README.md and docs/ load through the real loaders.

Every ```toml block that defines ``[env.*]`` tables must validate (a base_url is
added where a fragment leaves it out); every block with attestation entries must
load against the built-in checklist.  A renamed or mistyped key in the docs fails.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest

from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.config.attestations import load_attestations
from pytest_biothings_ready.config.load import ConfigFile, load_environment

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"```toml\n(.*?)```", re.S)
ATTESTATION_TABLES = ("attest", "waive", "not_applicable", "signoff", "deployment")


def _blocks() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for number, text in enumerate(BLOCK.findall(doc.read_text(encoding="utf-8")), 1):
            found.append((f"{doc.relative_to(ROOT)}#{number}", text))
    return found


BLOCKS = _blocks()


@pytest.mark.parametrize(("where", "text"), BLOCKS, ids=[w for w, _ in BLOCKS])
def test_toml_example_is_valid(where: str, text: str, tmp_path: Path) -> None:
    data = tomllib.loads(text)
    if any(table in data for table in ATTESTATION_TABLES):
        path = tmp_path / "attestations.toml"
        path.write_text(text)
        load_attestations(path, load_checklist(BUILTIN), dt.date(2026, 11, 26))
        return
    envs = data.get("env", {})
    for name, table in envs.items():
        table.setdefault("base_url", "https://staging.example.org")
        table.pop("ca_bundle", None)  # a file path in the docs, not on this machine
        environ = {"GOOGLE_API_KEY": "example-key", "PROM_TOKEN": "example-token"}
        load_environment(ConfigFile(None, data, ""), name, environ)


def test_docs_have_examples() -> None:
    assert len(BLOCKS) >= 10
