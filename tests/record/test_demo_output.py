"""A real demo run without -q: its first lines, its last lines, its reports in a browser."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.record.browser import open_page


@dataclass(frozen=True)
class DemoRun:
    folder: Path
    lines: list[str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One full demo run (default verbosity) writing the HTML report."""
    folder = tmp_path_factory.mktemp("demo-output")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--ready-env=demo",
         "--ready-report=report.html", "--color=no"],
        cwd=folder, check=False, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return DemoRun(folder, done.stdout.splitlines())


def verdict_line(run: DemoRun) -> str:
    return next(line for line in reversed(run.lines) if "READY" in line)


def test_demo_run_ends_with_the_table_and_the_verdict(demo: DemoRun) -> None:
    tail = [line for line in demo.lines if line.strip()][-4:]
    assert tail[0].startswith("Approval")
    assert tail[1].startswith("total")
    assert re.fullmatch(r"NOT READY: \d+ failed, \d+ error, \d+ unverified", tail[2])
    assert re.fullmatch(r"=+ \d+ failed, \d+ passed.* in [\d.]+s =+", tail[3])


def test_demo_started_line_stands_alone_before_the_progress(demo: DemoRun) -> None:
    started = next(i for i, line in enumerate(demo.lines) if "demo service started" in line)
    assert demo.lines[started].startswith("biothings-ready: demo service started at https://")
    progress = [i for i, line in enumerate(demo.lines) if re.search(r"\[\s*\d+%\]$", line)]
    assert started < progress[0]
    # every progress line is whole: it starts with the file or with the dots themselves
    whole = re.compile(r"(biothings-production-checklist\.md )?[.FEsx]+ +\[\s*\d+%\]")
    assert all(whole.fullmatch(demo.lines[i]) for i in progress)


def test_demo_announces_its_burst_and_logins_before_the_probes(demo: DemoRun) -> None:
    text = "\n".join(demo.lines)
    head = text[: text.index("biothings-production-checklist.md ")]
    assert "biothings-ready: active traffic this run sends" in head
    burst = next(line for line in head.splitlines() if "burst:" in line)
    assert all(fact in burst for fact in ("up to 300 GET", "/api/search", "2 s"))
    assert "login: 2 logins POST /api/login (one with a made-up password" in head
    assert "load:" not in head  # the demo has no [env.demo.load] table


def test_html_report_works_in_headless_chromium(demo: DemoRun, tmp_path: Path) -> None:
    with open_page(demo.folder / "report.html", tmp_path) as page:
        banner = page.evaluate("document.querySelector('#verdict .verdict-line').textContent")
        assert banner == verdict_line(demo)
        total = page.evaluate("document.querySelectorAll('tr.item').length")
        unverified = int(re.findall(r"(\d+) unverified", banner)[0])
        visible = "[...document.querySelectorAll('tr.item')].filter(r => r.offsetParent).length"
        assert page.evaluate(visible) == total
        page.evaluate("document.querySelector('input[data-status=unverified]').click()")
        assert page.evaluate(visible) == total - unverified
        hidden = "[...document.querySelectorAll('tr.item[data-status=unverified]')]"
        assert page.evaluate(f"{hidden}.every(r => !r.offsetParent)")
        page.call("Emulation.setEmulatedMedia", {"media": "print"})
        assert page.evaluate(visible) == total  # printed: every line, filters or not
        assert not page.evaluate("document.querySelector('nav.filters').offsetParent")
        page.call("Emulation.setEmulatedMedia", {"media": ""})
        page.evaluate("document.querySelector('input[data-status=unverified]').click()")
        assert page.evaluate(visible) == total
        shot = page.screenshot(tmp_path / "report.png")
        assert page.console_errors() == []
        assert page.requested_urls() == [(demo.folder / "report.html").resolve().as_uri()]
    assert shot.read_bytes().startswith(b"\x89PNG")
