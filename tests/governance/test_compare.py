"""--ready-compare: what changed since the previous sign-off, by item id."""

from __future__ import annotations

import pytest

from tests.governance.conftest import IDS, attest, cases, days, waive, write_attestations

RUN = ("--ready-env=staging", "-p", "no:cacheprovider")


def first_run(p: pytest.Pytester, *entries: str, env: str = "staging") -> None:
    write_attestations(p, *entries)
    p.runpytest(f"--ready-env={env}", "--junitxml=previous.xml")
    assert (p.path / "previous.xml").is_file()


def test_a_line_attested_before_and_not_now_is_a_regression(folder: pytest.Pytester) -> None:
    first_run(folder, attest("Incident response plan documented"))
    write_attestations(folder)
    result = folder.runpytest(*RUN, "--ready-compare=previous.xml", "--junitxml=now.xml")
    line = cases(folder.path / "now.xml")[IDS["incident"]]
    assert line["ready_previous_status"] == "passed"
    assert line["ready_status"] == "unverified"
    result.stdout.fnmatch_lines(
        [
            "*readiness: sign-off governance*",
            "REGRESSIONS (PASSED BEFORE, NOT NOW): 1",
            f"  {IDS['incident']}  passed -> unverified  (Incident response plan documented)",
            "      before: attested by Dana Smith, Operations Manager*",
            "      now:    *",
        ]
    )


def test_every_testcase_gains_its_previous_status(folder: pytest.Pytester) -> None:
    first_run(folder)
    folder.runpytest(*RUN, "--ready-compare=previous.xml", "--junitxml=now.xml")
    statuses = {k: v["ready_previous_status"] for k, v in cases(folder.path / "now.xml").items()}
    assert len(statuses) == 8
    assert statuses[IDS["vault"]] == "unverified"


def test_fixes_and_new_waivers_follow_the_regressions(folder: pytest.Pytester) -> None:
    first_run(folder, attest("Incident response plan documented"))
    write_attestations(folder, attest("Vault holds every secret"), waive("Keys are rotated"))
    result = folder.runpytest(*RUN, "--ready-compare=previous.xml", "--ready-report=r.md")
    out = result.stdout.str()
    order = [out.index(h) for h in ("REGRESSIONS", "FIXED", "NEW WAIVERS")]
    assert order == sorted(order)
    report = (folder.path / "r.md").read_text()
    regressions = report.index("### Regressions (passed before, not now): 1")
    assert regressions < report.index("### Fixed") < report.index("- [ ] **")
    assert f"`{IDS['vault']}` **unverified -> passed**" in report


def test_an_expired_waiver_and_a_lapsed_attestation_are_named(folder: pytest.Pytester) -> None:
    first_run(folder, waive("Keys are rotated"))
    write_attestations(
        folder,
        waive("Keys are rotated", expires=-1, date=-40),
        attest("Vault holds every secret", extra=f"expires = {days(-1)}", date=-30),
    )
    result = folder.runpytest(*RUN, "--ready-compare=previous.xml")
    result.stdout.fnmatch_lines(
        [
            "WAIVERS EXPIRED OR REMOVED: 1",
            f"  {IDS['keys']}  waived -> unverified*",
            "ATTESTATIONS EXPIRED OR INVALIDATED: 1",
            f"  {IDS['vault']}  unverified -> failed*",
        ]
    )


def test_lines_added_and_removed_are_listed(folder: pytest.Pytester) -> None:
    first_run(folder)
    checklist = folder.path / "checklist.md"
    text = checklist.read_text().replace("- [ ] Keys are rotated\n", "- [ ] Backups restored\n")
    checklist.write_text(text)
    result = folder.runpytest(*RUN, "--ready-compare=previous.xml", "--junitxml=now.xml")
    result.stdout.fnmatch_lines(
        [
            "note: the previous record was made from another checklist*compared by item id",
            "LINES ADDED TO THE CHECKLIST: 1",
            "  security-configuration.backups-restored  new -> unverified*",
            "LINES REMOVED FROM THE CHECKLIST: 1",
            f"  {IDS['keys']}  unverified -> (removed)*",
        ]
    )
    now = cases(folder.path / "now.xml")
    assert now["security-configuration.backups-restored"]["ready_previous_status"] == "new"


def test_staging_record_against_a_production_run_says_so(folder: pytest.Pytester) -> None:
    first_run(folder, env="staging")
    result = folder.runpytest(
        "--ready-env=production", "--ready-compare=previous.xml", "--ready-report=r.html"
    )
    result.stdout.fnmatch_lines(
        [
            "compared: production against previous.xml (staging, *): across environments, "
            "staging's record vs production's run",
            "note: environments differ: previous staging, now production",
        ]
    )
    page = (folder.path / "r.html").read_text()
    assert "Changes since the previous sign-off" in page
    assert "across environments" in page


