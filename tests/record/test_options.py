"""pytest's own surfaces stay ours: --help shows no option locust's pytest plugin added."""

from __future__ import annotations

import pytest

pytest.importorskip("pytest_locust", reason="locust (the load extra) is not installed")


def test_help_lists_no_host_option_from_locust(pytester: pytest.Pytester) -> None:
    outcome = pytester.runpytest("--help")
    assert outcome.ret == pytest.ExitCode.OK
    assert "--ready-env=NAME" in outcome.stdout.str()
    assert "--host" not in outcome.stdout.str()


def test_locust_pytest_plugin_is_not_registered(pytester: pytest.Pytester) -> None:
    config = pytester.parseconfigure()
    assert config.pluginmanager.is_blocked("locust")
    assert config.pluginmanager.get_plugin("locust") is None


def test_help_in_a_fresh_process_lists_no_host_option(pytester: pytest.Pytester) -> None:
    outcome = pytester.runpytest_subprocess("--help")
    assert "--host" not in outcome.stdout.str()
