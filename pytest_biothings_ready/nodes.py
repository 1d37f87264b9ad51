"""pytest nodes for the checklist: file -> section -> one item per checkbox line.

Modelled on pytest's non-Python collection example: ``runtest`` raises a
:class:`Finding` and ``repr_failure`` renders it as plain lines, no traceback.  An
item that could not be probed raises during setup, so JUnit records an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from _pytest._code.code import ReprFileLocation, TerminalRepr

from pytest_biothings_ready.api import STATIC_MARKER
from pytest_biothings_ready.checklist.topics import markers_for
from pytest_biothings_ready.deploy.lines import is_static_item
from pytest_biothings_ready.model import PLUGIN_BUG, Status, Verdict
from pytest_biothings_ready.record.summary import one_line
from pytest_biothings_ready.redact import clean

if TYPE_CHECKING:
    from pytest_biothings_ready.checklist.model import ChecklistItem
    from pytest_biothings_ready.session import ReadySession

__all__ = [
    "ChecklistFile",
    "ChecklistSection",
    "Finding",
    "FindingRepr",
    "ReadyItem",
    "session_key",
    "unrun_reports",
]

DOCS = "docs/checklist.md"

# The run's ReadySession on ``config.stash`` (here, not in plugin.py: hooks.py needs it).
session_key = pytest.StashKey["ReadySession"]()


class FindingRepr(TerminalRepr):
    """Plain lines for the terminal; ``reprcrash`` feeds ``--tb=line`` and ``-r``."""

    def __init__(self, lines: list[str], crash: ReprFileLocation) -> None:
        self.lines = lines
        self.reprcrash = crash

    def toterminal(self, tw: Any) -> None:
        for line in self.lines:
            tw.line(line)


class Finding(Exception):
    """A checklist item that did not pass; carries its verdict."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.evidence)
        self.verdict = verdict


class ChecklistFile(pytest.File):
    """The checklist Markdown file; collects its sections."""

    ready: ReadySession

    def collect(self) -> Iterator[ChecklistSection]:
        for name in self.ready.checklist.sections():
            yield ChecklistSection.from_parent(self, name=name)


class ChecklistSection(pytest.Collector):
    """One ``###`` section; collects its lines."""

    def collect(self) -> Iterator[ReadyItem]:
        ready = self.parent.ready  # type: ignore[union-attr]
        for entry in ready.checklist:
            if entry.section == self.name:
                yield ReadyItem.from_parent(self, name=entry.id, entry=entry)


