"""``--ready-compare=PREVIOUS.xml``: what changed since the last sign-off.

:func:`read_record` reads a previous JUnit record (defensively: no DTDs or entities,
a size bound, clear errors for a file that is not XML or not a readiness record);
:func:`compare` lines it up with this run's results by item id.  Changes come in a
fixed order: regressions (passed before, not now), fixes, new waivers, waivers that
ended, attestations that expired or no longer cover their document, lines added to
and removed from the checklist, then any other change of status.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pytest_biothings_ready.checklist.model import Checklist
from pytest_biothings_ready.errors import ConfigError
from pytest_biothings_ready.record.results import ItemResult

__all__ = ["KINDS", "Change", "Comparison", "PreviousLine", "PreviousRecord", "compare"]
__all__ += ["read_record"]

MAX_BYTES = 256 * 1024 * 1024
NEW = "new"
# kind -> heading, in the order every report lists them
KINDS: tuple[tuple[str, str], ...] = (
    ("regression", "Regressions (passed before, not now)"),
    ("fixed", "Fixed (passing now, not before)"),
    ("waiver_new", "New waivers"),
    ("waiver_ended", "Waivers expired or removed"),
    ("attestation_lapsed", "Attestations expired or invalidated"),
    ("added", "Lines added to the checklist"),
    ("removed", "Lines removed from the checklist"),
    ("changed", "Other changes of status"),
)
_LAPSED = ("attestation expired", "attestation no longer covers")
_NOT_PASSING = {"failed", "error", "unverified", "waived"}


@dataclass(frozen=True)
class PreviousLine:
    """One testcase of the previous record (its ``ready_*`` properties)."""

    id: str
    title: str
    status: str
    evidence: str = ""


@dataclass(frozen=True)
class PreviousRecord:
    """A previous sign-off record.

    Attributes:
        path: the file.
        env: its ``ready_env``.
        checklist_sha256: its ``ready_checklist_sha256``.
        finished_at: its ``ready_finished_at`` (or started_at).
        lines: by item id.
        sha256: hex digest of the file, for the new record.
    """

    path: Path
    env: str
    checklist_sha256: str
    finished_at: str
    lines: Mapping[str, PreviousLine] = field(default_factory=dict)
    sha256: str = ""

    def status_of(self, item_id: str) -> str:
        """``ready_previous_status`` of an item: its status then, or ``new``."""
        line = self.lines.get(item_id)
        return line.status if line else NEW


def read_record(path: Path, where: str = "--ready-compare") -> PreviousRecord:
    """Parse a previous record (or the record of an intact bundle); ConfigError says why not."""
    if not path.is_file():
        what = "a folder, not a record" if path.is_dir() else "no such file"
        raise ConfigError(f"{where}={path}: {what}")
    if zipfile.is_zipfile(path):
        data = _bundled_record(path, where)
    elif path.stat().st_size > MAX_BYTES:
        raise ConfigError(f"{where}={path}: {path.stat().st_size} bytes is too large for a record")
    else:
        data = path.read_bytes()
    return _parse(data, path, where)


def _bundled_record(path: Path, where: str) -> bytes:
    """``record.xml`` of the bundle ``path``, once the bundle verifies intact."""
    from pytest_biothings_ready.bundle.archive import INTACT, verify_archive

    result = verify_archive(path)
    if result.code != INTACT:
        raise ConfigError(
            f"{where}={path}: a zip that is not an intact evidence bundle: "
            + "; ".join(result.problems)
        )
    with zipfile.ZipFile(path) as archive:
        return archive.read("record.xml")


def _parse(data: bytes, path: Path, where: str) -> PreviousRecord:
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{where}={path}: {len(data)} bytes is too large for a record")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ConfigError(f"{where}={path}: DTDs and entities are refused in a record")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ConfigError(f"{where}={path}: not XML ({exc}); pass a --junitxml record") from None
    if root.tag not in ("testsuites", "testsuite"):
        raise ConfigError(
            f"{where}={path}: not a JUnit record (root element <{root.tag}>); "
            "pass the file a previous run wrote with --junitxml"
        )
    lines = _lines(root)
    if not lines:
        hint = (
            "; it has no testcase properties at all: was it written with junit_family=xunit2?"
            if root.find(".//testcase/properties") is None and root.find(".//testcase") is not None
            else ""
        )
        raise ConfigError(
            f"{where}={path}: a JUnit file but not a readiness record (no testcase has a "
            f"ready_id property); pass the --junitxml of a previous --ready-env run{hint}"
        )
    suite = _suite_properties(root)
    return PreviousRecord(
        path=path,
        env=suite.get("ready_env", "?"),
        checklist_sha256=suite.get("ready_checklist_sha256", ""),
        finished_at=suite.get("ready_finished_at") or suite.get("ready_started_at", "?"),
        lines=lines,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _properties(element: ET.Element) -> dict[str, str]:
    block = element.find("properties")
    if block is None:
        return {}
    return {str(p.get("name")): str(p.get("value", "")) for p in block.iter("property")}


def _suite_properties(root: ET.Element) -> dict[str, str]:
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    merged: dict[str, str] = {}
    for suite in suites:
        merged.update({k: v for k, v in _properties(suite).items() if k.startswith("ready_")})
    return merged


def _lines(root: ET.Element) -> dict[str, PreviousLine]:
    lines = {}
    for case in root.iter("testcase"):
        props = _properties(case)
        item_id = props.get("ready_id")
        if item_id:
            lines[item_id] = PreviousLine(
                item_id,
                props.get("ready_title", ""),
                props.get("ready_status", "?"),
                props.get("ready_evidence", ""),
            )
    return lines


@dataclass(frozen=True)
class Change:
    """One line that differs between the previous record and this run."""

    kind: str
    id: str
    title: str
    before: str
    after: str
    before_evidence: str = ""
    after_evidence: str = ""


@dataclass(frozen=True)
class Comparison:
    """This run against a previous record.

    Attributes:
        previous: the previous record.
        header: one line saying what is compared with what.
        notes: warnings (other environment, other checklist).
        changes: in :data:`KINDS` order.
    """

    previous: PreviousRecord
    header: str
    notes: tuple[str, ...]
    changes: tuple[Change, ...]

    def of_kind(self, kind: str) -> list[Change]:
        return [change for change in self.changes if change.kind == kind]


def compare(
    previous: PreviousRecord,
    results: Iterable[ItemResult],
    checklist: Checklist,
    env: str,
) -> Comparison:
    """Line up ``results`` (this run) with ``previous`` by item id."""
    found: list[Change] = []
    for result in results:
        before = previous.lines.get(result.id)
        found += _changes(result, before)
    for item_id, line in previous.lines.items():
        if item_id not in checklist.items:
            found.append(Change("removed", item_id, line.title, line.status, "", line.evidence))
    order = {kind: index for index, (kind, _) in enumerate(KINDS)}
    changes = tuple(sorted(found, key=lambda c: order[c.kind]))
    return Comparison(previous, _header(previous, env), _notes(previous, checklist, env), changes)


def _changes(result: ItemResult, before: PreviousLine | None) -> list[Change]:
    def change(kind: str) -> Change:
        return Change(
            kind,
            result.id,
            result.title,
            before.status if before else NEW,
            result.status,
            before.evidence if before else "",
            result.evidence,
        )

    if before is None:
        return [change("added")]
    now, then = result.status, before.status
    kinds = []
    if then == "passed" and now in _NOT_PASSING:
        kinds.append("regression")
    elif now == "passed" and then in _NOT_PASSING:
        kinds.append("fixed")
    if now == "waived" and then != "waived":
        kinds.append("waiver_new")
    if then == "waived" and now != "waived":
        kinds.append("waiver_ended")
    if _lapsed(result.evidence) and not _lapsed(before.evidence):
        kinds.append("attestation_lapsed")
    if not kinds and now != then:
        kinds.append("changed")
    return [change(kind) for kind in kinds]


def _lapsed(evidence: str) -> bool:
    return any(marker in evidence for marker in _LAPSED)


def _header(previous: PreviousRecord, env: str) -> str:
    what = f"{env} against {previous.path.name} ({previous.env}, {previous.finished_at})"
    if previous.env != env:
        return f"{what}: across environments, {previous.env}'s record vs {env}'s run"
    return what


def _notes(previous: PreviousRecord, checklist: Checklist, env: str) -> tuple[str, ...]:
    notes = []
    if previous.checklist_sha256 and previous.checklist_sha256 != checklist.sha256:
        notes.append(
            f"the previous record was made from another checklist (sha256 "
            f"{previous.checklist_sha256[:12]}... vs {checklist.sha256[:12]}...): "
            "lines are compared by item id"
        )
    elif not previous.checklist_sha256:
        notes.append("the previous record names no checklist sha256: compared by item id")
    if previous.env != env:
        notes.append(f"environments differ: previous {previous.env}, now {env}")
    return tuple(notes)
