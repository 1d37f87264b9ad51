"""[ready.policy]: waiver length, roles per area, waived share, expiry warnings."""

from __future__ import annotations

import pytest

from tests.governance.conftest import IDS, attest, cases, waive, write_attestations, write_config

RUN = ("--ready-env=staging", "-p", "no:cacheprovider")


def test_a_400_day_waiver_over_max_waiver_days_is_a_usage_error(folder: pytest.Pytester) -> None:
    write_config(folder, policy="max_waiver_days = 90")
    write_attestations(folder, waive("Keys are rotated", expires=400))
    result = folder.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert "attestations.toml: [[waive]] item = 'Keys are rotated' (by Lee Park, expires" in err
    assert "waiver runs 400 days (from today), over the policy's max_waiver_days = 90" in err
    assert "passed" not in result.stdout.str()  # nothing ran


def test_waiver_length_counts_from_its_date(folder: pytest.Pytester) -> None:
    write_config(folder, policy="max_waiver_days = 90")
    write_attestations(folder, waive("Keys are rotated", expires=30, date=-70))
    result = folder.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*waiver runs 100 days (from *)*"])


def test_a_waiver_within_policy_waives(folder: pytest.Pytester) -> None:
    write_config(folder, policy="max_waiver_days = 90")
    write_attestations(folder, waive("Keys are rotated", expires=60))
    folder.runpytest(*RUN, "--junitxml=r.xml")
    assert cases(folder.path / "r.xml")[IDS["keys"]]["ready_status"] == "waived"


def test_a_security_line_waived_by_a_role_not_allowed_is_refused(
    folder: pytest.Pytester,
) -> None:
    write_config(folder, policy='waive_roles = { security = ["Security Lead", "CTO"] }')
    write_attestations(folder, waive("Keys are rotated", extra='role = "Intern"'))
    result = folder.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*'Keys are rotated'*a security line waived by role 'Intern'; the policy allows only "
            "'Security Lead', 'CTO' to waive security lines*"
        ]
    )


def test_a_waiver_without_a_role_is_refused_where_roles_are_required(
    folder: pytest.Pytester,
) -> None:
    write_config(folder, policy='waive_roles = { security = ["CTO"] }')
    write_attestations(folder, waive("Keys are rotated"))
    result = folder.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert "a security line waived by no role; the policy allows only 'CTO'" in err
    assert 'add role = "..." to the [[waive]] entry' in err


def test_an_allowed_role_may_waive(folder: pytest.Pytester) -> None:
    write_config(folder, policy='waive_roles = { security = ["CTO"] }')
    write_attestations(folder, waive("Keys are rotated", extra='role = "CTO"'))
    folder.runpytest(*RUN, "--junitxml=r.xml")
    assert cases(folder.path / "r.xml")[IDS["keys"]]["ready_status"] == "waived"


def test_a_topic_counts_like_an_area_for_waive_roles(folder: pytest.Pytester) -> None:
    # "Audit logging implemented" sits under Documentation (compliance) and is about logs.
    write_config(folder, policy='waive_roles = { monitoring = ["SRE Lead"] }')
    write_attestations(folder, waive("Audit logging implemented", extra='role = "Writer"'))
    result = folder.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*a monitoring line waived by role 'Writer'*"])


def test_a_waiver_on_a_group_is_checked_against_its_lines(folder: pytest.Pytester) -> None:
    write_config(folder, policy='waive_roles = { monitoring = ["SRE Lead"] }')
    write_attestations(folder, waive("HIPAA/Healthcare Compliance", extra='role = "Writer"'))
    result = folder.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_waivers_over_the_share_cap_are_refused(folder: pytest.Pytester) -> None:
    write_config(folder, policy="max_waived_share = 0.3")
    write_attestations(folder, waive("Secrets"), waive("Runbooks for common issues"))
    result = folder.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*waivers cover 3 of 5 lines (60%), over the policy's max_waived_share = 0.3*"]
    )


def test_waivers_under_the_share_cap_are_accepted(folder: pytest.Pytester) -> None:
    write_config(folder, policy="max_waived_share = 0.3")
    write_attestations(folder, waive("Runbooks for common issues"))
    assert folder.runpytest(*RUN).ret != pytest.ExitCode.USAGE_ERROR


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("max_waiver_dayz = 90", "unknown key 'max_waiver_dayz'"),
        ('max_waiver_days = "90"', "max_waiver_days must be a whole number of days"),
        ("max_waived_share = 1.5", "max_waived_share must be a number from 0 to 1"),
        ('waive_roles = { securty = ["CTO"] }', "waive_roles names unknown area 'securty'"),
        ('waive_roles = { security = "CTO" }', "waive_roles.security must be a list"),
    ],
)
def test_a_malformed_policy_is_a_usage_error(
    folder: pytest.Pytester, policy: str, message: str
) -> None:
    write_config(folder, policy=policy)
    result = folder.runpytest(*RUN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"readiness.toml [ready.policy]: {message}" in result.stderr.str()


def test_expiring_soon_is_warned_in_terminal_and_reports(folder: pytest.Pytester) -> None:
    write_config(folder, policy="expiring_soon_days = 10")
    write_attestations(
        folder,
        waive("Keys are rotated", expires=5),
        attest("Vault holds every secret", extra="expires = " + _days(30)),
    )
    result = folder.runpytest(*RUN, "--ready-report=r.md")
    result.stdout.fnmatch_lines(
        [f"WARNING: waiver of {IDS['keys']} (Keys are rotated) by Lee Park expires on *, in 5 days"]
    )
    assert "Vault holds" not in "\n".join(
        line for line in result.stdout.lines if line.startswith("WARNING")
    )
    report = (folder.path / "r.md").read_text()
    assert "## Expiring soon" in report and "in 5 days" in report
    folder.runpytest(*RUN, "--ready-report=r.html")
    assert "Expiring soon" in (folder.path / "r.html").read_text()


def test_expiring_soon_defaults_to_14_days(folder: pytest.Pytester) -> None:
    write_attestations(folder, waive("Keys are rotated", expires=13))
    result = folder.runpytest(*RUN)
    result.stdout.fnmatch_lines(["WARNING: waiver of*in 13 days"])


def _days(n: int) -> str:
    from tests.governance.conftest import days

    return days(n)


def test_from_outside_a_400_day_waiver_exits_4_naming_it(folder: pytest.Pytester) -> None:
    write_config(folder, policy="max_waiver_days = 90")
    write_attestations(folder, waive("Keys are rotated", expires=400))
    result = folder.runpytest_subprocess(*RUN, timeout=120)
    assert result.ret == 4
    assert "item = 'Keys are rotated'" in result.stderr.str()
    assert "max_waiver_days = 90" in result.stderr.str()


def test_the_policy_is_written_on_the_record(folder: pytest.Pytester) -> None:
    import xml.etree.ElementTree as ET

    write_config(folder, policy='max_waiver_days = 90\nwaive_roles = { security = ["CTO"] }')
    folder.runpytest(*RUN, "--junitxml=r.xml")
    suite = ET.parse(folder.path / "r.xml").getroot().find("testsuite")
    assert suite is not None
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["ready_policy"] == "max_waiver_days=90, waive_roles.security=CTO"
