"""Types after interpolation, and configurations that must be usage errors (rows 1, 13, 14).

``${VAR}`` values take their key's type after substitution; every malformed file is
exit 4 naming the file and the key, never a traceback or accepted nonsense.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.config.load import ConfigFile, load_environment, read_config
from pytest_biothings_ready.errors import ConfigError, NotConfigured

BASE = {"base_url": "https://staging.example.org"}


def _env(table: dict[str, object], environ: dict[str, str] | None = None) -> Environment:
    return load_environment(
        ConfigFile(None, {"env": {"s": {**BASE, **table}}}, ""), "s", environ or {}
    )


@pytest.mark.parametrize("text", ["false", "0", "no", "False", " NO "])
def test_false_strings_from_the_environment_are_false_for_a_bool_key(text: str) -> None:
    env = _env(
        {"production": True, "allow_load_in_production": "${ALLOW_LOAD}"}, {"ALLOW_LOAD": text}
    )
    assert env.get("allow_load_in_production") is False
    with pytest.raises(NotConfigured, match="allow_load_in_production"):
        env.guard_production("the rate-limit burst")  # nothing is sent


@pytest.mark.parametrize("text", ["true", "1", "yes"])
def test_true_strings_from_the_environment_are_true_for_a_bool_key(text: str) -> None:
    env = _env({"production": "${IS_PROD}"}, {"IS_PROD": text})
    assert env.production is True


def test_send_test_alert_false_from_the_environment_is_false() -> None:
    env = _env({"monitoring": {"send_test_alert": "${SEND}"}}, {"SEND": "false"})
    assert env.get("monitoring.send_test_alert") is False


@pytest.mark.parametrize("text", ["", "maybe", "flase"])
def test_an_empty_or_other_value_for_a_bool_key_names_the_key_and_the_variable(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        _env({"production": "${IS_PROD}"}, {"IS_PROD": text})
    assert "production" in str(info.value) and "IS_PROD" in str(info.value)


def test_numbers_from_the_environment_are_parsed_and_checked() -> None:
    assert _env({"timeout_s": "${T}"}, {"T": "2.5"}).timeout == 2.5
    with pytest.raises(ConfigError, match=r"timeout_s.*\$\{T\}"):
        _env({"timeout_s": "${T}"}, {"T": "fast"})
    with pytest.raises(ConfigError, match="timeout_s must be more than 0"):
        _env({"timeout_s": "${T}"}, {"T": "0"})


def test_a_substituted_bool_or_duration_is_not_treated_as_a_secret() -> None:
    env = _env(
        {"production": "${IS_PROD}", "monitoring": {"slo_window": "${WINDOW}"}},
        {"IS_PROD": "true", "WINDOW": "7d"},
    )
    assert env.get("monitoring.slo_window") == "7d"
    assert not env.secrets


def test_a_substituted_text_value_is_a_secret_stripped_of_whitespace() -> None:
    env = _env({"secrets": {"KEY": "${KEY}"}}, {"KEY": "AIza-secret-value\r\n"})
    assert "AIza-secret-value" in env.secrets


@pytest.mark.parametrize(
    ("table", "environ", "named"),
    [
        ({"secrets": {"KEY": "${KEY}"}}, {"KEY": "abc"}, "secrets.KEY"),
        ({"auth": {"password": "pw1"}}, {}, "auth.password"),
        ({"secrets": {"KEY": "${KEY}"}}, {"KEY": " ab\n"}, "KEY"),
    ],
)
def test_a_secret_shorter_than_the_masking_minimum_is_a_usage_error(
    table: dict[str, object], environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match="shorter than 4") as info:
        _env(table, environ)
    assert named in str(info.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("auth.login_path", "@localhost:9999/login"),
        ("rate_limit.path", "//evil.example/x"),
        ("cors.path", "http://evil.example/"),
        ("health_path", "api/health"),
        ("llm.models_path", "/v1\\@evil"),
        ("auth.protected_path", "/me\r\nHost: evil"),
    ],
)
def test_every_path_setting_must_be_a_path_on_the_entry_point(key: str, value: str) -> None:
    section, _, leaf = key.rpartition(".")
    table: dict[str, object] = {section: {leaf: value}} if section else {leaf: value}
    with pytest.raises(ConfigError) as info:
        _env(table)
    assert key in str(info.value)


def test_a_role_path_naming_another_host_is_refused() -> None:
    roles = [{"name": "user", "username": "u", "password": "pw-1234", "path": "@other:1/x"}]
    with pytest.raises(ConfigError, match="roles #1 path"):
        _env({"roles": roles})


def test_a_path_from_the_environment_is_checked_after_substitution() -> None:
    with pytest.raises(ConfigError, match=r"auth\.login_path"):
        _env({"auth": {"login_path": "${LOGIN}"}}, {"LOGIN": "@127.0.0.1:1/login"})


ROW_13 = [
    ('base_url = "http://[::1"', "base_url"),
    ("timeout_s = inf", "timeout_s"),
    ("timeout_s = nan", "timeout_s"),
    ("timeout_s = -1", "timeout_s"),
    ("timeout_s = 0", "timeout_s"),
    ("timeout_s = 1e300", "timeout_s"),
    ('base_url = "https://example.org:99999"', "base_url"),
]


@pytest.mark.parametrize(("line", "key"), ROW_13, ids=[line for line, _ in ROW_13])
def test_row_13_values_are_usage_errors_naming_file_and_key(
    pytester: pytest.Pytester, line: str, key: str
) -> None:
    pytester.makefile(
        ".toml", readiness=f'[env.staging]\nbase_url = "https://127.0.0.1:1"\n{line}\n'
    )
    text = (pytester.path / "readiness.toml").read_text()
    if line.startswith("base_url"):
        text = f"[env.staging]\n{line}\n"
    (pytester.path / "readiness.toml").write_text(text)
    result = pytester.runpytest("--ready-env=staging")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert "readiness.toml" in err and key in err and "Traceback" not in err


ROW_13_FILES = [
    ("readiness.toml", "ready = 5\n[env.staging]\nbase_url = 'https://a.test'\n", "ready"),
    ("readiness.toml", "[[ready]]\n[env.staging]\nbase_url = 'https://a.test'\n", "ready"),
    ("readiness.toml", "env = 5\n", "env"),
    ("readiness.toml", "[env]\nstaging = 5\n", "env.staging"),
    ("readiness.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n", "a"),
    (
        "readiness.toml",
        "[env.staging]\nbase_url = 'https://a.test'\ndns = " + "{a = " * 40 + "1" + "}" * 40 + "\n",
        "dns",
    ),
    # pytest itself reads ./pyproject.toml first (and crashes on `tool = 5`): a subfolder
    ("sub/pyproject.toml", "tool = 5\n", "tool"),
    ("sub/pyproject.toml", "[tool]\nbiothings-ready = 5\n", "tool.biothings-ready"),
]


@pytest.mark.parametrize(("name", "text", "key"), ROW_13_FILES)
def test_row_13_files_are_usage_errors_naming_file_and_key(
    pytester: pytest.Pytester, name: str, text: str, key: str
) -> None:
    (pytester.path / name).parent.mkdir(exist_ok=True)
    (pytester.path / name).write_text(text)
    result = pytester.runpytest("--ready-env=staging", f"--ready-config={name}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert name in err and key in err and "Traceback" not in err


def test_interpolated_bool_through_pytest_is_exit_4_naming_key_and_variable(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IS_PROD", "")
    pytester.makefile(
        ".toml",
        readiness=textwrap.dedent("""\
            [env.staging]
            base_url = "https://127.0.0.1:1"
            production = "${IS_PROD}"
        """),
    )
    result = pytester.runpytest("--ready-env=staging")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*readiness.toml*production*IS_PROD*empty*"])


def test_read_config_refuses_a_non_table_ready(tmp_path: Path) -> None:
    path = tmp_path / "readiness.toml"
    path.write_text("ready = 5\n")
    with pytest.raises(ConfigError, match="ready must be a table"):
        read_config(path)


def test_a_short_token_field_in_expected_json_is_data_not_a_usage_error() -> None:
    smoke = [{"name": "who", "path": "/api/me", "expect_json": {"token": "jwt"}}]
    assert _env({"smoke": smoke}).get("smoke")[0]["expect_json"] == {"token": "jwt"}
