"""The record is always written and leaks nothing (issue rows 2, 4, 5, 10, 11; item 3).

Each test runs a small deployment through pytest with a canary secret and asserts
on every place text leaves the plugin: the JUnit XML, the Markdown and HTML reports,
and the terminal (``-rA`` short summary, ``--tb=long`` tracebacks).
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from pytest_biothings_ready.evidence import registry
from tests.core.conftest import record_statuses, write_config

CANARY = "canary-5ecret/7f3a9d0c11+z"
USER, PASSWORD = "auditor", "canary-pa55word-92ab"
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
LINES = 8  # checkbox lines of tests/core/conftest.SMALL_CHECKLIST
ANSI = "\x1b[2J\x1b[1;32mALL CHECKS PASSED"

LINKED = f"""
import pytest
from pytest_biothings_ready import ready

@ready.item("Keys are rotated")
def test_skips_with_the_secret(ready_env):
    pytest.skip("rotation pending for " + ready_env.get("secrets.TOKEN"))

@ready.item("Audit logging implemented")
def test_xfails_with_the_secret(ready_env):
    pytest.xfail("known gap: " + ready_env.get("secrets.TOKEN"))

@ready.item("Vault holds every secret")
def test_records_properties(ready_env, record_property):
    record_property("token", ready_env.get("secrets.TOKEN"))
    record_property("basic", {BASIC!r})
    record_property("url_encoded", quote(ready_env.get("secrets.TOKEN"), safe=""))

@ready.item("Incident response plan documented")
def test_fails_using_ready_env(ready_env):
    token = ready_env.get("secrets.TOKEN")
    print({ANSI!r})
    assert ready_env is None, "a" * 230 + token + "b" * 10
"""


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Checks a test's conftest registers vanish after it."""
    registry.load_families()
    monkeypatch.setattr(registry, "_CHECKS", {k: list(v) for k, v in registry._CHECKS.items()})
    yield


