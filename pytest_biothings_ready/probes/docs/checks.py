"""Judge the documentation lines from the repository's documents and their history.

A kind of document that is simply absent from a discovered set (no ``docs_paths``)
leaves its line unverified: the document may live in a wiki, and an attestation can
cover it.  Declared but missing, present but incomplete, or with broken links: failed.
"""

from __future__ import annotations

import re

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.docs.alert_runbooks import alert_runbook_problems
from pytest_biothings_ready.probes.docs.documents import Document
from pytest_biothings_ready.probes.docs.gather import DocsResult
from pytest_biothings_ready.probes.docs.kinds import KINDS, DocKind, kind

__all__ = ["documented", "runbooks_written", "troubleshooting_available"]

_BY_LINE = {line.casefold(): k for k in KINDS for line in k.lines}


def _sections(ctx: Context, doc_kind: DocKind) -> list[str]:
    configured = ctx.env.get("docs.required_sections") or {}
    return [str(p) for p in configured.get(doc_kind.name, doc_kind.sections)]


# A section whose every line is one of these is a stub, not text.
_PLACEHOLDER = re.compile(r"^\W*(todo|tbd|tba|wip|fixme|coming soon|to be written|n/?a)?\W*$", re.I)


def _has_text(text: str) -> bool:
    return any(not _PLACEHOLDER.match(line) for line in text.splitlines())


def _lacking(doc: Document, patterns: list[str], body: str | None) -> list[str]:
    """The heading patterns no section with text (matching ``body``) answers."""
    filled = [
        s
        for s in doc.sections()
        if _has_text(s.body) and (body is None or re.search(body, s.body, re.I))
    ]
    return [p for p in patterns if not any(re.search(p, s.title, re.I) for s in filled)]


def doc_problems(doc: Document, patterns: list[str], body: str | None = None) -> list[str]:
    """What keeps ``doc`` from being complete: missing sections, broken links."""
    wanted = " with a time" if body else " with text"
    problems = [
        f"{doc.shown} has no heading /{p}/{wanted} under it" for p in _lacking(doc, patterns, body)
    ]
    return problems + [f"{doc.shown} links to missing {link}" for link in doc.broken]


def documents_of(ctx: Context, doc_kind: DocKind) -> tuple[DocsResult, list[Document], list[str]]:
    """The result, the documents of the kind, and problems common to every line.

    None found: failed when ``docs_paths`` is declared, else NotConfigured.
    """
    result: DocsResult = ctx.evidence("documents")
    problems = [f"declared docs_paths {m} does not exist" for m in result.missing]
    found = result.of_kind(doc_kind.name)
    if not found:
        absent = (
            f"no {doc_kind.name.replace('_', ' ')} document among the {len(result.documents)} "
            f"documents under {result.root} (path or title matching /{doc_kind.matches}/)"
        )
        if not ctx.env.get("docs_paths") and not problems:
            raise NotConfigured("docs_paths", ctx.env.name, absent + "; or attest the line")
        problems.append(absent)
    return result, found, problems


def one_complete(ctx: Context, doc_kind: DocKind, min_sections: int = 0) -> Verdict:
    """Passes when a document of the kind is complete (and has ``min_sections`` sections)."""
    _, found, problems = documents_of(ctx, doc_kind)
    patterns = _sections(ctx, doc_kind)

    def issues(doc: Document) -> list[str]:
        short = len(doc.headings) < min_sections
        extra = [f"{doc.shown} has {len(doc.headings)} sections < {min_sections}"] if short else []
        return doc_problems(doc, patterns, doc_kind.body) + extra

    complete = [d for d in found if not issues(d)]
    if problems or not complete:
        problems += [p for d in found for p in issues(d)]
        return Verdict.failed("; ".join(problems[:8]) + ".")
    shown = ", ".join(f"{d.shown} ({len(d.headings)} sections)" for d in complete[:4])
    wanted = ", ".join(f"/{p}/" for p in patterns) or "none"
    return Verdict.passed(f"{shown}: headings {wanted} present with text; links resolve.")


@check(*(line for k in KINDS for line in k.lines), uses=("documents",))
def documented(ctx: Context) -> Verdict:
    """A document named for the line has that line's headings, with text; its links resolve."""
    title = ctx.item.title if ctx.item else ""
    return one_complete(ctx, _BY_LINE[title.casefold()])


@check("Troubleshooting guides available", uses=("documents",))
def troubleshooting_available(ctx: Context) -> Verdict:
    """A troubleshooting guide has at least docs.min_issues issue sections; its links resolve."""
    return one_complete(ctx, kind("troubleshooting"), int(ctx.env.get("docs.min_issues")))


@check("Runbooks for common issues", uses=("documents", "prometheus-rules", "rule-files"))
def runbooks_written(ctx: Context) -> Verdict:
    """Runbooks have a resolution section and working links; an alert's runbook names it."""
    runbook = kind("runbook")
    result, found, problems = documents_of(ctx, runbook)
    patterns = _sections(ctx, runbook)
    problems += [p for d in found for p in doc_problems(d, patterns)]
    wrong, checked = alert_runbook_problems(ctx, result.documents)
    problems += wrong
    if problems:
        return Verdict.failed("; ".join(problems[:8]) + ".")
    alerts = f"; {checked} alerts link to a runbook here that names them" if checked else ""
    return Verdict.passed(
        f"{len(found)} runbooks ({', '.join(d.shown for d in found[:5])}), each with a "
        f"resolution section and working links{alerts}."
    )
