"""The hooks of an active readiness run (registered by plugin.py with --ready-env)."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from pytest_biothings_ready.api import ITEM_MARKER
from pytest_biothings_ready.checklist.lookup import find_item
from pytest_biothings_ready.errors import ConfigError
from pytest_biothings_ready.model import Status
from pytest_biothings_ready.nodes import ChecklistFile, ReadyItem, session_key
from pytest_biothings_ready.record.results import ItemResult, Results
from pytest_biothings_ready.redact import Redactor, clean
from pytest_biothings_ready.session import Options, ReadySession
from pytest_biothings_ready.verdicts.engine import LinkedOutcome

__all__ = ["ReadyPlugin"]

REPORT_SUFFIXES = (".md", ".html")


def _options(config: pytest.Config) -> Options:
    report = config.getoption("ready_report")
    if report and Path(report).suffix.lower() not in REPORT_SUFFIXES:
        raise pytest.UsageError(f"--ready-report={report}: the report must end in .md or .html")
    return Options(
        env=config.getoption("ready_env"),
        config=config.getoption("ready_config"),
        checklist=config.getoption("ready_checklist"),
        attestations=config.getoption("ready_attestations"),
        report=report,
        allow_unverified=config.getoption("ready_allow_unverified"),
    )


class ReadyPlugin:
    """Collection, verdict bookkeeping and the record for one --ready-env run."""

    def __init__(self, config: pytest.Config) -> None:
        try:
            self.ready = ReadySession.build(_options(config), Path.cwd())
        except ConfigError as exc:
            raise pytest.UsageError(str(exc)) from None
        self.ready.announce = self._announce
        self.config = config
        config.stash[session_key] = self.ready
        self.results = Results()
        self.linked: dict[str, list[pytest.Item]] = {}
        self.prefetched = False
        _prefer_xunit1(config)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        """Under xdist, run the whole session on one worker, in collection order.

        Items decide from their linked tests' outcomes, which only the worker that ran
        them knows; the probes themselves run concurrently inside that worker.
        """
        from pytest_biothings_ready.xdist_support import single_worker_scheduler

        return single_worker_scheduler(config, log)

    def _announce(self, message: str) -> None:
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        capture = self.config.pluginmanager.get_plugin("capturemanager")
        if terminal is None or capture is None:
            return
        with capture.global_and_fixture_disabled():
            terminal.write_line(message)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Add one item per checklist line after the team's tests; link ready.item tests."""
        linked = [item for item in items if item.get_closest_marker(ITEM_MARKER)]
        for item in linked:
            self._link(item)
        checklist = ChecklistFile.from_parent(
            session, path=self.ready.checklist.path, nodeid=self.ready.checklist.path.name
        )
        checklist.ready = self.ready
        ready_items: list[pytest.Item] = [
            node for section in checklist.collect() for node in section.collect()
        ]
        # Announce them like collected items, so "collected N items" counts them.
        session.ihook.pytest_collectreport(
            report=pytest.CollectReport(checklist.nodeid, "passed", None, list(ready_items))
        )
        others = [item for item in items if item not in linked]
        items[:] = others + linked + ready_items

    def _link(self, item: pytest.Item) -> None:
        for mark in item.iter_markers(ITEM_MARKER):
            ref = mark.args[0] if mark.args else ""
            try:
                entry = find_item(str(ref), self.ready.checklist, f"{item.nodeid}: ready.item")
            except ConfigError as exc:
                raise pytest.UsageError(str(exc)) from None
            self.linked.setdefault(entry.id, []).append(item)
            item.add_marker(entry.marker)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Before the first checklist item: start gathering all evidence concurrently."""
        if isinstance(item, ReadyItem) and not self.prefetched:
            self.prefetched = True
            from pytest_biothings_ready.probes.load.process import set_progress_sink

            set_progress_sink(self._announce)  # long load runs report every few seconds
            self.ready.judge.expected_linked = {
                item_id: [node.nodeid for node in nodes] for item_id, nodes in self.linked.items()
            }
            entries = [i.entry for i in item.session.items if isinstance(i, ReadyItem)]
            self.ready.prefetch(entries)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Secrets and a target's control characters never leave, in any report field.

        Checklist items need nothing: their evidence was cleaned when decided and
        their findings render from it (ReadyItem._repr_failure_py).
        """
        report = yield
        if not isinstance(item, ReadyItem):
            _clean_report(report, self.ready.redact)
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Record linked-test outcomes and checklist results."""
        props = dict(report.user_properties)
        if "ready_status" in props and report.when == "teardown":
            self.results.add(ItemResult.from_properties(props, report.nodeid))
        for item_id, nodes in self.linked.items():
            if any(node.nodeid == report.nodeid for node in nodes):
                self._record_linked(item_id, report)

    def _record_linked(self, item_id: str, report: pytest.TestReport) -> None:
        status = _linked_status(report)
        if status is None:
            return
        message = clean(_short(report), self.ready.redact)
        outcomes = self.ready.judge.linked.setdefault(item_id, [])
        outcomes.append(LinkedOutcome(report.nodeid, status, message))

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Stop the demo; write testsuite properties and the --ready-report file.

        Each step is guarded: whatever one of them raises, the JUnit record (written
        by pytest after this hook) is still written, and the failure is announced.
        """
        for step in (self._stop, self._suite_properties, self._report):
            try:
                step()
            except Exception as exc:  # the record must survive our own bugs
                self._announce(
                    clean(
                        f"biothings-ready: {step.__name__[1:]} failed: {exc!r}", self.ready.redact
                    )
                )

    def _stop(self) -> None:
        self.ready.close()
        if self.prefetched:
            from pytest_biothings_ready.probes.load.process import set_progress_sink

            set_progress_sink(None)

    def _suite_properties(self) -> None:
        xml = _junit_writer(self.config)
        if xml is None:
            return
        for name, value in self.ready.suite_properties():
            xml.add_global_property(name, clean(str(value), self.ready.redact))
        # record_testsuite_property() values from the team's tests, too
        xml.global_properties[:] = [
            (name, clean(str(value), self.ready.redact)) for name, value in xml.global_properties
        ]

    def _report(self) -> None:
        if self.ready.options.report and self.results:
            from pytest_biothings_ready.record.write import write_report

            write_report(Path(self.ready.options.report), self.ready, self.results)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """A table of statuses per section."""
        if self.results:
            from pytest_biothings_ready.record.summary import summary_lines

            terminalreporter.write_sep("=", f"readiness: {self.ready.options.env}")
            for line in summary_lines(self.results):
                terminalreporter.write_line(line)