@pytest.fixture
def leaky(deployment: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("READY_CANARY", CANARY + "\r\n")
    write_config(
        deployment,
        env_extra=f'secrets = {{ TOKEN = "${{READY_CANARY}}" }}\n'
        f'auth = {{ username = "{USER}", password = "{PASSWORD}" }}',
    )
    return deployment


def _run(pytester: pytest.Pytester, *args: str) -> tuple[str, list[str]]:
    """Run with XML, both reports, -rA --tb=long; the terminal text and the files."""
    result = pytester.runpytest(
        "--ready-env=staging",
        "--junitxml=record.xml",
        "--ready-report=r.md",
        "-rA",
        "--tb=long",
        "-o",
        "junit_logging=all",
        *args,
    )
    html = pytester.runpytest("--ready-env=staging", "--ready-report=r.html", "-q")
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    terminal = result.stdout.str() + result.stderr.str() + html.stdout.str()
    files = [(pytester.path / n).read_text() for n in ("record.xml", "r.md", "r.html")]
    return terminal, files


def _leaks(text: str) -> list[str]:
    forms = [CANARY, CANARY[:12], CANARY[-12:], PASSWORD, BASIC, quote(CANARY, safe="")]
    return [form for form in forms if form in text]


def test_skip_xfail_properties_and_a_cut_repr_leak_nothing_anywhere(leaky: pytest.Pytester) -> None:
    leaky.makepyfile(test_linked=LINKED)
    terminal, files = _run(leaky)
    for text in [terminal, *files]:
        assert _leaks(text) == []
        assert "\x1b" not in text
    assert "rotation pending for ***" in terminal  # -rs keeps the reason, masked
    assert "known gap: ***" in files[0]
    assert "<Environment 'staging'" in terminal  # the repr the failing assert printed
    assert len(record_statuses(leaky)) == LINES


def test_a_linked_test_skipping_with_a_secret_keeps_every_line_in_the_record(
    leaky: pytest.Pytester,
) -> None:
    leaky.makepyfile(test_linked=LINKED)
    result = leaky.runpytest("--ready-env=staging", "--junitxml=record.xml", "-rs")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    statuses = record_statuses(leaky)
    assert len(statuses) == LINES
    assert statuses["security-configuration.keys-are-rotated"] == "unverified"


TARGET_CONFTEST = f"""
from pytest_biothings_ready.evidence.registry import check
from pytest_biothings_ready.model import Verdict

@check("Vault holds every secret")
def hostile_target(ctx):
    token = ctx.env.get("secrets.TOKEN")
    print("captured while deciding: {ANSI} " + token)
    return Verdict.failed("target said: {ANSI}\\ud800 \\u202e echo " + token)

@check("Keys are rotated")
def buggy_check(ctx):
    raise RuntimeError("the plugin itself is broken")
"""


def test_target_control_characters_and_surrogates_reach_no_output_raw(
    leaky: pytest.Pytester, scratch_registry: None
) -> None:
    leaky.makeconftest(TARGET_CONFTEST)
    terminal, files = _run(leaky)
    for text in [terminal, *files]:
        assert _leaks(text) == []
        assert "\x1b" not in text and "\ud800" not in text and "\u202e" not in text
    assert "\\x1b[2J\\x1b[1;32mALL CHECKS PASSED" in files[1]
    assert "captured while deciding: \\x1b[2J" in files[0]  # junit_logging=all
    assert len(record_statuses(leaky)) == LINES


def test_a_crashing_check_is_a_plugin_bug_error_with_its_trace_in_the_record(
    leaky: pytest.Pytester, scratch_registry: None
) -> None:
    leaky.makeconftest(TARGET_CONFTEST)
    result = leaky.runpytest("--ready-env=staging", "--junitxml=record.xml")
    root = ET.parse(leaky.path / "record.xml").getroot()
    props = {}
    for case in root.iter("testcase"):
        found = {p.get("name"): p.get("value") for p in case.iter("property")}
        if found.get("ready_id") == "security-configuration.keys-are-rotated":
            props = found
            assert [c.tag for c in case if c.tag != "properties"] == ["error"]
    assert props["ready_status"] == "error"
    assert props["ready_error_reason"] == "plugin bug"
    assert "RuntimeError: the plugin itself is broken" in str(props["ready_error_trace"])
    assert "buggy_check" in str(props["ready_error_trace"])
    assert "Traceback" not in str(props["ready_evidence"])
    result.stdout.fnmatch_lines(
        [
            "ERROR: Keys are rotated",
            "*reason:   plugin bug",
            "*evidence: plugin bug: check *buggy_check crashed*",
        ]
    )


BROKEN_WRITER = """
from pytest_biothings_ready.record import write

ORIGINAL = write.render_markdown
write.render_markdown = lambda *a: 1 / 0

def pytest_unconfigure(config):
    write.render_markdown = ORIGINAL
"""


def test_a_crashing_report_writer_costs_neither_the_record_nor_the_exit_code(
    deployment: pytest.Pytester,
) -> None:
    deployment.makeconftest(BROKEN_WRITER)
    deployment.makepyfile(test_any="def test_fine():\n    pass\n")
    result = deployment.runpytest(
        "--ready-env=staging", "--junitxml=record.xml", "--ready-report=r.md"
    )
    assert "INTERNALERROR" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert len(record_statuses(deployment)) == LINES
    result.stdout.fnmatch_lines(["*biothings-ready: report failed: ZeroDivisionError*"])


@pytest.mark.parametrize(
    ("test", "args", "why"),
    [
        ("import pytest\n\ndef test_stops():\n    pytest.exit('enough')\n", (), "interrupted"),
        ("def test_fails():\n    assert False\n", ("-x",), "stopping after 1 failures"),
    ],
    ids=["pytest.exit", "exitfirst"],
)
def test_lines_the_session_never_reached_are_errors_in_the_record(
    deployment: pytest.Pytester, test: str, args: tuple[str, ...], why: str
) -> None:
    deployment.makepyfile(test_first=test)
    deployment.runpytest(
        "--ready-env=staging", "--junitxml=record.xml", "--ready-report=r.md", *args
    )
    statuses = record_statuses(deployment)
    assert len(statuses) == LINES
    assert set(statuses.values()) == {"error"}
    root = ET.parse(deployment.path / "record.xml").getroot()
    evidence = [p.get("value") for p in root.iter("property") if p.get("name") == "ready_evidence"]
    assert all(
        f"not decided: the session stopped before this line ({why}" in str(e) for e in evidence
    )
    assert "**error** (probe): not decided" in (deployment.path / "r.md").read_text()


def test_collect_only_records_no_lines(deployment: pytest.Pytester) -> None:
    deployment.runpytest("--ready-env=staging", "--junitxml=record.xml", "--collect-only")
    assert record_statuses(deployment) == {}


def test_module_level_skips_and_collection_errors_leak_nothing(leaky: pytest.Pytester) -> None:
    leaky.makepyfile(
        test_skipped="import os, pytest\n"
        "pytest.skip('no vault for ' + os.environ['READY_CANARY'], allow_module_level=True)\n",
        test_broken="import os\nraise RuntimeError('\\x1b[2J' + os.environ['READY_CANARY'])\n",
    )
    terminal, files = _run(leaky)
    for text in [terminal, files[0]]:
        assert _leaks(text) == [] and "\x1b" not in text
    assert "no vault for ***" in terminal
    assert len(record_statuses(leaky)) == LINES  # collection stopped: lines still recorded
