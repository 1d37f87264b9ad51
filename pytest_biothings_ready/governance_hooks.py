"""The pytest side of ``--ready-bundle``: write the bundle after the JUnit record.

Registered by hooks.py only when the option is given, on the controller (never on
an xdist worker).  Without ``--junitxml`` it records the run itself, into a scratch
file that goes into the bundle, so a bundle always holds the record.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from _pytest.junitxml import LogXML, xml_key

if TYPE_CHECKING:
    from pytest_biothings_ready.bundle import BundleJob
    from pytest_biothings_ready.hooks import ReadyPlugin

__all__ = ["BundleWriter"]


class _ScratchRecord(LogXML):
    """pytest's JUnit writer, silent in the summary: its file is a scratch copy."""

    def pytest_terminal_summary(self, terminalreporter: Any, config: pytest.Config) -> None:
        """Say nothing: the record is announced as part of the bundle."""


def _scratch_record(config: pytest.Config) -> tuple[LogXML, Path]:
    folder = Path(tempfile.mkdtemp(prefix="ready-bundle-"))
    xml = _ScratchRecord(
        str(folder / "record.xml"),
        config.option.junitprefix,
        config.getini("junit_suite_name"),
        config.getini("junit_logging"),
        config.getini("junit_duration_report"),
        "xunit1",  # testcase properties are schema-valid only in xunit1
        config.getini("junit_log_passing_tests"),
    )
    config.stash[xml_key] = xml
    config.pluginmanager.register(xml, "biothings-ready-scratch-record")
    return xml, folder


class BundleWriter:
    """Writes ``--ready-bundle`` once pytest's JUnit writer has written the record."""

    def __init__(self, plugin: ReadyPlugin) -> None:
        self.plugin = plugin
        self.path = Path(str(plugin.ready.options.bundle)).expanduser()
        self.message = ""
        self.scratch: Path | None = None
        config = plugin.config
        xml = config.stash.get(xml_key, None)
        if xml is None:
            xml, self.scratch = _scratch_record(config)
        self.xml: LogXML = xml

    @pytest.hookimpl(wrapper=True, trylast=True)  # inside the terminal's summary wrapper
    def pytest_sessionfinish(self, session: pytest.Session) -> Generator[None, None, None]:
        """Hash artifacts before the run's teardown, write the bundle after the record.

        A bundle that cannot be written is reported and fails the run (exit 3).
        """
        from pytest_biothings_ready.bundle import BundleJob

        job = BundleJob(self.path, self.plugin.ready, self.plugin.results)
        if self.plugin.results:
            job.start()
        try:
            yield  # the demo stops; LogXML writes the record
        finally:
            try:
                self._write(job, session)
            finally:
                if self.scratch is not None:
                    shutil.rmtree(self.scratch, ignore_errors=True)

    def _write(self, job: BundleJob, session: pytest.Session) -> None:
        if not self.plugin.results:
            self.message = f"evidence bundle {self.path} not written: no checklist line ran"
            return
        try:
            record = Path(self.xml.logfile).read_bytes()
            count = job.write(record)
            self.message = f"evidence bundle: {self.path} ({count} members)"
        except Exception as exc:  # the record is written already; the run asked for a bundle
            reason = f"{type(exc).__name__}: {exc}"
            self.message = f"ERROR: evidence bundle {self.path} not written: {reason}"
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Name the bundle (or why it is missing)."""
        if self.message:
            terminalreporter.write_sep("-", self.message)
