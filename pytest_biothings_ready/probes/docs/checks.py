"""Judge the documentation lines from the repository's documents and their history."""

from __future__ import annotations

import datetime as dt
import re

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.query import duration_seconds
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.docs.documents import Document
from pytest_biothings_ready.probes.docs.gather import DocsResult
from pytest_biothings_ready.probes.docs.settings import KINDS, SECTIONS

__all__ = [
    "architecture_diagrams",
    "deployment_documented",
    "documentation_updated",
    "runbooks_written",
    "troubleshooting_available",
]


def _sections(ctx: Context, kind: str) -> list[str]:
    configured = ctx.env.get("docs.required_sections") or {}
    return [str(p) for p in configured.get(kind, SECTIONS[kind])]


def _lacking(doc: Document, patterns: list[str]) -> list[str]:
    headings = [doc.title] + [text for _, text in doc.headings]
    return [p for p in patterns if not any(re.search(p, h, re.I) for h in headings)]


def _doc_problems(doc: Document, patterns: list[str]) -> list[str]:
    problems = [f"{doc.shown} has no heading matching /{p}/" for p in _lacking(doc, patterns)]
    problems += [f"{doc.shown} links to missing {link}" for link in doc.broken]
    return problems


def _documents(ctx: Context, kind: str) -> tuple[DocsResult, list[Document], list[str]]:
    """The result, the documents of ``kind`` and problems common to every line."""
    result: DocsResult = ctx.evidence("documents")
    problems = [f"declared docs_paths {m} does not exist" for m in result.missing]
    found = result.of_kind(kind)
    if not found:
        problems.append(
            f"no {kind} document among the {len(result.documents)} documents under "
            f"{result.root} (path or title matching /{KINDS[kind]}/)"
        )
    return result, found, problems


def _one_complete(ctx: Context, kind: str, extra: int = 0) -> Verdict:
    """Passes when a document of ``kind`` has every required heading (and ``extra`` more)."""
    _, found, problems = _documents(ctx, kind)
    patterns = _sections(ctx, kind)
    complete = [d for d in found if not _doc_problems(d, patterns) and len(d.headings) >= extra]
    if problems or not complete:
        problems += [p for d in found for p in _doc_problems(d, patterns)]
        problems += [
            f"{d.shown} has {len(d.headings)} sections < {extra}"
            for d in found
            if len(d.headings) < extra
        ]
        return Verdict.failed("; ".join(problems[:8]) + ".")
    shown = ", ".join(f"{d.shown} ({len(d.headings)} sections)" for d in complete)
    wanted = ", ".join(f"/{p}/" for p in patterns) or "none"
    return Verdict.passed(f"{shown}: required headings {wanted} present; its links resolve.")


@check("Deployment procedures documented", uses=("documents",))
def deployment_documented(ctx: Context) -> Verdict:
    """A deployment document has procedure and rollback sections, and its links resolve."""
    return _one_complete(ctx, "deployment")


@check("Troubleshooting guides available", uses=("documents",))
def troubleshooting_available(ctx: Context) -> Verdict:
    """A troubleshooting guide has at least docs.min_issues issue sections; its links resolve."""
    return _one_complete(ctx, "troubleshooting", int(ctx.env.get("docs.min_issues")))


@check("Runbooks for common issues", uses=("documents",))
def runbooks_written(ctx: Context) -> Verdict:
    """Runbooks exist and every one has a resolution section and working links."""
    _, found, problems = _documents(ctx, "runbook")
    patterns = _sections(ctx, "runbook")
    problems += [p for d in found for p in _doc_problems(d, patterns)]
    if problems:
        return Verdict.failed("; ".join(problems[:8]) + ".")
    return Verdict.passed(
        f"{len(found)} runbooks ({', '.join(d.shown for d in found[:5])}), each with a "
        "resolution section and working links."
    )


def _age_problem(
    ctx: Context, result: DocsResult, what: str, newest: dt.datetime | None
) -> str | None:
    """Why ``newest`` (a last commit) is stale: older than docs.max_age and older than the
    last change of the deploy artifacts.  None when current."""
    if result.history_error:
        raise ProbeError(result.history_error)
    if newest is None:
        return f"{what} never committed"
    limit = dt.timedelta(seconds=duration_seconds(str(ctx.env.get("docs.max_age"))))
    changed = result.artifacts_changed
    old = dt.datetime.now(dt.UTC) - newest > limit
    if old and (changed is None or changed > newest):
        since = f", deploy artifacts changed {changed.date()}" if changed else ""
        limit_text = ctx.env.get("docs.max_age")
        return f"{what} last committed {newest.date()} (older than {limit_text}{since})"
    return None


def _newest(result: DocsResult, docs: list[Document]) -> dt.datetime | None:
    times = [result.commits[d.shown] for d in docs if d.shown in result.commits]
    return max(times) if times else None


@check("Architecture diagrams updated", uses=("documents",))
def architecture_diagrams(ctx: Context) -> Verdict:
    """An architecture diagram exists, its links resolve, and it changed recently enough."""
    result, found, problems = _documents(ctx, "architecture")
    with_diagrams = [d for d in found if d.diagrams]
    if found and not with_diagrams:
        problems.append(
            f"the architecture documents ({', '.join(d.shown for d in found[:3])}) hold no diagram"
        )
    problems += [f"{d.shown} links to missing {link}" for d in with_diagrams for link in d.broken]
    if not problems and (
        stale := _age_problem(
            ctx, result, "the architecture diagrams", _newest(result, with_diagrams)
        )
    ):
        problems.append(stale)
    if problems:
        return Verdict.failed("; ".join(problems[:8]) + ".")
    newest = _newest(result, with_diagrams)
    shown = ", ".join(f"{d.shown} ({', '.join(d.diagrams[:3])})" for d in with_diagrams[:4])
    return Verdict.passed(f"diagrams: {shown}; last committed {newest.date() if newest else '?'}.")


@check("Documentation updated", uses=("documents",))
def documentation_updated(ctx: Context) -> Verdict:
    """The documents' links resolve, and they changed since the deploy artifacts (or recently)."""
    result: DocsResult = ctx.evidence("documents")
    problems = [f"declared docs_paths {m} does not exist" for m in result.missing]
    if not result.documents:
        problems.append(f"no documentation under {result.root}")
    problems += [
        f"{d.shown} links to missing {link}" for d in result.documents for link in d.broken
    ]
    newest = _newest(result, list(result.documents))
    if not problems and (stale := _age_problem(ctx, result, "the documentation", newest)):
        problems.append(stale)
    if problems:
        return Verdict.failed("; ".join(problems[:8]) + ".")
    changed = result.artifacts_changed
    return Verdict.passed(
        f"{len(result.documents)} documents, links resolve; last committed "
        f"{newest.date() if newest else '?'}"
        + (f" (deploy artifacts last changed {changed.date()})." if changed else ".")
    )
