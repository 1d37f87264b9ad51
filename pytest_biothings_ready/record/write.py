"""``--ready-report``: the checklist ticked (Markdown) or a page for a browser (HTML)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_biothings_ready.record.results import ItemResult, Results
from pytest_biothings_ready.record.summary import COLUMNS
from pytest_biothings_ready.redact import clean

if TYPE_CHECKING:
    from pytest_biothings_ready.session import ReadySession

__all__ = ["render_html", "render_markdown", "write_report"]

_BOX = re.compile(r"^(\s*[-*+]\s+)\[[ xX]\]")
COLORS = {
    "passed": "#2e7d32",
    "failed": "#c62828",
    "error": "#6a1b9a",
    "waived": "#ef6c00",
    "not_applicable": "#78909c",
    "unverified": "#fbc02d",
}


def write_report(path: Path, ready: ReadySession, results: Results) -> None:
    """Write the report whose kind the suffix of ``path`` names."""
    text = (
        render_html(ready, results)
        if path.suffix.lower() == ".html"
        else render_markdown(ready, results)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Redacted as a whole (secrets in titles, targets...) and neutralised: a target's
    # escape sequences or a lone surrogate can neither fake a line nor break the encoder.
    path.write_text(clean(text, ready.redact), encoding="utf-8", errors="backslashreplace")


def render_markdown(ready: ReadySession, results: Results) -> str:
    """The checklist with ``[x]`` for passed lines and the evidence under every line."""
    by_line = {item.line: item for item in ready.checklist}
    source = ready.checklist.path.read_text(encoding="utf-8-sig").splitlines()
    out = [f"<!-- readiness report: env {ready.options.env}, {ready.started_at} -->"]
    for number, line in enumerate(source, start=1):
        item = by_line.get(number)
        result = results.get(item.id) if item else None
        if item is None or not _BOX.match(line):
            out.append(line)
            continue
        tick = "x" if result and result.status == "passed" else " "
        out.append(_BOX.sub(rf"\g<1>[{tick}]", line, count=1))
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        out.append(f"{indent}> {_annotation(result)}")
    return "\n".join(out) + "\n"


def _annotation(result: ItemResult | None) -> str:
    if result is None:
        return "_not run in this session_"
    evidence = " ".join(result.evidence.split())
    return f"**{result.status}** ({result.method}): {evidence}"


def render_html(ready: ReadySession, results: Results) -> str:
    """A self-contained page: a bar per section, a status filter, evidence per item."""
    sections: dict[str, list[ItemResult]] = {}
    for result in results:
        sections.setdefault(result.section, []).append(result)
    body = "".join(_section_html(name, rows) for name, rows in sections.items())
    totals = {s.value: sum(1 for r in results if r.status == s.value) for s, _ in COLUMNS}
    filters = "".join(
        f'<label><input type="checkbox" checked data-status="{s.value}"> {label} '
        f"({totals[s.value]})</label> "
        for s, label in COLUMNS
    )
    title = html.escape(f"Readiness: {ready.options.env}")
    meta = html.escape(f"{ready.started_at} - {ready.finished_at} · targets: {ready.targets()}")
    return _PAGE.format(title=title, meta=meta, filters=filters, body=body, css=_CSS, js=_JS)


def _section_html(name: str, rows: list[ItemResult]) -> str:
    counts = {s.value: sum(1 for r in rows if r.status == s.value) for s, _ in COLUMNS}
    bar = "".join(
        f'<span style="flex:{n};background:{COLORS[s]}" title="{s}: {n}"></span>'
        for s, n in counts.items()
        if n
    )
    items = "".join(
        f'<li class="item" data-status="{html.escape(r.status)}">'
        f'<span class="badge" style="background:{COLORS.get(r.status, "#999")}">'
        f"{html.escape(r.status)}</span> <b>{html.escape(r.title)}</b> "
        f"<code>{html.escape(r.id)}</code> <i>{html.escape(r.method)}</i>"
        f"<div class=ev>{html.escape(r.evidence)}</div></li>"
        for r in rows
    )
    return (
        f"<section><h2>{html.escape(name)}</h2><div class=bar>{bar}</div><ul>{items}</ul></section>"
    )


_CSS = """body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:70em}
.bar{display:flex;height:12px;border-radius:3px;overflow:hidden;margin:.3em 0}
.badge{color:#fff;border-radius:3px;padding:0 .4em;font-size:12px}
ul{list-style:none;padding-left:0}li{margin:.4em 0}.ev{color:#444;margin-left:1em}
code{color:#555}label{margin-right:1em}"""
_JS = """document.querySelectorAll('input[data-status]').forEach(function(box){
 box.addEventListener('change',function(){document.querySelectorAll(
 'li[data-status="'+box.dataset.status+'"]').forEach(function(li){
 li.style.display=box.checked?'':'none';});});});"""
_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>{css}</style></head><body><h1>{title}</h1><p>{meta}</p>
<p class=filters>{filters}</p>{body}<script>{js}</script></body></html>
"""
