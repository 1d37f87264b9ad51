"""The hooks of an active readiness run (registered by plugin.py with --ready-env)."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from pytest_biothings_ready.api import ITEM_MARKER
from pytest_biothings_ready.checklist.lookup import find_item
from pytest_biothings_ready.checklist.topics import markers_for
from pytest_biothings_ready.errors import ConfigError
from pytest_biothings_ready.model import Status
from pytest_biothings_ready.nodes import ChecklistFile, ReadyItem, session_key
from pytest_biothings_ready.record.linked import (
    failure_message,
    linked_properties,
    stamp_linked_testcases,
)
from pytest_biothings_ready.record.results import ItemResult, Results
from pytest_biothings_ready.record.summary import (
    RunVerdict,
    run_verdict,
    selection_text,
    terminal_lines,
)
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
        compare=config.getoption("ready_compare"),
        bundle=config.getoption("ready_bundle"),
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
        self.messages: dict[tuple[str, str], str] = {}  # linked failures: (nodeid, when)
        self.prefetched = False
        self.announced = False  # the active-traffic announcement, under xdist
        _prefer_xunit1(config)
        if self.ready.options.bundle and not hasattr(config, "workerinput"):  # controller only
            from pytest_biothings_ready.governance_hooks import BundleWriter

            config.pluginmanager.register(BundleWriter(self), "biothings-ready-bundle")

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        """Repository mode: the deploy entry points found and what they reach."""
        from pytest_biothings_ready.deploy.header import deploy_header

        return [clean(line, self.ready.redact) for line in deploy_header(self.ready.env)]

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        """Under xdist, run the whole session on one worker, in collection order.

        Items decide from their linked tests' outcomes, which only the worker that ran
        them knows; the probes themselves run concurrently inside that worker.
        """
        from pytest_biothings_ready.xdist_support import single_worker_scheduler

        return single_worker_scheduler(config, log)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """Under xdist the controller collects nothing: announce from a worker's ids.

        Only for a configured environment: the demo starts on the worker, unseen here.
        """
        if self.announced or self.ready.env is None:
            return
        self.announced = True
        from pytest_biothings_ready.evidence.traffic import announce_entries

        items = self.ready.checklist.items
        entries = [items[i] for i in (nodeid.rsplit("::", 1)[-1] for nodeid in ids) if i in items]
        for line in announce_entries(self.ready.env, entries, self.ready.redact):
            self._announce(line)

    def _announce(self, message: str) -> None:
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        capture = self.config.pluginmanager.get_plugin("capturemanager")
        if terminal is None or capture is None:
            return
        with capture.global_and_fixture_disabled():
            terminal.write_line(clean(message, self.ready.redact))

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
            for marker in markers_for(entry):
                item.add_marker(marker)
            item.user_properties.extend(linked_properties(entry))

    def pytest_report_collectionfinish(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> list[str]:
        """Before any probe, on their own lines: start the demo, announce active traffic."""
        entries = [item.entry for item in items if isinstance(item, ReadyItem)]
        if not entries or config.getoption("collectonly"):
            return []
        from pytest_biothings_ready.evidence.traffic import announce_entries

        try:
            env = self.ready.environment()
        except Exception as exc:  # the first item's setup reports it as an error
            message = f"biothings-ready: the environment could not be prepared: {exc}"
            return [clean(message, self.ready.redact)]
        return announce_entries(env, entries, self.ready.redact)

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
            if call.excinfo is not None and report.failed and item.get_closest_marker(ITEM_MARKER):
                message = failure_message(item, call.excinfo, self.config.rootpath)
                self.messages[(report.nodeid, report.when)] = message
            _clean_report(report, self.ready.redact)
        return report

    @pytest.hookimpl(tryfirst=True)  # before junitxml closes the testcase
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Record linked-test outcomes and checklist results."""
        props = dict(report.user_properties)
        if "ready_status" in props and report.when == "teardown":
            self.results.add(ItemResult.from_properties(props, report.nodeid))
        for item_id, nodes in self.linked.items():
            if any(node.nodeid == report.nodeid for node in nodes):
                self._record_linked(item_id, report)
        linked_case = props.get("ready_method") == "linked_test" and "ready_status" not in props
        if report.when == "teardown" and linked_case:  # xdist: the worker already added it
            # provisional: the test's own outcome; sessionfinish writes the line's status
            own = self.ready.judge.linked_status(report.nodeid)
            report.user_properties.append(("ready_status", own.value))

    def _record_linked(self, item_id: str, report: pytest.TestReport) -> None:
        status = _linked_status(report)
        if status is None:
            return
        own = self.messages.get((report.nodeid, report.when), "")
        message = clean(own or _short(report), self.ready.redact)
        outcomes = self.ready.judge.linked.setdefault(item_id, [])
        outcomes.append(LinkedOutcome(report.nodeid, status, message))

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        """A module-level skip or a collection error carries no secret or control bytes."""
        report = yield
        _clean_longrepr(report, self.ready.redact)
        report.sections = [
            (title, clean(text, self.ready.redact)) for title, text in report.sections
        ]
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Stop the demo; write testsuite properties and the --ready-report file.

        Each step is guarded: whatever one of them raises, the JUnit record (written
        by pytest after this hook) is still written, and the failure is announced.
        """
        self.session = session
        steps = (self._stop, self._unrun_lines, self._suite_properties, self._compare, self._report)
        for step in steps:
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

    def _unrun_lines(self) -> None:
        """Lines collected but never run (``pytest.exit``, ``-x``, Ctrl-C) become errors."""
        from pytest_biothings_ready.nodes import unrun_reports

        if self.config.option.collectonly:
            return
        why = str(self.session.shouldstop or self.session.shouldfail or "interrupted")
        xml = _junit_writer(self.config)
        for item in self.session.items:
            if isinstance(item, ReadyItem) and self.results.get(item.entry.id) is None:
                for report in unrun_reports(item, why):
                    if xml is not None:
                        xml.pytest_runtest_logreport(report)
                    self.pytest_runtest_logreport(report)

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
        stamp_linked_testcases(xml, self.results)

    def _compare(self) -> None:
        """--ready-compare: line this run up with the previous record (governance.py)."""
        self.ready.governance.finish(self.results, self.ready.checklist, self.ready.options.env)

    def _report(self) -> None:
        if self.ready.options.report and self.results:
            from pytest_biothings_ready.record.write import write_report

            write_report(Path(self.ready.options.report), self.ready, self.results, self.verdict())

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> Generator[None, None, None]:
        """Last, after pytest's short summary: the table per section and the verdict."""
        yield
        governance = self.ready.governance
        if governance.warnings or governance.comparison:
            from pytest_biothings_ready.record.changes import changes_terminal

            terminalreporter.write_sep("=", "readiness: sign-off governance")
            for line in changes_terminal(governance.comparison, governance.warnings):
                terminalreporter.write_line(line)
        if self.results:
            terminalreporter.write_sep("=", f"readiness: {self.ready.options.env}")
            for line, markup in terminal_lines(self.results, self.verdict()):
                terminalreporter.write_line(line, **markup)

    def verdict(self) -> RunVerdict:
        """The run's verdict on the lines recorded so far."""
        selection = selection_text(
            self.config.getoption("markexpr", None), self.config.getoption("keyword", None)
        )
        compare = str(self.config.getoption("ready_compare", None) or "")  # governance's
        return run_verdict(self.results, self.ready.options.allow_unverified, selection, compare)


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
    _clean_longrepr(report, redact)
    if isinstance(getattr(report, "wasxfail", None), str):
        report.wasxfail = clean(report.wasxfail, redact)
    report.sections = [(title, clean(content, redact)) for title, content in report.sections]
    report.user_properties = [
        (name, _clean_value(value, redact)) for name, value in report.user_properties
    ]


def _clean_longrepr(report: pytest.TestReport | pytest.CollectReport, redact: Redactor) -> None:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        report.longrepr = (longrepr[0], longrepr[1], clean(str(longrepr[2]), redact))
    elif longrepr is not None:
        text = str(longrepr)
        cleaned = clean(text, redact)
        if cleaned != text:
            report.longrepr = cleaned


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