def _linked_status(report: pytest.TestReport) -> Status | None:
    if report.failed:
        return Status.FAILED if report.when == "call" else Status.ERROR
    if report.skipped:
        return Status.UNVERIFIED
    return Status.PASSED if report.when == "call" else None


def _short(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    text = str(report.longrepr or "").strip().splitlines()
    return text[-1] if text else ""


def _clean_report(report: pytest.TestReport, redact: Redactor) -> None:
    """Redact and neutralise every text a report carries to the XML and the terminal.

    A skip's longrepr stays a (path, line, reason) tuple: pytest's ``-rs`` summary
    and junitxml need that shape (a string there was an INTERNALERROR).
    """
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        report.longrepr = (longrepr[0], longrepr[1], clean(str(longrepr[2]), redact))
    elif longrepr is not None:
        text = str(longrepr)
        cleaned = clean(text, redact)
        if cleaned != text:
            report.longrepr = cleaned
    if isinstance(getattr(report, "wasxfail", None), str):
        report.wasxfail = clean(report.wasxfail, redact)
    report.sections = [(title, clean(content, redact)) for title, content in report.sections]
    report.user_properties = [
        (name, _clean_value(value, redact)) for name, value in report.user_properties
    ]


def _clean_value(value: object, redact: Redactor) -> object:
    text = str(value)
    cleaned = clean(text, redact)
    return value if cleaned == text else cleaned


def _junit_writer(config: pytest.Config) -> Any:
    from _pytest.junitxml import xml_key

    return config.stash.get(xml_key, None)


def _prefer_xunit1(config: pytest.Config) -> None:
    """Testcase properties are schema-valid only in xunit1, so the record uses it."""
    xml = _junit_writer(config)
    if xml is not None and xml.family == "xunit2":
        xml.family = "xunit1"
