"""Parsing Markdown checklists into items with stable ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_biothings_ready.checklist.lookup import find_item
from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist, parse_checklist
from pytest_biothings_ready.errors import ConfigError

SHARED = Path(__file__).resolve().parents[3] / "shared/checklists/biothings-production-checklist.md"


def test_builtin_checklist_has_206_items_with_unique_ids() -> None:
    checklist = load_checklist(BUILTIN)
    assert len(checklist) == 206
    assert len({item.id for item in checklist}) == 206


@pytest.mark.skipif(not SHARED.is_file(), reason="shared/ checklist not beside the checkout")
def test_builtin_checklist_is_shipped_verbatim() -> None:
    assert BUILTIN.read_bytes() == SHARED.read_bytes()


def test_titles_lose_emphasis_backticks_and_fill_in_blanks() -> None:
    checklist = load_checklist(BUILTIN)
    titles = {item.title for item in checklist}
    assert "GOOGLE_API_KEY is set and valid" in titles
    assert "Availability: > 99.9% uptime" in titles
    assert "Technical Lead" in titles
    assert "Environment Variables" in titles


def test_sections_are_headings_without_emoji() -> None:
    item = find_item("Rate limiting is enabled", load_checklist(BUILTIN), "test")
    assert item.section == "Security Configuration"
    assert item.area == "security"
    assert item.id == "security-configuration.rate-limiting-is-enabled"


def test_every_builtin_section_maps_to_a_named_area() -> None:
    areas = {item.section: item.area for item in load_checklist(BUILTIN)}
    assert "other" not in areas.values()
    assert areas["Performance Monitoring (First 24 Hours)"] == "post_deployment"
    assert areas["Business Metrics"] == "kpi"
    assert areas["Approval"] == "signoff"


def test_group_lines_know_their_children() -> None:
    checklist = load_checklist(BUILTIN)
    group = checklist.items["security-configuration.environment-variables"]
    assert group.is_group and len(group.children) == 4
    child = checklist.items[group.children[0]]
    assert child.parent == group.id and not child.is_group


def test_ticked_boxes_and_other_bullets_are_items() -> None:
    text = "### Ops\n- [x] Done thing\n* [ ] Star bullet\n+ [X] Plus bullet\n"
    items = list(parse_checklist(text, Path("c.md")))
    assert [i.title for i in items] == ["Done thing", "Star bullet", "Plus bullet"]
    assert [i.checked for i in items] == [True, False, True]


def test_identical_lines_under_one_heading_get_numbered_ids() -> None:
    text = "### Ops\n- [ ] Same line\n- [ ] Same line\n- [ ] Same line\n"
    ids = [i.id for i in parse_checklist(text, Path("c.md"))]
    assert ids == ["ops.same-line", "ops.same-line-2", "ops.same-line-3"]


def test_reference_to_repeated_text_is_ambiguous_and_lists_ids() -> None:
    checklist = parse_checklist("### Ops\n- [ ] Same line\n- [ ] Same line\n", Path("c.md"))
    with pytest.raises(ConfigError, match=r"ops\.same-line, ops\.same-line-2"):
        find_item("Same line", checklist, "attestations.toml")


def test_unknown_reference_suggests_the_nearest_items() -> None:
    with pytest.raises(ConfigError, match="Rate limiting is enabled"):
        find_item("Rate limitng enabled", load_checklist(BUILTIN), "here")


def test_file_without_checkboxes_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("# Nothing\n\nJust prose.\n")
    with pytest.raises(ConfigError, match="no checkbox lines"):
        load_checklist(path)


def test_checklist_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes("### Sécurité\n- [ ] Clé\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_checklist(path)


def test_missing_checklist_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read checklist"):
        load_checklist(tmp_path / "nope.md")
