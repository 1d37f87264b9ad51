"""The team's tests marked ``ready.item``: which line each evidences, and their outcomes.

Bookkeeping for :class:`~pytest_biothings_ready.hooks.ReadyPlugin`: at collection a
linked test gets its line's markers and testcase properties; its failure message is
kept when its report is made; its outcome becomes a :class:`LinkedOutcome` the
``Judge`` folds into the line's verdict.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_biothings_ready.api import ITEM_MARKER
from pytest_biothings_ready.checklist.lookup import find_item
from pytest_biothings_ready.checklist.topics import markers_for
from pytest_biothings_ready.errors import ConfigError
from pytest_biothings_ready.model import Status
from pytest_biothings_ready.record.linked import failure_message, linked_properties
from pytest_biothings_ready.redact import clean
from pytest_biothings_ready.verdicts.engine import LinkedOutcome

if TYPE_CHECKING:
    from pytest_biothings_ready.session import ReadySession

__all__ = ["LinkedTests"]


class LinkedTests:
    """Linked tests by checklist item id, and the failure messages of their reports.

    Attributes:
        nodes: item id -> the tests linked to it, in collection order.
        messages: ``(nodeid, when)`` -> the failure message kept for a linked test.
    """

    def __init__(self, ready: ReadySession) -> None:
        self.ready = ready
        self.nodes: dict[str, list[pytest.Item]] = {}
        self.messages: dict[tuple[str, str], str] = {}

    def link(self, item: pytest.Item) -> None:
        """Link ``item`` to every line its ``ready.item`` marks name (UsageError if none)."""
        for mark in item.iter_markers(ITEM_MARKER):
            ref = mark.args[0] if mark.args else ""
            try:
                entry = find_item(str(ref), self.ready.checklist, f"{item.nodeid}: ready.item")
            except ConfigError as exc:
                raise pytest.UsageError(str(exc)) from None
            self.nodes.setdefault(entry.id, []).append(item)
            for marker in markers_for(entry):
                item.add_marker(marker)
            item.user_properties.extend(linked_properties(entry))

    def expected(self) -> dict[str, list[str]]:
        """Item id -> the node ids of its linked tests (what the Judge waits for)."""
        return {item_id: [node.nodeid for node in nodes] for item_id, nodes in self.nodes.items()}

    def keep_failure(
        self,
        item: pytest.Item,
        call: pytest.CallInfo[None],
        report: pytest.TestReport,
        rootpath: Path,
    ) -> None:
        """Keep the failure message of a failed linked test (before its report is cleaned)."""
        if call.excinfo is not None and report.failed and item.get_closest_marker(ITEM_MARKER):
            message = failure_message(item, call.excinfo, rootpath)
            self.messages[(report.nodeid, report.when)] = message

    def record(self, report: pytest.TestReport) -> None:
        """Hand a linked test's outcome to the Judge of every line it is linked to."""
        for item_id, nodes in self.nodes.items():
            if any(node.nodeid == report.nodeid for node in nodes):
                self._record(item_id, report)

    def _record(self, item_id: str, report: pytest.TestReport) -> None:
        status = _linked_status(report)
        if status is None:
            return
        own = self.messages.get((report.nodeid, report.when), "")
        message = clean(own or _short(report), self.ready.redact)
        outcomes = self.ready.judge.linked.setdefault(item_id, [])
        outcomes.append(LinkedOutcome(report.nodeid, status, message))


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