class ReadyItem(pytest.Item):
    """One checklist line as a test."""

    def __init__(self, *, entry: ChecklistItem, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entry = entry
        self.verdict: Verdict | None = None
        for marker in markers_for(entry):  # area, then topics (checklist/topics.py)
            self.add_marker(marker)
        if _is_smoke(entry):
            self.add_marker("ready_smoke")
        if is_static_item(entry):  # the repository can answer it (repository mode)
            self.add_marker(STATIC_MARKER)

    @property
    def ready(self) -> ReadySession:
        return self.parent.parent.ready  # type: ignore[union-attr, no-any-return]

    def setup(self) -> None:
        """Decide the item; an item that could not be probed errors here.

        Whatever deciding raises, the item keeps its record properties: a crash in
        the plugin's own code is an ``error`` with reason "plugin bug" and its trace.
        """
        try:
            verdict = self.ready.judge.decide(self.entry)
        except Exception as exc:
            verdict = Verdict.plugin_bug(f"deciding {self.entry.id}", exc)
        redact = self.ready.redact
        self.verdict = verdict.with_text(lambda text: clean(text, redact))
        self.user_properties.extend(_properties(self.entry, self.verdict))
        previous = self.ready.governance.previous_status(self.entry.id)
        if previous is not None:  # --ready-compare (record/compare.py)
            self.user_properties.append(("ready_previous_status", previous))
        if self.verdict.status is Status.ERROR:
            raise Finding(self.verdict)

    def runtest(self) -> None:
        """Pass, fail or skip on the verdict decided in setup."""
        verdict = self.verdict
        assert verdict is not None
        if verdict.status is Status.PASSED:
            return
        if verdict.status in (Status.WAIVED, Status.NOT_APPLICABLE):
            pytest.skip(f"{verdict.status}: {verdict.evidence}")
        if verdict.status is Status.UNVERIFIED and self.ready.options.allow_unverified:
            pytest.skip(f"unverified (--ready-allow-unverified): {verdict.evidence}")
        raise Finding(verdict)

    def _repr_failure_py(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> Any:
        """Setup errors render like findings: no Python traceback is built and dropped."""
        if isinstance(excinfo.value, Finding):
            return self.repr_failure(excinfo)
        return super()._repr_failure_py(excinfo, style)

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> FindingRepr | str:
        """The finding as an auditor reads it: status, line, where, evidence."""
        if not isinstance(excinfo.value, Finding):
            return clean(str(super().repr_failure(excinfo)), self.ready.redact)
        verdict, entry = excinfo.value.verdict, self.entry
        # The short summary's FAILED/ERROR line: one line, the full evidence is below.
        headline = f"{verdict.status.value.upper()}: {one_line(verdict.evidence)}"
        lines = [
            f"{verdict.status.value.upper()}: {entry.title}",
            f"  item:     {entry.id}  [{entry.marker}]",
            f"  section:  {entry.section}",
            f"  decided:  {verdict.method}",
            f"  evidence: {verdict.evidence}",
            f"  catalog:  {DOCS} ({entry.section})",
        ]
        if verdict.error_reason:
            lines.insert(4, f"  reason:   {verdict.error_reason}")
        crash = ReprFileLocation(str(self.ready.checklist.path), entry.line, headline)
        return FindingRepr(lines, crash)

    def add_report_section(self, when: str, key: str, content: str) -> None:
        """Output captured while the line was decided (gatherer threads print too), cleaned."""
        super().add_report_section(when, key, clean(content, self.ready.redact))

    def reportinfo(self) -> tuple[Any, int, str]:
        return (
            self.ready.checklist.path,
            self.entry.line - 1,
            f"[{self.entry.area}] {self.entry.title}",
        )


def unrun_reports(item: ReadyItem, why: str) -> list[pytest.TestReport]:
    """Setup and teardown reports for a line the session stopped before deciding.

    The record must hold every line: such a line is ``error`` ("not decided: ...")
    rather than missing from the JUnit XML.
    """
    verdict = Verdict(Status.ERROR, f"not decided: the session stopped before this line ({why})")
    props = _properties(item.entry, verdict)
    location = item.location
    common: dict[str, Any] = {"keywords": {item.name: 1}, "sections": [], "duration": 0.0}
    setup = pytest.TestReport(
        item.nodeid, location, outcome="failed", longrepr=f"ERROR: {verdict.evidence}",
        when="setup", user_properties=props, **common,
    )  # fmt: skip
    teardown = pytest.TestReport(
        item.nodeid, location, outcome="passed", longrepr=None, when="teardown",
        user_properties=props, **common,
    )  # fmt: skip
    return [setup, teardown]


def _is_smoke(entry: ChecklistItem) -> bool:
    from pytest_biothings_ready.evidence.registry import checks_for

    return any(check.smoke for check in checks_for(entry))


def _properties(entry: ChecklistItem, verdict: Verdict) -> list[tuple[str, str]]:
    props = [
        ("ready_id", entry.id),
        ("ready_title", entry.title),
        ("ready_section", entry.section),
        ("ready_area", entry.area),
        ("ready_status", verdict.status.value),
        ("ready_method", verdict.method.value),
        ("ready_evidence", verdict.evidence),
    ]
    if verdict.error_reason:
        props.append(("ready_error_reason", verdict.error_reason))
    if verdict.error_reason == PLUGIN_BUG and verdict.error_trace:
        props.append(("ready_error_trace", verdict.error_trace))
    return props
