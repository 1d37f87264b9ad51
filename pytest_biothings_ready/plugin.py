"""pytest entry point: options, markers, collection and reporting hooks.

Thin on purpose: the checklist, configuration, probes, verdicts and record live in
modules that do not import pytest.  Without ``--ready-env`` the plugin only
registers its markers and skips tests that carry them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from pytest_biothings_ready.api import ITEM_MARKER, MARKERS, STATIC_MARKER
from pytest_biothings_ready.locust_plugin import block_locust_plugin
from pytest_biothings_ready.stash import session_key

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.session import ReadySession

HELP_ENV = "run the readiness checklist against environment NAME (`demo` is built in)"
HELP_CONFIG = (
    "readiness config (default ./readiness.toml, else [tool.biothings-ready] in pyproject.toml)"
)
HELP_CHECKLIST = "a Markdown checkbox checklist instead of the built-in one"
HELP_ATTESTATIONS = "attestations file (default from the config, else ./attestations.toml)"
HELP_REPORT = "also write a report: PATH.md (ticked checklist) or PATH.html (for a browser)"
HELP_UNVERIFIED = "skip unverified items instead of failing them (partial runs)"
HELP_COMPARE = "compare with a previous record (--junitxml): regressions first, then fixes"
HELP_BUNDLE = (
    "also write the evidence bundle PATH.zip; check it with "
    "python -m pytest_biothings_ready.bundle verify PATH.zip"
)
INERT_REASON = "readiness check: runs only with --ready-env=NAME"


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Register the --ready-* options in one group; turn off locust's pytest plugin."""
    block_locust_plugin(parser, pluginmanager)
    group = parser.getgroup("biothings-ready", "production readiness checklist")
    group.addoption("--ready-env", metavar="NAME", help=HELP_ENV)
    group.addoption("--ready-config", metavar="PATH", help=HELP_CONFIG)
    group.addoption("--ready-checklist", metavar="PATH", help=HELP_CHECKLIST)
    group.addoption("--ready-attestations", metavar="PATH", help=HELP_ATTESTATIONS)
    group.addoption("--ready-report", metavar="PATH", help=HELP_REPORT)
    group.addoption("--ready-allow-unverified", action="store_true", help=HELP_UNVERIFIED)
    group.addoption("--ready-compare", metavar="PREVIOUS.xml", help=HELP_COMPARE)
    group.addoption("--ready-bundle", metavar="PATH.zip", help=HELP_BUNDLE)


@pytest.hookimpl(trylast=True)  # after junitxml has set up its writer
def pytest_configure(config: pytest.Config) -> None:
    """Register markers; with --ready-env, load everything or fail with a usage error."""
    config.addinivalue_line("markers", f"{ITEM_MARKER}(ref): link a test to a checklist item")
    for marker in MARKERS:
        config.addinivalue_line("markers", f"{marker}: readiness checklist area {marker[6:]}")
    config.addinivalue_line(
        "markers", f"{STATIC_MARKER}: readiness lines the deployment repository can answer"
    )
    if config.getoption("ready_env"):
        from pytest_biothings_ready.hooks import ReadyPlugin

        _gate_tolerates_repository_tests(config)

        config.pluginmanager.register(ReadyPlugin(config), "biothings-ready-session")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Inert mode: tests that carry a readiness marker are skipped."""
    if config.getoption("ready_env"):
        return
    skip = pytest.mark.skip(reason=INERT_REASON)
    for item in items:
        if any(item.get_closest_marker(name) for name in (*MARKERS, ITEM_MARKER)):
            item.add_marker(skip)


def _session(request: pytest.FixtureRequest) -> ReadySession:
    ready = request.config.stash.get(session_key, None)
    if ready is None:
        pytest.skip(INERT_REASON)
    return ready


@pytest.fixture(scope="session")
def ready_env(request: pytest.FixtureRequest) -> Environment:
    """The resolved environment of --ready-env (settings, hosts, timeout, secrets)."""
    return _session(request).environment()


@pytest.fixture
def ready_http(ready_env: Environment) -> Iterator[httpx.Client]:
    """An httpx.Client on the environment's base_url, with its CA bundle and timeouts."""
    from pytest_biothings_ready.evidence.transport import http_client

    with http_client(ready_env, base_url=str(ready_env.require("base_url"))) as client:
        yield client


def _gate_tolerates_repository_tests(config: pytest.Config) -> None:
    """With ``-m ready_static``, a repository test module that does not import is a
    collection error and the checklist lines are still decided.

    The pre-deploy gate runs in the deployment repository, whose own tests' dependencies
    are usually not installed in the gate's environment.
    """
    if STATIC_MARKER in (config.option.markexpr or ""):
        config.option.continue_on_collection_errors = True
