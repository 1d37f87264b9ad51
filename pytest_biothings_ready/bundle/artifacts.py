"""The SHA-256 of every artifact that decided a line, for the bundle.

Hashed: the config file, attestations.toml, the checklist, every document an
attestation is bound to, every file a path setting of the environment names
(``dockerfiles``, ``compose_files``, ``manifests``, ``nginx_configs``, monitoring
files, scan reports, ...; folders are walked), and every file the gathered evidence
names in a ``file``/``path``/``source`` field (what the static family parsed, found
by discovery or by following references).  Not hashed, and said so in the bundle:
files linked tests read, and files a gatherer read without naming them in its result.
Hashing stops at :data:`MAX_FILES` files.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.config.documents import file_sha256
from pytest_biothings_ready.config.environment import dig
from pytest_biothings_ready.config.schema import keys

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.session import ReadySession

__all__ = ["MAX_FILES", "NOT_COVERED", "artifact_hashes"]

MAX_FILES = 5000
SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache"}
NOT_COVERED = (
    "files read by linked tests, and files a gatherer read without naming them in its "
    "result (file/path/source fields), are not listed"
)
FIELDS = ("file", "path", "source", "files", "paths")
MAX_NODES = 50_000


def _entry(path: Path, role: str) -> dict[str, Any]:
    try:
        return {
            "path": str(path),
            "role": role,
            "sha256": file_sha256(path),
            "size": path.stat().st_size,
        }
    except OSError as exc:
        return {"path": str(path), "role": role, "sha256": None, "note": str(exc)}


def _walk(root: Path) -> Iterator[Path]:
    if root.is_file() or not root.exists():  # a missing file is listed with its error
        yield root
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            yield Path(folder) / name


def _path_settings(settings: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for name, key in sorted(keys().items()):
        if key.kind != "path" and not (key.kind == "list" and key.values == "path"):
            continue
        value = dig(settings, name)
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, str) and one:
                yield name, one


def artifact_hashes(ready: ReadySession) -> dict[str, Any]:
    """``{"files": [...], "truncated": bool, "not_covered": str}``."""
    files: list[dict[str, Any]] = []
    if ready.config.path is not None:
        files.append(_entry(ready.config.path, "config"))
    if ready.attestations.path is not None:
        files.append(_entry(ready.attestations.path, "attestations"))
    files.append(_entry(ready.checklist.path, "checklist"))
    base = ready.attestations.path.parent if ready.attestations.path else Path.cwd()
    for entries in ready.attestations.entries.values():
        files += [_entry(base / e.file, f"attested for {e.item}") for e in entries if e.file]
    env, truncated = ready.env, False
    if env is not None:
        seen = {f["path"] for f in files}
        for role, path in _named_files(ready, env):
            if len(files) >= MAX_FILES:
                truncated = True
                break
            if str(path) not in seen:
                seen.add(str(path))
                files.append(_entry(path, role))
    return {"files": files, "truncated": truncated, "not_covered": NOT_COVERED}


def _named_files(ready: ReadySession, env: Environment) -> Iterator[tuple[str, Path]]:
    for setting, value in _path_settings(env.settings):
        for path in _walk(env.path(value)):
            yield f"setting {setting}", path
    store = ready.started_store
    for name, result in sorted(store.completed().items() if store else ()):
        for value in _evidence_paths(result):
            path = env.path(value)
            if path.is_file():
                yield f"read by gatherer {name}", path


def _evidence_paths(result: Any) -> list[str]:
    """String values of file/path/source fields anywhere in a gatherer's result."""
    found: list[str] = []
    stack: list[tuple[Any, bool]] = [(result, False)]
    visited = 0
    while stack and visited < MAX_NODES:
        node, named = stack.pop()
        visited += 1
        if isinstance(node, str | Path):
            if named and str(node) and "\n" not in str(node) and len(str(node)) < 4096:
                found.append(str(node))
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            stack += [(getattr(node, f.name), f.name in FIELDS) for f in dataclasses.fields(node)]
        elif isinstance(node, Mapping):
            stack += [(value, str(key) in FIELDS) for key, value in node.items()]
        elif isinstance(node, list | tuple | set | frozenset):
            stack += [(value, named) for value in node]
    return found
