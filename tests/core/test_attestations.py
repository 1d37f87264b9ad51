"""attestations.toml: attest, waive, not_applicable and signoff, through pytest."""

from __future__ import annotations

import pytest

from tests.core.conftest import days, record_statuses, write_attestations

IDS = {
    "incident": "security-configuration.incident-response-plan-documented",
    "vault": "security-configuration.vault-holds-every-secret",
    "keys": "security-configuration.keys-are-rotated",
    "group": "security-configuration.secrets",
    "audit": "documentation.audit-logging-implemented",
    "hipaa": "documentation.hipaa-healthcare-compliance",
    "lead": "approval.technical-lead",
}


def outcome(result: pytest.RunResult, key: str) -> str:
    """The ready_status the record holds for item ``key``."""
    return STATUSES[IDS[key]]


STATUSES: dict[str, str] = {}


def run(p: pytest.Pytester, *args: str) -> pytest.RunResult:
    result = p.runpytest("--ready-env=staging", "-rA", "--junitxml=record.xml", *args)
    STATUSES.clear()
    if (p.path / "record.xml").exists():
        STATUSES.update(record_statuses(p))
    return result


def test_valid_attestation_passes_the_item(deployment: pytest.Pytester) -> None:
    write_attestations(
        deployment,
        f"""
        [[attest]]
        item = "Incident response plan documented"
        by = "Dana Smith"
        role = "Operations Manager"
        date = {days(-3)}
        expires = {days(90)}
        evidence = "https://wiki.example.org/ir"
    """,
    )
    assert outcome(run(deployment), "incident") == "passed"


def test_expired_attestation_fails_the_item(deployment: pytest.Pytester) -> None:
    write_attestations(
        deployment,
        f"""
        [[attest]]
        item = "{IDS["incident"]}"
        by = "Dana Smith"
        date = {days(-400)}
        expires = {days(-1)}
    """,
    )
    result = run(deployment)
    assert outcome(result, "incident") == "failed"
    result.stdout.fnmatch_lines(["*attestation expired on*renew it*"])


def test_attestation_scoped_to_another_environment_does_not_count(
    deployment: pytest.Pytester,
) -> None:
    write_attestations(
        deployment,
        f"""
        [[attest]]
        item = "Incident response plan documented"
        by = "Dana Smith"
        date = {days(-1)}
        envs = ["production"]
    """,
    )
    assert outcome(run(deployment), "incident") == "unverified"


def test_waiver_skips_as_waived_and_never_passes(deployment: pytest.Pytester) -> None:
    write_attestations(
        deployment,
        f"""
        [[waive]]
        item = "Keys are rotated"
        by = "Lee Park"
        reason = "rotation tooling lands in Q2"
        expires = {days(30)}
    """,
    )
    result = run(deployment)
    assert outcome(result, "keys") == "waived"
    result.stdout.fnmatch_lines(["*waived: waived until*Lee Park: rotation tooling lands in Q2*"])


def test_expired_waiver_no_longer_covers_the_gap(deployment: pytest.Pytester) -> None:
    write_attestations(
        deployment,
        f"""
        [[waive]]
        item = "Keys are rotated"
        by = "Lee Park"
        reason = "old"
        date = {days(-60)}
        expires = {days(-1)}
    """,
    )
    result = run(deployment)
    assert outcome(result, "keys") == "unverified"
    result.stdout.fnmatch_lines(["*waiver by Lee Park expired on*"])


def test_waiver_without_expiry_is_a_usage_error(deployment: pytest.Pytester) -> None:
    write_attestations(
        deployment,
        """
        [[waive]]
        item = "Keys are rotated"
        by = "Lee Park"
        reason = "forever"
    """,
    )
    result = run(deployment)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "[[waive]] #1: missing 'expires'" in result.stderr.str()


def test_not_applicable_group_covers_its_lines(deployment: pytest.Pytester) -> None:
    write_attestations(
        deployment,
        """
        [[not_applicable]]
        item = "HIPAA/Healthcare Compliance"
        by = "Lee Park"
        reason = "no protected health information is processed"
    """,
    )
    result = run(deployment)
    assert outcome(result, "hipaa") == "not_applicable"
    assert outcome(result, "audit") == "not_applicable"
    result.stdout.fnmatch_lines(["*not_applicable: not applicable: no protected health*"])


def test_attestation_for_unknown_item_lists_the_nearest(deployment: pytest.Pytester) -> None:
    write_attestations(
        deployment,
        f"""
        [[attest]]
        item = "Incident response plan"
        by = "Dana Smith"
        date = {days(-1)}
    """,
    )
    result = run(deployment)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert '"Incident response plan documented"' in result.stderr.str()


def test_signoff_passes_the_approval_line_of_its_role(deployment: pytest.Pytester) -> None:
    write_attestations(
        deployment,
        f"""
        [[signoff]]
        role = "Technical Lead"
        by = "Dana Smith"
        date = {days(-1)}
    """,
    )
    assert outcome(run(deployment), "lead") == "passed"


def test_approval_line_without_signoff_is_unverified(deployment: pytest.Pytester) -> None:
    result = run(deployment)
    assert outcome(result, "lead") == "unverified"
    assert "no [[signoff]] with role = 'Technical Lead'" in result.stdout.str()


def test_attest_cannot_stand_in_for_a_signoff(deployment: pytest.Pytester) -> None:
    write_attestations(
        deployment,
        f"""
        [[attest]]
        item = "Technical Lead"
        by = "Dana Smith"
        date = {days(-1)}
    """,
    )
    result = run(deployment)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "use [[signoff]]" in result.stderr.str()


def test_signoff_for_unknown_role_lists_the_roles(deployment: pytest.Pytester) -> None:
    write_attestations(
        deployment,
        f"""
        [[signoff]]
        role = "Chief Vibes Officer"
        by = "Dana Smith"
        date = {days(-1)}
    """,
    )
    result = run(deployment)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "no approval line for role 'Chief Vibes Officer'" in result.stderr.str()


def test_broken_attestations_file_is_a_usage_error(deployment: pytest.Pytester) -> None:
    write_attestations(deployment, "[[attest]\nitem = 3\n")
    result = run(deployment)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "attestations.toml is not valid TOML" in result.stderr.str()


def test_quoted_date_is_rejected_with_the_fix(deployment: pytest.Pytester) -> None:
    write_attestations(
        deployment,
        """
        [[attest]]
        item = "Keys are rotated"
        by = "Dana Smith"
        date = "2026-01-01"
    """,
    )
    result = run(deployment)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "date must be a TOML date like 2026-11-20 (no quotes)" in result.stderr.str()


def test_group_passes_only_when_all_its_lines_pass(deployment: pytest.Pytester) -> None:
    write_attestations(
        deployment,
        f"""
        [[attest]]
        item = "Vault holds every secret"
        by = "Dana Smith"
        date = {days(-1)}
    """,
    )
    result = run(deployment)
    assert outcome(result, "vault") == "passed"
    assert outcome(result, "group") == "unverified"
    result.stdout.fnmatch_lines(["*not passed: Keys are rotated (unverified)*"])
