"""Which repository runbook each alert links to, and whether that runbook names it.

An alert's runbook annotation (``monitoring.runbook_annotation``, default
``runbook_url``) that is a relative path, or a URL whose path ends with a document's
path in the repository (``https://github.com/org/repo/blob/main/docs/runbooks/x.md``),
points at that document; the document must then name the alert.  Links elsewhere (a
wiki) are the observability family's to fetch.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context
from pytest_biothings_ready.probes.docs.documents import Document

__all__ = ["alert_runbook_problems"]


def _rules(ctx: Context) -> Any:
    for name in ("prometheus-rules", "rule-files"):
        try:
            if found := ctx.evidence(name):
                return found
        except NotConfigured:
            continue
    return None


def _target(link: str, documents: list[Document]) -> Document | None:
    path = unquote(urlsplit(link.split("#")[0]).path).lstrip("./")
    matches = [d for d in documents if path and (path == d.shown or path.endswith("/" + d.shown))]
    return max(matches, key=lambda d: len(d.shown), default=None)


def _names(doc: Document, alert: str) -> bool:
    return any(alert in s.title or alert in s.body for s in doc.sections())


def alert_runbook_problems(ctx: Context, documents: tuple[Document, ...]) -> tuple[list[str], int]:
    """Alerts whose repository runbook does not name them, and how many were checked."""
    rules = _rules(ctx)
    if rules is None:
        return [], 0
    annotation = str(ctx.env.get("monitoring.runbook_annotation"))
    problems, checked = [], 0
    for alert in rules.alerts:
        link = str(alert.annotations.get(annotation) or "")
        doc = _target(link, list(documents)) if link else None
        if doc is None:
            continue
        checked += 1
        if not _names(doc, alert.name):
            problems.append(f"alert {alert.name}'s runbook {doc.shown} does not name it")
    return problems, checked