def test_nothing_changed_says_so(folder: pytest.Pytester) -> None:
    first_run(folder)
    result = folder.runpytest(*RUN, "--ready-compare=previous.xml")
    result.stdout.fnmatch_lines(["no line changed status since the previous record"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not xml <", "*not XML*pass a --junitxml record*"),
        ("<html><body>hi</body></html>", "*not a JUnit record (root element <html>)*"),
        (
            '<testsuites><testsuite name="pytest"><testcase name="t"/></testsuite></testsuites>',
            "*not a readiness record (no testcase has a ready_id property)*",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><testsuite>&a;</testsuite>',
            "*DTDs and entities are refused*",
        ),
    ],
)
def test_a_compare_file_that_is_not_a_record_is_a_usage_error(
    folder: pytest.Pytester, content: str, message: str
) -> None:
    (folder.path / "previous.xml").write_text(content)
    result = folder.runpytest(*RUN, "--ready-compare=previous.xml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--ready-compare=*previous.xml{message}"])


def test_a_missing_compare_file_is_a_usage_error(folder: pytest.Pytester) -> None:
    result = folder.runpytest(*RUN, "--ready-compare=nowhere.xml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--ready-compare=*nowhere.xml: no such file*"])


def test_a_plain_pytest_record_is_refused(folder: pytest.Pytester) -> None:
    folder.makepyfile(test_plain="def test_one():\n    assert True\n")
    folder.runpytest("test_plain.py", "--junitxml=plain.xml")
    result = folder.runpytest(*RUN, "--ready-compare=plain.xml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*not a readiness record*"])


def test_from_outside_a_lapsed_attestation_is_a_regression(folder: pytest.Pytester) -> None:
    first_run(folder, attest("Incident response plan documented"))
    write_attestations(folder)
    result = folder.runpytest_subprocess(
        *RUN, "--ready-compare=previous.xml", "--junitxml=now.xml", timeout=120
    )
    assert cases(folder.path / "now.xml")[IDS["incident"]]["ready_previous_status"] == "passed"
    result.stdout.fnmatch_lines(["REGRESSIONS*: 1", f"  {IDS['incident']}  passed -> unverified*"])


def test_the_new_record_names_the_previous_one_and_its_digest(folder: pytest.Pytester) -> None:
    import hashlib
    import xml.etree.ElementTree as ET

    first_run(folder)
    digest = hashlib.sha256((folder.path / "previous.xml").read_bytes()).hexdigest()
    folder.runpytest(*RUN, "--ready-compare=previous.xml", "--junitxml=now.xml")
    suite = ET.parse(folder.path / "now.xml").getroot().find("testsuite")
    assert suite is not None
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["ready_previous_record_sha256"] == digest
    assert props["ready_previous_env"] == "staging"
    assert "ready_policy" not in props


def test_an_intact_bundle_can_be_the_previous_record(folder: pytest.Pytester) -> None:
    write_attestations(folder, attest("Incident response plan documented"))
    folder.runpytest("--ready-env=staging", "--ready-bundle=previous.zip")
    write_attestations(folder)
    result = folder.runpytest(*RUN, "--ready-compare=previous.zip", "--junitxml=now.xml")
    assert cases(folder.path / "now.xml")[IDS["incident"]]["ready_previous_status"] == "passed"
    result.stdout.fnmatch_lines(["compared: staging against previous.zip (staging, *)"])


def test_a_changed_bundle_is_refused_as_the_previous_record(folder: pytest.Pytester) -> None:
    import zipfile

    folder.runpytest("--ready-env=staging", "--ready-bundle=previous.zip")
    with zipfile.ZipFile(folder.path / "previous.zip") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["record.xml"] = members["record.xml"].replace(b"unverified", b"passed", 1)
    with zipfile.ZipFile(folder.path / "previous.zip", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = folder.runpytest(*RUN, "--ready-compare=previous.zip")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "not an intact evidence bundle: record.xml: changed" in result.stderr.str()


def test_an_xunit2_record_gets_a_hint(folder: pytest.Pytester) -> None:
    (folder.path / "previous.xml").write_text(
        '<testsuites><testsuite name="pytest"><testcase name="x"/></testsuite></testsuites>'
    )
    result = folder.runpytest(*RUN, "--ready-compare=previous.xml")
    assert "was it written with junit_family=xunit2?" in result.stderr.str()
