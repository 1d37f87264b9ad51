"""readiness.toml: discovery, validation and ${VAR} interpolation, through pytest."""

from __future__ import annotations

import pytest

from tests.core.conftest import write_config


def test_missing_config_is_a_usage_error_naming_the_fix(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--ready-env=staging")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*no readiness.toml*--ready-config*"])


def test_malformed_toml_names_the_file_and_line(deployment: pytest.Pytester) -> None:
    deployment.makefile(".toml", readiness="[env.staging\nbase_url = 1\n")
    result = deployment.runpytest("--ready-env=staging")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*readiness.toml is not valid TOML*line 1*"])


def test_unknown_key_is_rejected_with_a_suggestion(deployment: pytest.Pytester) -> None:
    write_config(deployment, env_extra='helth_path = "/health"')
    result = deployment.runpytest("--ready-env=staging")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert (
        "[env.staging]: unknown key 'helth_path'; did you mean health_path?" in result.stderr.str()
    )


def test_wrong_type_names_the_key_and_the_expected_type(deployment: pytest.Pytester) -> None:
    write_config(deployment, env_extra='timeout_s = "fast"')
    result = deployment.runpytest("--ready-env=staging")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*timeout_s must be a number, got 'fast'*"])


def test_malformed_url_is_rejected(deployment: pytest.Pytester) -> None:
    write_config(deployment, env_extra='metrics_url = "localhost:9100/metrics"')
    result = deployment.runpytest("--ready-env=staging")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*metrics_url must be an absolute http(s)*"])


def test_undefined_environment_lists_the_defined_ones(deployment: pytest.Pytester) -> None:
    result = deployment.runpytest("--ready-env=prod")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "no environment [env.prod]; defined: staging" in result.stderr.str()


def test_unknown_threshold_in_ready_defaults_is_rejected(deployment: pytest.Pytester) -> None:
    write_config(deployment, extra="[ready.thresholds]\np99_ms = 3")
    result = deployment.runpytest("--ready-env=staging")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown key 'thresholds.p99_ms'*"])


def test_pyproject_tool_table_is_read(pytester: pytest.Pytester) -> None:
    pytester.makefile(".md", checklist="### Ops\n- [ ] Pager works\n")
    pytester.makepyprojecttoml(
        '[tool.biothings-ready.ready]\nchecklist = "checklist.md"\n'
        '[tool.biothings-ready.env.staging]\nbase_url = "https://127.0.0.1:9"\n'
    )
    result = pytester.runpytest("--ready-env=staging", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["*ops.pager-works*"])


def test_missing_variable_makes_the_items_that_need_it_error(
    deployment: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("READY_TEST_UNSET", raising=False)
    write_config(deployment, env_extra='ca_bundle = "${READY_TEST_UNSET}"')
    deployment.makefile(".md", checklist="### TLS\n- [ ] Valid SSL certificates installed\n")
    result = deployment.runpytest("--ready-env=staging")
    result.stdout.fnmatch_lines(["*environment variable READY_TEST_UNSET is not set*"])
    assert result.parseoutcomes().get("errors") == 1


def test_ready_defaults_merge_into_the_environment(deployment: pytest.Pytester) -> None:
    deployment.makeconftest(
        "def test_env(ready_env):\n"
        "    assert ready_env.timeout == 1\n"
        "    assert ready_env.threshold('p95_ms') == 250\n"
        "    assert ready_env.threshold('uptime') == 0.999\n"
    )
    write_config(deployment, extra="[ready.thresholds]\np95_ms = 250")
    deployment.makepyfile(test_env="from conftest import test_env as test_it\n")
    result = deployment.runpytest("--ready-env=staging", "-k", "test_it", "-p", "no:randomly")
    result.assert_outcomes(passed=1, deselected=8)
