"""The HTML report's content: verdict, metadata, sign-offs, counts, evidence, colours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.record.html import evidence_html, history_cell, render_html
from pytest_biothings_ready.record.html_assets import BADGES, CSS
from pytest_biothings_ready.record.results import ItemResult, Results
from pytest_biothings_ready.session import Options, ReadySession

AA_CONTRAST = 4.5


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(fg: str, bg: str) -> float:
    high, low = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#ffffff", "#fbc02d") == pytest.approx(1.66, abs=0.01)  # the old badge


def test_every_badge_in_the_css_reaches_wcag_aa_contrast() -> None:
    rules = re.findall(r"\.b-([a-z_]+)\{color:(#[0-9a-f]{6});background:(#[0-9a-f]{6})\}", CSS)
    assert {status for status, _, _ in rules} == set(BADGES)
    for status, fg, bg in rules:
        assert contrast(fg, bg) >= AA_CONTRAST, status


def test_banner_text_reaches_wcag_aa_contrast() -> None:
    for background in re.findall(r"\.banner\.[a-z-]+\{background:(#[0-9a-f]{6})\}", CSS):
        assert contrast("#ffffff", background) >= AA_CONTRAST


def test_evidence_renders_code_spans_and_links_and_escapes_the_rest() -> None:
    rendered = evidence_html("see `a<b>` at https://wiki.example.org/x?a=1&b=2. <script>")
    assert "<code>a&lt;b&gt;</code>" in rendered
    assert (
        '<a href="https://wiki.example.org/x?a=1&amp;b=2" rel="noopener noreferrer">'
        "https://wiki.example.org/x?a=1&amp;b=2</a>." in rendered
    )
    assert "&lt;script&gt;" in rendered and "<script>" not in rendered


def test_only_http_links_become_anchors() -> None:
    assert "<a" not in evidence_html("javascript:alert(1) file:///etc/passwd")


def test_control_characters_never_reach_the_page() -> None:
    text = evidence_html("bell\x07 esc\x1b[31m nul\x00 c1\x85 del\x7f tab\tnewline\n")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert "esc\\x1b[31m" in text  # shown as a visible escape
    assert "\t" in text and "\n" in text


def make_result(status: str, previous: str = "") -> ItemResult:
    return ItemResult("s.x", "X", "S", "security", status, "probe", "e", previous_status=previous)


def test_history_cell_shows_the_previous_status_and_the_move() -> None:
    assert "b-passed" in history_cell(make_result("failed", "passed"))
    assert "regressed" in history_cell(make_result("failed", "passed"))
    assert "fixed" in history_cell(make_result("passed", "error"))
    assert "new" in history_cell(make_result("passed"))


def test_print_css_shows_every_line_and_breaks_pages_per_section() -> None:
    media = CSS[CSS.index("@media print") :]
    assert ".filters{display:none}" in media
    assert "tr.hidden,tr.item{display:table-row!important}" in media
    assert "section.area{break-before:page}" in media


def test_page_is_full_width() -> None:
    assert "max-width" not in CSS


@pytest.fixture
def page(mixed: pytest.Pytester) -> str:
    mixed.runpytest("--ready-env=staging", "--ready-report=report.html")
    return (mixed.path / "report.html").read_text()


def test_banner_says_not_ready_with_the_counts(page: str) -> None:
    assert 'data-verdict="NOT READY"' in page
    assert "NOT READY: 1 failed, 1 error, 1 unverified" in page
    assert "flags: none" in page


def test_banner_names_the_allow_unverified_flag(mixed: pytest.Pytester) -> None:
    mixed.runpytest("--ready-env=staging", "--ready-report=r.html", "--ready-allow-unverified")
    text = (mixed.path / "r.html").read_text()
    assert "<code>--ready-allow-unverified</code>" in text
    assert "(unverified skipped by --ready-allow-unverified)" in text


def test_banner_names_the_selection(mixed: pytest.Pytester) -> None:
    mixed.runpytest("--ready-env=staging", "--ready-report=r.html", "-m", "ready_signoff")
    text = (mixed.path / "r.html").read_text()
    assert 'data-verdict="READY"' in text and "<code>-m &#x27;ready_signoff&#x27;</code>" in text


def test_deployment_metadata_and_signoffs_are_on_the_page(page: str) -> None:
    for label, value in (("deployment version", "2.4.1"), ("deployment lead", "Dana Smith")):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page
    signoffs = page[page.index('id="signoffs"') : page.index('id="counts"')]
    assert "Technical Lead" in signoffs and "signed off by Dana Smith" in signoffs


def test_counts_per_area_include_a_total(page: str) -> None:
    counts = page[page.index('id="counts"') : page.index("</table>", page.index('id="counts"'))]
    assert "<td>security</td>" in counts and "<td>signoff</td>" in counts
    assert "<b>total</b>" in counts


def test_attested_evidence_is_rendered_and_sanitised(page: str) -> None:
    assert '<a href="https://wiki.example.org/audit"' in page
    assert "<code>audit.yaml</code>" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "\x1b" not in page


def test_page_is_one_file_without_external_resources(page: str) -> None:
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", page)


def test_no_history_column_without_previous_statuses(page: str) -> None:
    assert "<th>previous</th>" not in page


def test_history_column_appears_when_results_carry_a_previous_status(tmp_path: Path) -> None:
    ready = ReadySession.build(Options(env="demo"), tmp_path)
    results = Results()
    for item_id, now, before in (("a.one", "failed", "passed"), ("a.two", "passed", "error")):
        results.add(
            ItemResult(item_id, item_id, "A", "security", now, "probe", "e", previous_status=before)
        )
    page = render_html(ready, results)
    assert "<th>previous</th>" in page
    rows = re.findall(r'<tr class="item".*?</tr>', page)
    assert "regressed" in rows[0] and "fixed" in rows[1]


def test_secret_with_html_characters_is_masked_before_escaping(tmp_path: Path) -> None:
    ready = ReadySession.build(Options(env="demo"), tmp_path)
    ready.env = Environment("demo", {}, secrets=frozenset({"p&ss<w>rd"}))
    results = Results()
    results.add(ItemResult("a.one", "One", "A", "security", "passed", "probe", "got p&ss<w>rd"))
    page = render_html(ready, results)
    assert "got ***" in page and "p&amp;ss" not in page


def test_markdown_report_opens_with_the_verdict_and_the_metadata(mixed: pytest.Pytester) -> None:
    mixed.runpytest("--ready-env=staging", "--ready-report=report.md")
    lines = (mixed.path / "report.md").read_text().splitlines()
    assert lines[1] == "> **NOT READY: 1 failed, 1 error, 1 unverified**"
    for fact in (
        "environment: staging",
        "deployment version: 2.4.1",
        "deployment lead: Dana Smith",
    ):
        assert f"> {fact}  " in lines
    assert "# Mixed checklist" in lines  # the checklist follows
