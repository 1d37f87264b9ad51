"""Topic markers: an item carries markers by content beside its area marker."""

from __future__ import annotations

import pytest

from pytest_biothings_ready.catalog import render_checklist
from pytest_biothings_ready.checklist.model import ChecklistItem
from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.checklist.topics import markers_for, topic_markers

BUILT_IN = {item.title: item for item in load_checklist(BUILTIN)}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Load testing with expected traffic", ("ready_testing", "ready_performance")),
        ("Stress testing beyond normal capacity", ("ready_testing", "ready_performance")),
        ("SSL certificates verified", ("ready_deployment", "ready_security")),
        ("Rate limiting effective", ("ready_post_deployment", "ready_security")),
        ("Backup storage configured", ("ready_infrastructure", "ready_backup")),
        ("Log storage and rotation configured", ("ready_infrastructure", "ready_monitoring")),
        ("Response times within SLA (p95 < 500ms)", ("ready_post_deployment", "ready_performance")),
        ("Non-root user in containers", ("ready_infrastructure", "ready_security")),
        ("Rate limiting is enabled", ("ready_security",)),
        ("Product Owner", ("ready_signoff",)),
        ("Security Officer", ("ready_signoff",)),
    ],
)
def test_markers_by_content(title: str, expected: tuple[str, ...]) -> None:
    assert markers_for(BUILT_IN[title]) == expected


def test_a_login_line_is_not_taken_for_logs() -> None:
    item = ChecklistItem("x.y", "Login page works", "Web", "", "testing", 1)
    assert "ready_monitoring" not in topic_markers(item)


def test_the_catalog_lists_every_marker_of_an_item() -> None:
    catalog = render_checklist()
    row = next(line for line in catalog.splitlines() if "Load testing with expected" in line)
    assert "ready_testing, ready_performance" in row


def test_collect_only_by_topic_lists_the_load_test_line(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(
        "--ready-env=demo",
        "--collect-only",
        "-q",
        "-m",
        "ready_performance",
        "-p",
        "no:cacheprovider",
    )
    out = result.stdout.str()
    assert "pre-production-testing.load-testing-with-expected-traffic" in out
    assert "performance-optimization.redis-configured-for-session-data-caching" in out
    assert "ssl-tls-configuration" not in out


def test_a_linked_test_carries_its_items_topic_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_linked="""
        from pytest_biothings_ready import ready

        @ready.item("Load testing with expected traffic")
        def test_load():
            pass
        """
    )
    result = pytester.runpytest(
        "--ready-env=demo",
        "--collect-only",
        "-q",
        "-m",
        "ready_performance",
        "-p",
        "no:cacheprovider",
    )
    result.stdout.fnmatch_lines(["test_linked.py::test_load"])


def test_the_docs_table_matches_the_code() -> None:
    from pathlib import Path

    from pytest_biothings_ready.checklist.topics import TOPICS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "governance.md").read_text()
    for marker, description, _ in TOPICS:
        assert f"| `{marker}` | {description} |" in doc
