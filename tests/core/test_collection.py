"""Collection: one test per checklist line with --ready-env, nothing without it."""

from __future__ import annotations

import pytest

from tests.core.conftest import days, record_statuses, write_attestations

LINKED_TESTS = """
from pytest_biothings_ready import ready

@ready.security
@ready.item("Keys are rotated")
def test_keys_rotate(ready_env):
    assert ready_env.name == "staging"

@ready.item("security-configuration.vault-holds-every-secret")
def test_vault(ready_http):
    assert {OUTCOME}

def test_ordinary():
    pass
"""


def test_without_ready_env_the_plugin_is_inert(deployment: pytest.Pytester) -> None:
    deployment.makepyfile(test_linked=LINKED_TESTS.replace("{OUTCOME}", "True"))
    result = deployment.runpytest("-rs")
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*runs only with --ready-env=NAME*"])


def test_markers_are_registered_without_ready_env(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.ready_security:*", "@pytest.mark.ready_smoke:*"])


def test_a_folder_with_only_readiness_toml_collects_every_line(
    deployment: pytest.Pytester,
) -> None:
    result = deployment.runpytest("--ready-env=staging", "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.OK
    lines = [line for line in result.stdout.lines if "::" in line]
    assert len(lines) == 8


def test_collect_only_lists_items_by_section(deployment: pytest.Pytester) -> None:
    result = deployment.runpytest("--ready-env=staging", "--collect-only")
    result.stdout.fnmatch_lines(
        [
            "*<ChecklistSection Security Configuration>",
            "*<ReadyItem security-configuration.secrets>",
            "*<ChecklistSection Approval>",
        ]
    )


def test_area_markers_select_one_area(deployment: pytest.Pytester) -> None:
    result = deployment.runpytest("--ready-env=staging", "-m", "ready_signoff", "--co", "-q")
    assert [line for line in result.stdout.lines if "::" in line] == [
        "checklist.md::Approval::approval.technical-lead"
    ]


def test_keyword_selects_by_id(deployment: pytest.Pytester) -> None:
    result = deployment.runpytest("--ready-env=staging", "-k", "keys-are-rotated", "--co", "-q")
    assert sum("::" in line for line in result.stdout.lines) == 1


def test_allow_unverified_skips_instead_of_failing(deployment: pytest.Pytester) -> None:
    result = deployment.runpytest("--ready-env=staging", "--ready-allow-unverified")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(skipped=8)


def test_unverified_items_fail_the_run_by_default(deployment: pytest.Pytester) -> None:
    result = deployment.runpytest("--ready-env=staging")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["UNVERIFIED: Keys are rotated", "*no probe, linked test or*"])


def test_failed_item_reads_as_a_finding_without_traceback(deployment: pytest.Pytester) -> None:
    result = deployment.runpytest("--ready-env=staging")
    assert "Traceback" not in result.stdout.str()
    assert "raise Finding" not in result.stdout.str()


def test_linked_test_that_passes_is_evidence_for_its_item(deployment: pytest.Pytester) -> None:
    deployment.makepyfile(test_linked=LINKED_TESTS.replace("{OUTCOME}", "True"))
    deployment.runpytest("--ready-env=staging", "--junitxml=record.xml")
    statuses = record_statuses(deployment)
    assert statuses["security-configuration.keys-are-rotated"] == "passed"
    assert statuses["security-configuration.vault-holds-every-secret"] == "passed"
    assert statuses["security-configuration.secrets"] == "passed"


def test_linked_test_that_fails_fails_its_item_even_when_attested(
    deployment: pytest.Pytester,
) -> None:
    deployment.makepyfile(test_linked=LINKED_TESTS.replace("{OUTCOME}", "False"))
    write_attestations(
        deployment,
        f"""
        [[attest]]
        item = "Vault holds every secret"
        by = "Dana Smith"
        date = {days(-1)}
    """,
    )
    result = deployment.runpytest("--ready-env=staging", "--junitxml=record.xml")
    statuses = record_statuses(deployment)
    assert statuses["security-configuration.vault-holds-every-secret"] == "failed"
    result.stdout.fnmatch_lines(["*linked test test_linked.py::test_vault failed*"])


def test_linked_test_not_selected_leaves_its_item_unverified(
    deployment: pytest.Pytester,
) -> None:
    deployment.makepyfile(test_linked=LINKED_TESTS.replace("{OUTCOME}", "True"))
    deployment.runpytest(
        "--ready-env=staging", "-k", "vault and not test_vault", "--junitxml=record.xml"
    )
    statuses = record_statuses(deployment)
    assert statuses["security-configuration.vault-holds-every-secret"] == "unverified"


def test_linked_tests_run_before_the_checklist(deployment: pytest.Pytester) -> None:
    deployment.makepyfile(test_linked=LINKED_TESTS.replace("{OUTCOME}", "True"))
    result = deployment.runpytest("--ready-env=staging", "--co", "-q")
    names = [line for line in result.stdout.lines if "::" in line]
    assert names[:3] == [
        "test_linked.py::test_ordinary",
        "test_linked.py::test_keys_rotate",
        "test_linked.py::test_vault",
    ]


def test_ready_item_naming_no_item_is_a_usage_error(deployment: pytest.Pytester) -> None:
    deployment.makepyfile(
        "from pytest_biothings_ready import ready\n"
        "@ready.item('Keys are rotatd')\n"
        "def test_x():\n    pass\n"
    )
    result = deployment.runpytest("--ready-env=staging")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert '"Keys are rotated" (security-configuration.keys-are-rotated)' in result.stderr.str()


def test_unknown_area_attribute_names_the_areas() -> None:
    from pytest_biothings_ready import ready

    with pytest.raises(AttributeError, match="security"):
        ready.securty  # noqa: B018


def test_fixtures_are_documented(deployment: pytest.Pytester) -> None:
    result = deployment.runpytest("--fixtures")
    result.stdout.fnmatch_lines(
        ["ready_env *", "*resolved environment*", "ready_http*", "*httpx.Client*"]
    )


def test_xdist_gives_the_same_record_as_a_serial_run(deployment: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    deployment.makepyfile(test_linked=LINKED_TESTS.replace("{OUTCOME}", "True"))
    deployment.runpytest("--ready-env=staging", "--junitxml=serial.xml")
    deployment.runpytest_subprocess("--ready-env=staging", "-n", "2", "--junitxml=dist.xml")
    assert record_statuses(deployment, "dist.xml") == record_statuses(deployment, "serial.xml")


def test_passing_linked_test_decides_where_the_probe_is_not_configured(
    deployment: pytest.Pytester,
) -> None:
    deployment.makefile(".md", checklist="### Ops\n- [ ] Smoke tests passed\n")
    deployment.makepyfile(
        "from pytest_biothings_ready import ready\n"
        "@ready.item('Smoke tests passed')\n"
        "def test_smoke():\n    pass\n"
    )
    result = deployment.runpytest("--ready-env=staging", "--junitxml=record.xml")
    assert record_statuses(deployment) == {"ops.smoke-tests-passed": "passed"}
    result.stdout.fnmatch_lines(["*2 passed*"])
