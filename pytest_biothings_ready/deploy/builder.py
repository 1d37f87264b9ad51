"""The mutable accumulator discovery fills before it freezes a DeployGraph."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_biothings_ready.deploy.graph import Artifact, DeployGraph, Service

__all__ = ["Builder", "expand_vars", "line_in", "load_yaml", "read_text"]


@dataclass
class Builder:
    """Reached artifacts (each path/key once), missing references, services, problems."""

    root: Path
    reached: dict[tuple[Path, str], Artifact] = field(default_factory=dict)
    missing: dict[tuple[Path, str], Artifact] = field(default_factory=dict)
    services: list[Service] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    def reach(self, artifact: Artifact) -> bool:
        """Record ``artifact``; False when already reached or outside the repository.

        A reference that leaves the repository (``../../etc/passwd``, an absolute host
        path) is a problem, never followed: nothing outside ``root`` is read.
        """
        if not self._inside(artifact):
            return False
        key = (artifact.path, artifact.key)
        if key in self.reached:
            return False
        self.reached[key] = artifact
        return True

    def miss(self, artifact: Artifact) -> None:
        """Record a reference to a file that does not exist."""
        if self._inside(artifact):
            self.missing.setdefault((artifact.path, artifact.via), artifact)

    def _inside(self, artifact: Artifact) -> bool:
        if artifact.path.is_relative_to(self.root):
            return True
        where = self.shown(artifact.reached_from) if artifact.reached_from else "a setting"
        self.problems.append(
            f"{where}:{artifact.line}: {artifact.via or artifact.kind} points outside the "
            f"repository ({artifact.path}); not followed"
        )
        return False

    def shown(self, path: Path) -> str:
        """``path`` relative to the repository root when inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def freeze(
        self, discovered: bool, not_deployed: tuple[Artifact, ...], explicit: frozenset[str]
    ) -> DeployGraph:
        return DeployGraph(
            root=self.root,
            discovered=discovered,
            reached=tuple(self.reached.values()),
            not_deployed=not_deployed,
            missing=tuple(self.missing.values()),
            services=tuple(self.services),
            problems=tuple(self.problems),
            explicit=explicit,
        )


def read_text(path: Path) -> str | None:
    """The file's text, or None when it cannot be read as UTF-8."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def load_yaml(path: Path, builder: Builder) -> list[Any]:
    """The YAML documents of ``path`` (mappings remember lines); [] and a problem if broken."""
    import yaml

    from pytest_biothings_ready.probes.static.yamlload import load_all

    text = read_text(path)
    if text is None:
        builder.problems.append(f"{builder.shown(path)}: cannot be read as UTF-8 text")
        return []
    try:
        return [doc for doc in load_all(text) if doc is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or "not valid YAML"
        builder.problems.append(f"{builder.shown(path)}{where}: {reason}")
        return []


def line_in(path: Path, needle: str) -> int:
    """The first line of ``path`` that contains ``needle`` (1-based), else 0."""
    text = read_text(path) or ""
    index = text.find(needle)
    if index < 0:
        return 0
    return text.count("\n", 0, index) + 1


def expand_vars(value: str) -> str:
    """A compose path with ``${PWD}``/``$PWD`` taken as the compose folder (``.``)."""
    return re.sub(r"^\$\{?PWD\}?", ".", value)
