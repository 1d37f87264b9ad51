"""The comparison and the policy warnings as the terminal, Markdown and HTML show them.

Every renderer lists the kinds of change in :data:`~.compare.KINDS` order
(regressions first), each line by item id with both evidence paragraphs.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from pytest_biothings_ready.record.compare import KINDS, Change, Comparison

__all__ = ["changes_html", "changes_markdown", "changes_terminal"]


def _arrow(change: Change) -> str:
    if change.kind == "removed":
        return f"{change.before} -> (removed)"
    return f"{change.before} -> {change.after}"


def changes_terminal(comparison: Comparison | None, warnings: Sequence[str]) -> list[str]:
    """Plain lines for the terminal summary."""
    lines = [f"WARNING: {warning}" for warning in warnings]
    if comparison is None:
        return lines
    lines.append(f"compared: {comparison.header}")
    lines += [f"note: {note}" for note in comparison.notes]
    if not comparison.changes:
        return [*lines, "no line changed status since the previous record"]
    for kind, heading in KINDS:
        found = comparison.of_kind(kind)
        if not found:
            continue
        lines.append(f"{heading.upper()}: {len(found)}")
        for change in found:
            lines.append(f"  {change.id}  {_arrow(change)}  ({change.title})")
            if change.before_evidence:
                lines.append(f"      before: {change.before_evidence}")
            if change.after_evidence:
                lines.append(f"      now:    {change.after_evidence}")
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())


def changes_markdown(comparison: Comparison | None, warnings: Sequence[str]) -> list[str]:
    """A Markdown section to put at the top of the ticked checklist."""
    lines: list[str] = []
    if warnings:
        lines += ["## Expiring soon", ""] + [f"- {w}" for w in warnings] + [""]
    if comparison is None:
        return lines
    lines += ["## Changes since the previous sign-off", "", f"Compared: {comparison.header}.", ""]
    for note in comparison.notes:
        lines += [f"> **Note:** {note}", ""]
    if not comparison.changes:
        return [*lines, "No line changed status.", ""]
    for kind, heading in KINDS:
        found = comparison.of_kind(kind)
        if found:
            lines += [f"### {heading}: {len(found)}", ""]
            lines += [*(_md_change(change) for change in found), ""]
    return lines


def _md_change(change: Change) -> str:
    text = f"- `{change.id}` **{_arrow(change)}**: {change.title}"
    if change.before_evidence:
        text += f"\n  - before: {_one_line(change.before_evidence)}"
    if change.after_evidence:
        text += f"\n  - now: {_one_line(change.after_evidence)}"
    return text


def changes_html(comparison: Comparison | None, warnings: Sequence[str]) -> str:
    """An HTML ``<section>`` for the top of the report ("" when there is nothing)."""
    parts: list[str] = []
    if warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
        parts.append(f'<section class="expiring"><h2>Expiring soon</h2><ul>{items}</ul></section>')
    if comparison is not None:
        parts.append(_comparison_html(comparison))
    return "".join(parts)


def _comparison_html(comparison: Comparison) -> str:
    notes = "".join(f"<p><b>Note:</b> {html.escape(n)}</p>" for n in comparison.notes)
    body = "".join(
        f"<h3>{html.escape(heading)}: {len(found)}</h3><ul>"
        + "".join(_html_change(change) for change in found)
        + "</ul>"
        for kind, heading in KINDS
        if (found := comparison.of_kind(kind))
    )
    body = body or "<p>No line changed status.</p>"
    return (
        f'<section class="changes"><h2>Changes since the previous sign-off</h2>'
        f"<p>Compared: {html.escape(comparison.header)}</p>{notes}{body}</section>"
    )


def _html_change(change: Change) -> str:
    evidence = "".join(
        f"<div class=ev>{label}: {html.escape(text)}</div>"
        for label, text in (("before", change.before_evidence), ("now", change.after_evidence))
        if text
    )
    return (
        f'<li class="change {html.escape(change.kind)}"><code>{html.escape(change.id)}</code> '
        f"<b>{html.escape(_arrow(change))}</b> {html.escape(change.title)}{evidence}</li>"
    )
