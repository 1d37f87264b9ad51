"""The sign-off record: JUnit properties, reports, terminal summary, redaction."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.core.conftest import days, write_attestations, write_config

CANARY = "canary-5ecret-7f3a9d"
LEAKY_TEST = """
from pytest_biothings_ready import ready

@ready.item("Keys are rotated")
def test_token_is_rotated(ready_env):
    token = ready_env.get("secrets.TOKEN")
    print("token in use:", token)
    assert token == "rotated"
"""


@pytest.fixture
def signed(deployment: pytest.Pytester) -> pytest.Pytester:
    write_attestations(
        deployment,
        f"""
        [[signoff]]
        role = "Technical Lead"
        by = "Dana Smith"
        date = {days(-1)}
        [deployment]
        date = "{days(0)}"
        version = "2.4.1"
        environment = "staging"
        lead = "Dana Smith"
    """,
    )
    return deployment


def cases(pytester: pytest.Pytester) -> dict[str, dict[str, str]]:
    root = ET.parse(pytester.path / "record.xml").getroot()
    found = {}
    for case in root.iter("testcase"):
        props = {str(p.get("name")): str(p.get("value")) for p in case.iter("property")}
        if "ready_id" in props:
            found[props["ready_id"]] = props
    return found


def test_every_line_is_a_testcase_with_the_spec_properties(signed: pytest.Pytester) -> None:
    signed.runpytest("--ready-env=staging", "--junitxml=record.xml")
    records = cases(signed)
    assert len(records) == 8
    lead = records["approval.technical-lead"]
    assert lead["ready_title"] == "Technical Lead"
    assert lead["ready_section"] == "Approval"
    assert lead["ready_status"] == "passed"
    assert lead["ready_method"] == "attestation"
    assert lead["ready_evidence"].startswith("signed off by Dana Smith")


def test_record_parses_with_junitparser_and_carries_suite_properties(
    signed: pytest.Pytester,
) -> None:
    junitparser = pytest.importorskip("junitparser")
    signed.runpytest("--ready-env=staging", "--junitxml=record.xml")
    suite = next(iter(junitparser.JUnitXml.fromfile(str(signed.path / "record.xml"))))
    props = {p.name: p.value for p in suite.properties()}
    assert props["ready_env"] == "staging"
    assert props["ready_targets"] == "127.0.0.1"
    assert len(props["ready_checklist_sha256"]) == 64
    assert len(props["ready_config_sha256"]) == 64
    assert len(props["ready_attestations_sha256"]) == 64
    assert props["ready_deployment_version"] == "2.4.1"
    assert props["ready_deployment_lead"] == "Dana Smith"
    assert props["ready_started_at"].endswith("Z") and props["ready_finished_at"].endswith("Z")
    assert suite.tests == 8


def test_failures_errors_and_skips_map_to_junit_elements(signed: pytest.Pytester) -> None:
    write_attestations(
        signed,
        f"""
        [[waive]]
        item = "Keys are rotated"
        by = "Lee Park"
        reason = "Q2"
        expires = {days(9)}
    """,
    )
    signed.makefile(
        ".md",
        checklist="### Ops\n- [ ] Keys are rotated\n- [ ] Pager works\n"
        "- [ ] Valid SSL certificates installed\n",
    )
    signed.runpytest("--ready-env=staging", "--junitxml=record.xml")
    root = ET.parse(signed.path / "record.xml").getroot()
    kinds = {
        c.get("name"): [child.tag for child in c if child.tag != "properties"]
        for c in root.iter("testcase")
    }
    assert kinds["ops.keys-are-rotated"] == ["skipped"]
    assert kinds["ops.pager-works"] == ["failure"]
    assert kinds["ops.valid-ssl-certificates-installed"] == ["error"]


def test_record_uses_xunit1_so_testcase_properties_are_schema_valid(
    signed: pytest.Pytester,
) -> None:
    signed.runpytest("--ready-env=staging", "--junitxml=record.xml")
    case = next(ET.parse(signed.path / "record.xml").getroot().iter("testcase"))
    assert case.get("file") is not None  # xunit1 writes file/line attributes


def test_terminal_summary_counts_statuses_per_section(signed: pytest.Pytester) -> None:
    result = signed.runpytest("--ready-env=staging")
    result.stdout.fnmatch_lines(
        [
            "*readiness: staging*",
            "section*passed*failed*error*waived*n.a.*unverified",
            "Security Configuration*-*4",
            "Approval*1*-*",
            "total*1*7",
        ]
    )


def test_markdown_report_ticks_passed_lines_and_quotes_evidence(signed: pytest.Pytester) -> None:
    signed.runpytest("--ready-env=staging", "--ready-report=out/report.md")
    text = (signed.path / "out/report.md").read_text()
    assert "- [x] **Technical Lead**" in text
    assert "  > **passed** (attestation): signed off by Dana Smith" in text
    assert "- [ ] Runbooks for common issues" in text  # ticked in the source, not verified
    assert "  > **unverified** (none): no probe" in text


def test_html_report_is_self_contained_with_filters(signed: pytest.Pytester) -> None:
    signed.runpytest("--ready-env=staging", "--ready-report=report.html")
    page = (signed.path / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert 'data-status="unverified"' in page and "<script>" in page
    assert "http://" not in page and "https://" not in page.replace("https://127", "")


def test_report_with_unknown_suffix_is_a_usage_error(signed: pytest.Pytester) -> None:
    result = signed.runpytest("--ready-env=staging", "--ready-report=report.pdf")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "must end in .md or .html" in result.stderr.str()


def test_canary_secret_appears_nowhere(
    deployment: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READY_CANARY", CANARY)
    write_config(deployment, env_extra='secrets = { TOKEN = "${READY_CANARY}" }')
    deployment.makepyfile(test_leaky=LEAKY_TEST)
    result = deployment.runpytest(
        "--ready-env=staging",
        "--junitxml=record.xml",
        "--ready-report=r.md",
        "-rA",
        "-o",
        "junit_logging=all",
    )
    html = deployment.runpytest("--ready-env=staging", "--ready-report=r.html")
    outputs = [result.stdout.str(), result.stderr.str(), html.stdout.str()]
    files = [(deployment.path / name).read_text() for name in ("record.xml", "r.md", "r.html")]
    assert "***" in files[0]  # the linked test's message was kept, with the value masked
    for text in outputs + files:
        assert CANARY not in text
