"""Which discovered manifest files deploy: kustomize inputs, duplicates, custom kinds.

A repository often keeps the same objects several times (per-service files and a
rendered release bundle, a kustomize base) and kustomize overlays whose patches change
what is deployed.  Discovery keeps one copy of each object (rendered/release bundles
first), leaves kustomize inputs to their clear error when nothing else is found, and
names the custom resource kinds it saw so that the static family accepts them.
Objects are read with a text scan (``apiVersion``/``kind``/``metadata.name``), no YAML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pytest_biothings_ready.deploy.builder import Builder, load_yaml, read_text

__all__ = ["choose_manifests", "custom_kinds", "objects_in"]

_DOC = re.compile(r"^---.*$", re.MULTILINE)
_API = re.compile(r"^apiVersion:\s*['\"]?([\w.\-/]+)", re.MULTILINE)
_KIND = re.compile(r"^kind:\s*['\"]?(\w+)", re.MULTILINE)
_NAME = re.compile(
    r"^metadata:\s*(?:\{[^}]*?\bname:\s*['\"]?([\w.\-]+)"  # flow: {name: x}
    r"|\n(?:[ \t]+.*\n)*?[ \t]+name:\s*['\"]?([\w.\-]+))",  # block: indented name
    re.MULTILINE,
)
_KUSTOMIZATION = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_PREFERRED = re.compile(r"release|rendered|prod", re.IGNORECASE)


def objects_in(path: Path) -> list[tuple[str, str, str]]:
    """(apiVersion, kind, name) of every object in a manifest file (text scan)."""
    found = []
    for doc in _DOC.split(read_text(path) or ""):
        api, kind = _API.search(doc), _KIND.search(doc)
        if api and kind:
            name = _NAME.search(doc)
            found.append(
                (api.group(1), kind.group(1), (name.group(1) or name.group(2)) if name else "")
            )
    return found


def choose_manifests(paths: list[Path], builder: Builder) -> list[Path]:
    """The manifest files that deploy, out of every discovered one."""
    roots = [p.parent for p in paths if p.name in _KUSTOMIZATION]
    plain = [p for p in paths if not any(p.is_relative_to(r) for r in roots)]
    if plain:
        for root in _outermost(roots):
            builder.problems.append(
                f"{builder.shown(root)}: kustomize input, not judged (rendered manifests were "
                f"found); render it with `kubectl kustomize {builder.shown(root)}` and name the "
                "output in `manifests`"
            )
        return _deduplicated(plain, builder)
    chosen: list[Path] = []
    for kustomization in (p for p in paths if p.name in _KUSTOMIZATION):
        chosen.extend(_kustomized(kustomization, builder))
    return list(dict.fromkeys(chosen))


def _outermost(roots: list[Path]) -> list[Path]:
    return sorted({r for r in roots if not any(r != o and r.is_relative_to(o) for o in roots)})


def _kustomized(kustomization: Path, builder: Builder) -> list[Path]:
    """A resources-only kustomization: its resource files; else itself (its clear error)."""
    docs = load_yaml(kustomization, builder)
    body = docs[0] if docs and isinstance(docs[0], dict) else {}
    if set(body) - {"apiVersion", "kind", "metadata", "resources"}:
        return [kustomization]
    files = [kustomization.parent / str(r) for r in body.get("resources") or []]
    return [kustomization, *(f.resolve() for f in files if f.is_file())]


def _deduplicated(paths: list[Path], builder: Builder) -> list[Path]:
    """Rendered/release bundles first; a file whose objects are all kept already is a copy."""
    ordered = sorted(paths, key=lambda p: not _PREFERRED.search(builder.shown(p)))
    kept: list[Path] = []
    seen: set[tuple[str, str]] = set()
    for path in ordered:
        objects = {(kind, name) for _, kind, name in objects_in(path) if name}
        if objects and objects <= seen:
            continue
        seen |= objects
        kept.append(path)
    return sorted(kept, key=paths.index)


def custom_kinds(paths: Iterable[Path]) -> frozenset[str]:
    """Kinds whose apiVersion group is a custom one (dotted, not ``*.k8s.io``)."""
    kinds = set()
    for path in paths:
        for api, kind, _ in objects_in(path):
            group = api.rpartition("/")[0]
            if "." in group and not group.endswith("k8s.io"):
                kinds.add(kind)
    return frozenset(kinds)
