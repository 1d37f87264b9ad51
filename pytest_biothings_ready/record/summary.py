"""The terminal summary: one row per section with counts per status, and the verdict.

The verdict is one line a release manager reads at a glance: ``READY`` or
``NOT READY: N failed, N error, N unverified``.  Waived and not-applicable lines
never block; unverified lines block unless ``--ready-allow-unverified`` skipped them,
and then the line says so.  The same line heads the Markdown and HTML reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pytest_biothings_ready.model import Status
from pytest_biothings_ready.record.results import ItemResult, Results

__all__ = [
    "ALLOW_FLAG",
    "COLUMNS",
    "RunVerdict",
    "count_statuses",
    "one_line",
    "run_verdict",
    "selection_text",
    "summary_lines",
    "terminal_lines",
]

ALLOW_FLAG = "--ready-allow-unverified"

COLUMNS: tuple[tuple[Status, str], ...] = (
    (Status.PASSED, "passed"),
    (Status.FAILED, "failed"),
    (Status.ERROR, "error"),
    (Status.WAIVED, "waived"),
    (Status.NOT_APPLICABLE, "n.a."),
    (Status.UNVERIFIED, "unverified"),
)


@dataclass(frozen=True)
class RunVerdict:
    """The run in one line.

    Attributes:
        ready: nothing failed, errored or (unless allowed) stayed unverified.
        failed, error, unverified: the counts of the blocking statuses.
        allow_unverified: the run was made with ``--ready-allow-unverified``.
        selection: the ``-m``/``-k`` expressions that narrowed the run ("" for none).
        compare: the ``--ready-compare`` record the run was compared with ("" for none).
    """

    ready: bool
    failed: int
    error: int
    unverified: int
    allow_unverified: bool = False
    selection: str = ""
    compare: str = ""

    @property
    def headline(self) -> str:
        """``READY`` or ``NOT READY``."""
        return "READY" if self.ready else "NOT READY"

    @property
    def flags(self) -> tuple[str, ...]:
        """The command-line flags that changed what the verdict covers."""
        flags = [ALLOW_FLAG] if self.allow_unverified else []
        flags += [f"--ready-compare={self.compare}"] if self.compare else []
        return (*flags, *([self.selection] if self.selection else []))

    def line(self) -> str:
        """The one-line verdict."""
        hidden = self.allow_unverified and self.unverified > 0
        if self.ready:
            text = "READY"
            if hidden:
                text += f" with {ALLOW_FLAG}: {self.unverified} unverified lines skipped"
        else:
            text = (
                f"NOT READY: {self.failed} failed, {self.error} error, {self.unverified} unverified"
            )
            if hidden:
                text += f" (unverified skipped by {ALLOW_FLAG})"
        return text + (f" [selection: {self.selection}]" if self.selection else "")


def count_statuses(results: Iterable[ItemResult]) -> dict[str, int]:
    """How many lines have each status (every status present, zeros included)."""
    counts = {status.value: 0 for status in Status}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return counts


def run_verdict(
    results: Iterable[ItemResult],
    allow_unverified: bool = False,
    selection: str = "",
    compare: str = "",
) -> RunVerdict:
    """Fold the recorded lines into the run's verdict."""
    counts = count_statuses(results)
    failed, error, unverified = (counts[s] for s in ("failed", "error", "unverified"))
    blocking = failed + error + (0 if allow_unverified else unverified)
    return RunVerdict(
        blocking == 0, failed, error, unverified, allow_unverified, selection, compare
    )


def selection_text(markexpr: str | None, keyword: str | None) -> str:
    """``-m EXPR -k EXPR`` as given, for the verdict ("" when the whole suite ran)."""
    parts = [f"{flag} {expr!r}" for flag, expr in (("-m", markexpr), ("-k", keyword)) if expr]
    return " ".join(parts)


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


def terminal_lines(results: Results, verdict: RunVerdict) -> list[tuple[str, dict[str, bool]]]:
    """The table, then the verdict (bold, green or red), with their terminal markup."""
    colour = {"green": True} if verdict.ready else {"red": True}
    return [(line, {}) for line in summary_lines(results)] + [
        (verdict.line(), {"bold": True, **colour})
    ]


def _cells(row: Mapping[str, int]) -> str:
    return "".join(f"{row.get(status.value, 0) or '-':>11}" for status, _ in COLUMNS)


def one_line(text: str, limit: int = 120) -> str:
    """``text`` on one line (whitespace folded), cut to ``limit`` characters."""
    folded = " ".join(text.split())
    return folded if len(folded) <= limit else folded[: limit - 1].rstrip() + "…"
