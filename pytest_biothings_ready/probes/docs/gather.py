"""Gather the repository's documentation once: documents, their kinds and git history."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.docs.documents import (
    DIAGRAM_SUFFIXES,
    Document,
    discover,
    read_document,
    shown_path,
)
from pytest_biothings_ready.probes.docs.history import last_change, last_commits
from pytest_biothings_ready.probes.docs.kinds import kind as find_kind

__all__ = ["DocsResult", "gather_documents"]

# Settings naming the deploy artifacts whose changes documentation should follow.
ARTIFACT_KEYS = ("dockerfiles", "compose_files", "manifests")


@dataclass(frozen=True)
class DocsResult:
    """The documentation of the repository.

    Attributes:
        root: the repository folder.
        documents: every documentation file read (diagram files too).
        missing: declared ``docs_paths`` that do not exist.
        commits: last commit time of each committed document (by ``shown`` path).
        history_error: why git history could not be read, else None.
        artifacts_changed: last commit of the deploy artifacts (None: none declared).
    """

    root: Path
    documents: tuple[Document, ...]
    missing: tuple[str, ...]
    commits: dict[str, dt.datetime] = field(default_factory=dict)
    history_error: str | None = None
    artifacts_changed: dt.datetime | None = None

    def of_kind(self, kind: str) -> list[Document]:
        """The documents whose path or title names ``kind`` (kinds.KINDS)."""
        pattern = re.compile(find_kind(kind).matches, re.I)
        return [d for d in self.documents if pattern.search(d.shown) or pattern.search(d.title)]


def _read(path: Path, root: Path) -> Document:
    if path.suffix.lower() in DIAGRAM_SUFFIXES:
        shown = shown_path(path, root)
        return Document(path, shown, path.stem, (), (), (), (shown,))
    return read_document(path, root)


def _artifacts(ctx: Context) -> list[Path]:
    return [ctx.env.path(str(v)) for key in ARTIFACT_KEYS for v in ctx.env.get(key) or []]


# The built-in demo judges its bundled deployment repository, never the folder it runs in.
DEMO_REPO = Path(__file__).resolve().parents[2] / "demo" / "repo"


def _root(ctx: Context) -> Path:
    if ctx.env.name == "demo" and not ctx.env.get("docs_paths"):
        return DEMO_REPO
    return ctx.env.path(str(ctx.env.get("repo") or "."))


@gatherer("documents")
def gather_documents(ctx: Context) -> DocsResult:
    """Read ``docs_paths`` (or the default documents) and their last commits."""
    root = _root(ctx)
    declared = [ctx.env.path(str(p)) for p in ctx.env.get("docs_paths") or []]
    files, missing = discover(root, declared)
    documents = tuple(_read(p, root) for p in files)
    shown = tuple(str(p) for p in missing)
    timeout = max(ctx.timeout, 10.0)
    try:
        commits = last_commits(root, files, timeout)
        changed = last_change(root, [p for p in _artifacts(ctx) if p.exists()], timeout)
    except ProbeError as exc:
        return DocsResult(root, documents, shown, history_error=str(exc))
    by_shown = {
        d.shown: commits[d.path.resolve()] for d in documents if d.path.resolve() in commits
    }
    return DocsResult(root, documents, shown, by_shown, None, changed)
