"""``--ready-report``: the checklist ticked (Markdown) or a page for a browser (HTML)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_biothings_ready.record.changes import changes_markdown
from pytest_biothings_ready.record.html import render_html
from pytest_biothings_ready.record.results import ItemResult, Results
from pytest_biothings_ready.record.summary import RunVerdict, run_verdict
from pytest_biothings_ready.redact import clean

if TYPE_CHECKING:
    from pytest_biothings_ready.session import ReadySession

__all__ = ["markdown_header", "render_html", "render_markdown", "write_report"]

_BOX = re.compile(r"^(\s*[-*+]\s+)\[[ xX]\]")


def write_report(
    path: Path, ready: ReadySession, results: Results, verdict: RunVerdict | None = None
) -> None:
    """Write the report whose kind the suffix of ``path`` names."""
    verdict = verdict or run_verdict(results, ready.options.allow_unverified)
    text = (
        render_html(ready, results, verdict)
        if path.suffix.lower() == ".html"
        else render_markdown(ready, results, verdict)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Redacted as a whole (secrets in titles, targets...) and neutralised: a target's
    # escape sequences or a lone surrogate can neither fake a line nor break the encoder.
    path.write_text(clean(text, ready.redact), encoding="utf-8", errors="backslashreplace")


def render_markdown(
    ready: ReadySession, results: Results, verdict: RunVerdict | None = None
) -> str:
    """The checklist with ``[x]`` for passed lines and the evidence under every line."""
    verdict = verdict or run_verdict(results, ready.options.allow_unverified)
    by_line = {item.line: item for item in ready.checklist}
    source = ready.checklist.path.read_text(encoding="utf-8-sig").splitlines()
    out = [f"<!-- readiness report: env {ready.options.env}, {ready.started_at} -->"]
    out += markdown_header(ready, verdict)
    governance = ready.governance  # comparison and expiry warnings (record/changes.py)
    out += changes_markdown(governance.comparison, governance.warnings)
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


def markdown_header(ready: ReadySession, verdict: RunVerdict) -> list[str]:
    """The verdict and the deployment metadata, as a quote above the checklist."""
    facts = [("environment", ready.options.env)]
    facts += [(f"deployment {k}", v) for k, v in ready.attestations.deployment.items()]
    facts += [("targets", ready.targets()), ("finished", ready.finished_at)]
    lines = [f"> **{verdict.line()}**", ">"]
    lines += [f"> {name}: {value}  " for name, value in facts if value]
    return [*lines, ""]
