"""The terminal summary: one row per section with counts per status."""

from __future__ import annotations

from pytest_biothings_ready.model import Status
from pytest_biothings_ready.record.results import Results

__all__ = ["COLUMNS", "summary_lines"]

COLUMNS: tuple[tuple[Status, str], ...] = (
    (Status.PASSED, "passed"),
    (Status.FAILED, "failed"),
    (Status.ERROR, "error"),
    (Status.WAIVED, "waived"),
    (Status.NOT_APPLICABLE, "n.a."),
    (Status.UNVERIFIED, "unverified"),
)


def summary_lines(results: Results) -> list[str]:
    """Aligned text rows: a header, one row per section, a total."""
    counts: dict[str, dict[str, int]] = {}
    for result in results:
        row = counts.setdefault(result.section, {})
        row[result.status] = row.get(result.status, 0) + 1
    width = max([len(s) for s in counts] + [len("section"), len("total")])
    header = "section".ljust(width) + "".join(f"{label:>11}" for _, label in COLUMNS)
    lines = [header]
    total: dict[str, int] = {}
    for section, row in counts.items():
        lines.append(section.ljust(width) + _cells(row))
        for status, count in row.items():
            total[status] = total.get(status, 0) + count
    lines.append("total".ljust(width) + _cells(total))
    return lines


def _cells(row: dict[str, int]) -> str:
    return "".join(f"{row.get(status.value, 0) or '-':>11}" for status, _ in COLUMNS)
