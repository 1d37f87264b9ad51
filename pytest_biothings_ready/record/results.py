"""Checklist results as the reporting side sees them (from test reports' properties).

Built from the ``ready_*`` properties of each report, so the same code serves a
serial run and an xdist controller that never ran an item itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

__all__ = ["ItemResult", "Results"]


@dataclass(frozen=True)
class ItemResult:
    """One checklist line's outcome, as recorded.

    Attributes:
        id, title, section, area, status, method, evidence: the ``ready_*`` properties.
        nodeid: the pytest node id.
        previous_status: ``ready_previous_status`` (``--ready-compare``), "" without one.
        error_reason: ``ready_error_reason`` ("plugin bug" when the plugin crashed).
        error_trace: ``ready_error_trace``, the traceback of such a crash (for the
            evidence bundle; reports show the short evidence only).
        previous_status: ``ready_previous_status`` with ``--ready-compare`` ("" without).
    """

    id: str
    title: str
    section: str
    area: str
    status: str
    method: str
    evidence: str
    nodeid: str = ""
    error_reason: str = ""
    error_trace: str = ""
    previous_status: str = ""

    @classmethod
    def from_properties(cls, props: Mapping[str, object], nodeid: str) -> ItemResult:
        def get(name: str) -> str:
            return str(props.get(f"ready_{name}", ""))

        return cls(
            get("id"),
            get("title"),
            get("section"),
            get("area"),
            get("status"),
            get("method"),
            get("evidence"),
            nodeid,
            get("error_reason"),
            get("error_trace"),
            previous_status=get("previous_status"),  # --ready-compare (record/compare.py)
        )


@dataclass
class Results:
    """Results by item id, in the order they arrived."""

    by_id: dict[str, ItemResult] = field(default_factory=dict)

    def add(self, result: ItemResult) -> None:
        self.by_id[result.id] = result

    def __iter__(self) -> Iterator[ItemResult]:
        return iter(self.by_id.values())

    def __bool__(self) -> bool:
        return bool(self.by_id)

    def get(self, item_id: str) -> ItemResult | None:
        return self.by_id.get(item_id)
