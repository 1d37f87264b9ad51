"""Judge the lines about documents being current: diagrams and the documentation."""

from __future__ import annotations

import datetime as dt

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.query import duration_seconds
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.docs.checks import documents_of
from pytest_biothings_ready.probes.docs.documents import Document
from pytest_biothings_ready.probes.docs.gather import DocsResult
from pytest_biothings_ready.probes.docs.kinds import kind

__all__ = ["architecture_diagrams", "documentation_updated", "stale"]


def stale(ctx: Context, result: DocsResult, what: str, newest: dt.datetime | None) -> str | None:
    """Why ``newest`` (a last commit) is stale: older than docs.max_age *and* older than
    the last change of the deploy artifacts.  None when current."""
    if result.history_error:
        raise ProbeError(result.history_error)
    if newest is None:
        return f"{what} never committed"
    limit_text = str(ctx.env.get("docs.max_age"))
    changed = result.artifacts_changed
    old = dt.datetime.now(dt.UTC) - newest > dt.timedelta(seconds=duration_seconds(limit_text))
    if old and (changed is None or changed > newest):
        since = f", deploy artifacts changed {changed.date()}" if changed else ""
        return f"{what} last committed {newest.date()} (older than {limit_text}{since})"
    return None


def _newest(result: DocsResult, docs: list[Document]) -> dt.datetime | None:
    times = [result.commits[d.shown] for d in docs if d.shown in result.commits]
    return max(times) if times else None


@check("Architecture diagrams updated", uses=("documents",))
def architecture_diagrams(ctx: Context) -> Verdict:
    """An architecture diagram exists, its links resolve, and it changed recently enough."""
    result, found, problems = documents_of(ctx, kind("architecture"))
    drawn = [d for d in found if d.diagrams]
    if found and not drawn:
        shown = ", ".join(d.shown for d in found[:3])
        problems.append(f"the architecture documents ({shown}) hold no diagram")
    problems += [f"{d.shown} links to missing {link}" for d in drawn for link in d.broken]
    newest = _newest(result, drawn)
    if not problems and (old := stale(ctx, result, "the architecture diagrams", newest)):
        problems.append(old)
    if problems:
        return Verdict.failed("; ".join(problems[:8]) + ".")
    shown = ", ".join(f"{d.shown} ({', '.join(d.diagrams[:3])})" for d in drawn[:4])
    return Verdict.passed(f"diagrams: {shown}; last committed {newest.date() if newest else '?'}.")


@check("Documentation updated", uses=("documents",))
def documentation_updated(ctx: Context) -> Verdict:
    """The documents' links resolve, and they changed since the deploy artifacts (or recently)."""
    result: DocsResult = ctx.evidence("documents")
    problems = [f"declared docs_paths {m} does not exist" for m in result.missing]
    if not result.documents and not problems:
        raise NotConfigured(
            "docs_paths", ctx.env.name, f"no documentation found under {result.root}"
        )
    problems += [
        f"{d.shown} links to missing {link}" for d in result.documents for link in d.broken
    ]
    newest = _newest(result, list(result.documents))
    if not problems and (old := stale(ctx, result, "the documentation", newest)):
        problems.append(old)
    if problems:
        return Verdict.failed("; ".join(problems[:8]) + ".")
    changed = result.artifacts_changed
    return Verdict.passed(
        f"{len(result.documents)} documents, links resolve; last committed "
        f"{newest.date() if newest else '?'}"
        + (f" (deploy artifacts last changed {changed.date()})." if changed else ".")
    )
