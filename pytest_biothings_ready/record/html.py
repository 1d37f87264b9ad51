"""The HTML report: one self-contained page a release manager reads, prints and files.

Top to bottom: the verdict banner (READY / NOT READY, the flags that changed what it
covers), the deployment metadata, the sign-offs, counts per status and per area, the
status filters, then every line per section with its evidence.  No external resource
(styles and script are inline); print CSS drops the filters, shows every line and
starts each section on a new page.  Every text comes from the run, so each one is
redacted, stripped of control characters and escaped; evidence gets code spans from
backticks and anchors for http(s) links, nothing else.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from pytest_biothings_ready._version import __version__
from pytest_biothings_ready.record.changes import changes_html
from pytest_biothings_ready.record.html_assets import BADGES, CSS, JS
from pytest_biothings_ready.record.results import ItemResult, Results
from pytest_biothings_ready.record.summary import (
    COLUMNS,
    RunVerdict,
    count_statuses,
    run_verdict,
)
from pytest_biothings_ready.redact import neutralise

if TYPE_CHECKING:
    from pytest_biothings_ready.session import ReadySession

__all__ = ["BADGES", "evidence_html", "history_cell", "render_html"]

_TOKENS = re.compile(r"`([^`\n]+)`|(https?://[^\s<>\"'`]+)")
_TRAILING = ".,;:!?)]}'\""
REGRESSED, FIXED = "regressed", "fixed"

Text = Callable[[str], str]


def evidence_html(text: str) -> str:
    """Escaped evidence with `code` spans and http(s) links as anchors."""
    out, pos = [], 0
    text = neutralise(text)  # control characters become visible escapes first
    for match in _TOKENS.finditer(text):
        out.append(html.escape(text[pos : match.start()]))
        code, url = match.groups()
        if code is not None:
            out.append(f"<code>{html.escape(code)}</code>")
            pos = match.end()
            continue
        trimmed = url.rstrip(_TRAILING)
        link = html.escape(trimmed)
        out.append(f'<a href="{link}" rel="noopener noreferrer">{link}</a>')
        pos = match.start() + len(trimmed)
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _badge(status: str) -> str:
    known = status if status in BADGES else "unknown"
    return f'<span class="badge b-{known}">{html.escape(status.replace("_", " "))}</span>'


def history_cell(result: ItemResult) -> str:
    """The previous status (``ready_previous_status``) and how the line moved."""
    before = result.previous_status
    if not before:
        return '<td class="hist">new</td>'
    move = ""
    if before == "passed" and result.status not in ("passed", "not_applicable"):
        move = f' <span class="move">{REGRESSED}</span>'
    elif before != "passed" and result.status == "passed":
        move = f' <span class="move">{FIXED}</span>'
    return f'<td class="hist">{_badge(before)}{move}</td>'


def _wrap_id(item_id: str) -> str:
    """The id, breakable only after its dots and dashes (never mid-word)."""
    escaped = html.escape(neutralise(item_id))
    return re.sub(r"([.-])", r"\1<wbr>", escaped)


def _row(result: ItemResult, text: Text, history: bool) -> str:
    status = html.escape(result.status)
    cells = [
        f"<td>{_badge(result.status)}</td>",
        f'<td class="line"><b>{text(result.title)}</b>'
        f'<br><code class="id">{_wrap_id(result.id)}</code></td>',
        f'<td class="method">{text(result.method.replace("_", " "))}</td>',
        f'<td class="ev">{evidence_html(result.evidence)}</td>',
    ]
    if history:
        cells.append(history_cell(result))
    return f'<tr class="item" data-status="{status}">{"".join(cells)}</tr>'


def _section(name: str, rows: list[ItemResult], text: Text, history: bool) -> str:
    counts = count_statuses(rows)
    bar = "".join(
        f'<span class="b-{s.value}" style="flex:{counts[s.value]}" '
        f'title="{label}: {counts[s.value]}"></span>'
        for s, label in COLUMNS
        if counts[s.value]
    )
    head = "<th>status</th><th>line</th><th>decided by</th><th>evidence</th>" + (
        "<th>previous</th>" if history else ""
    )
    body = "".join(_row(r, text, history) for r in rows)
    return (
        f'<section class="area"><h2>{text(name)}</h2><div class="bar">{bar}</div>'
        f'<table class="items"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        "</section>"
    )


def _banner(verdict: RunVerdict, text: Text) -> str:
    state = "ready" if verdict.ready else "not-ready"
    flags = ", ".join(f"<code>{text(f)}</code>" for f in verdict.flags) or "none"
    return (
        f'<header class="banner {state}" id="verdict" data-verdict="{verdict.headline}">'
        f'<div class="headline">{verdict.headline}</div>'
        f'<div class="verdict-line">{text(verdict.line())}</div>'
        f'<div class="flags">flags: {flags}</div></header>'
    )


def _metadata(ready: ReadySession, text: Text) -> str:
    deployment = dict(ready.attestations.deployment)
    rows = [
        ("environment", ready.options.env),
        *((f"deployment {k}", v) for k, v in deployment.items()),
        ("targets", ready.targets()),
        ("started", ready.started_at),
        ("finished", ready.finished_at),
        ("checklist sha256", ready.checklist.sha256),
        ("plugin", f"pytest-biothings-ready {__version__}"),
    ]
    cells = "".join(f"<dt>{text(k)}</dt><dd>{text(str(v))}</dd>" for k, v in rows if v)
    return f'<section id="metadata"><h2>Deployment</h2><dl>{cells}</dl></section>'


def _signoffs(results: Iterable[ItemResult], text: Text) -> str:
    rows = [r for r in results if r.area == "signoff"]
    if not rows:
        return ""
    body = "".join(
        f"<tr><td>{_badge(r.status)}</td><td>{text(r.title)}</td>"
        f'<td class="ev">{evidence_html(r.evidence)}</td></tr>'
        for r in rows
    )
    return (
        '<section id="signoffs"><h2>Sign-offs</h2><table class="items"><thead><tr>'
        f"<th>status</th><th>role</th><th>evidence</th></tr></thead><tbody>{body}</tbody>"
        "</table></section>"
    )


def _counts(results: Results, text: Text) -> str:
    areas: dict[str, list[ItemResult]] = {}
    for result in results:
        areas.setdefault(result.area or result.section, []).append(result)
    head = "".join(f"<th>{label}</th>" for _, label in COLUMNS)
    rows = [(text(area), count_statuses(rows)) for area, rows in areas.items()]
    rows.append(("<b>total</b>", count_statuses(results)))
    body = "".join(
        f"<tr><td>{name}</td>"
        + "".join(f"<td>{c[s.value] or '-'}</td>" for s, _ in COLUMNS)
        + "</tr>"
        for name, c in rows
    )
    return (
        '<section id="counts"><h2>Counts per area</h2><table class="counts"><thead>'
        f"<tr><th>area</th>{head}</tr></thead><tbody>{body}</tbody></table></section>"
    )


def _filters(results: Results) -> str:
    totals = count_statuses(results)
    boxes = "".join(
        f'<label><input type="checkbox" checked data-status="{s.value}"> '
        f"{_badge(s.value)} {totals[s.value]}</label>"
        for s, _ in COLUMNS
    )
    return f'<nav class="filters" aria-label="status filters">show: {boxes}</nav>'


def _redacted(results: Results, redact: Text) -> Results:
    out = Results()
    for r in results:
        out.add(replace(r, title=redact(r.title), evidence=redact(r.evidence)))
    return out


def render_html(ready: ReadySession, results: Results, verdict: RunVerdict | None = None) -> str:
    """The report page; ``verdict`` defaults to the one the results and options give."""
    verdict = verdict or run_verdict(results, ready.options.allow_unverified)
    # Redact before escaping: an escaped secret (``&`` -> ``&amp;``) would not match.
    results = _redacted(results, ready.redact)

    def text(value: str) -> str:
        return html.escape(neutralise(ready.redact(value)))

    history = any(r.previous_status for r in results)
    sections: dict[str, list[ItemResult]] = {}
    for result in results:
        sections.setdefault(result.section, []).append(result)
    body = "".join(_section(name, rows, text, history) for name, rows in sections.items())
    title = text(f"Readiness: {ready.options.env}: {verdict.headline}")
    parts = (
        _banner(verdict, text),
        _metadata(ready, text),
        _signoffs(results, text),
        _counts(results, text),
        changes_html(ready.governance.comparison, ready.governance.warnings),
        _filters(results),
        body,
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{CSS}</style></head><body>"
        f"<h1>{text('Readiness: ' + ready.options.env)}</h1>{''.join(parts)}"
        f"<script>{JS}</script></body></html>\n"
    )
