"""The generated docs match the code (they are regenerated, never edited)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_biothings_ready.catalog import COMMAND, render_checklist, render_settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize(
    ("name", "render"), [("checklist.md", render_checklist), ("settings.md", render_settings)]
)
def test_generated_doc_is_up_to_date(name: str, render: object) -> None:
    committed = (DOCS / name).read_text(encoding="utf-8")
    assert committed == render(), f"docs/{name} is stale: run `{COMMAND}`"  # type: ignore[operator]


def test_catalog_lists_every_builtin_line() -> None:
    text = render_checklist()
    assert text.count("\n| `") == 206
