"""The team's linked tests in the record: their testcase properties and failure evidence.

A test linked with ``@ready.item(...)`` is evidence for a checklist line, so its own
JUnit testcase carries the line's ``ready_id``, ``ready_title``, ``ready_section``,
``ready_method = linked_test`` and, once the session has decided, the line's
``ready_status``.  When it fails, the evidence is the exception's message at the test's
own ``file:line``, not the library frame where the exception was raised.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.record.summary import one_line

if TYPE_CHECKING:
    import pytest

    from pytest_biothings_ready.checklist.model import ChecklistItem
    from pytest_biothings_ready.record.results import Results

__all__ = ["failure_message", "linked_properties", "stamp_linked_testcases"]


def linked_properties(entry: ChecklistItem) -> list[tuple[str, str]]:
    """The ``ready_*`` properties of a testcase linked to ``entry`` (status comes later)."""
    return [
        ("ready_id", entry.id),
        ("ready_title", entry.title),
        ("ready_section", entry.section),
        ("ready_method", "linked_test"),
    ]


def failure_message(
    item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException], root: Path
) -> str:
    """``path:line: Type: message`` at the last frame in the test's own file."""
    exc = excinfo.value
    lines = str(exc).strip().splitlines()
    message = one_line(lines[0]) if lines else ""
    where = _own_frame(item, excinfo, root)
    kind = type(exc).__name__
    return f"{where}: {kind}: {message}" if message else f"{where}: {kind}"


def _own_frame(item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException], root: Path) -> str:
    own = Path(item.path).resolve()
    for entry in reversed(excinfo.traceback):
        if Path(entry.path).resolve() == own:
            return f"{_relative(own, root)}:{entry.lineno + 1}"
    path, line, _ = item.location
    return f"{path}:{(line or 0) + 1}"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def stamp_linked_testcases(xml: Any, results: Results) -> None:
    """Write each linked testcase's final ``ready_status``: the status of its line.

    A line that was not decided in this session (deselected, interrupted) is
    ``unverified``: the test's own pass says nothing about the line.  junitxml freezes
    a testcase's element at its teardown, before the lines are decided; the frozen
    element is still reachable and is updated in place.
    """
    for reporter in getattr(xml, "node_reporters_ordered", ()):
        case = reporter.to_xml()
        props = {p.get("name"): p for p in case.iter("property")}
        if "ready_id" not in props or props.get("ready_method") is None:
            continue
        if props["ready_method"].get("value") != "linked_test" or "ready_status" not in props:
            continue
        result = results.get(str(props["ready_id"].get("value")))
        props["ready_status"].set("value", result.status if result else "unverified")
