"""Which registered checks have a test asserting FAILED against a target lacking the property.

A static scan, cheap enough to run with the core tests: a test function *covers* a
check when it asserts a failure (it names ``Status.FAILED`` or compares with
``"failed"``) and references one of the check's lines: its title (as a string
literal, a module constant, a ``parametrize`` value) or the built-in item id.
Strings in local helper functions the test calls count too (one level deep).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pytest_biothings_ready.checklist.parse import BUILTIN, load_checklist
from pytest_biothings_ready.evidence import registry
from pytest_biothings_ready.evidence.registry import Check, normalize_title

__all__ = ["Coverage", "registered_checks", "scan"]


@dataclass(frozen=True)
class Coverage:
    """Where one check's failing case is tested.

    Attributes:
        check: the check's qualified name.
        titles: the lines it decides.
        tests: ``path::function`` of the tests asserting FAILED on one of them.
    """

    check: str
    titles: tuple[str, ...]
    tests: tuple[str, ...]


def registered_checks() -> list[Check]:
    """Every registered check, once each, by qualified name."""
    registry.load_families()
    unique: dict[str, Check] = {}
    for bucket in registry._CHECKS.values():
        for entry in bucket:
            unique.setdefault(entry.name, entry)
    return sorted(unique.values(), key=lambda c: c.name)


def _keys_of(entry: Check, ids: dict[str, str]) -> set[str]:
    """Normalized titles and built-in item ids that name ``entry``'s lines."""
    keys: set[str] = set()
    for title in entry.titles:
        norm = normalize_title(title)
        keys.add(norm)
        if norm in ids:
            keys.add(ids[norm])
        if title.casefold() in ids.values():  # registered by item id
            keys.add(title.casefold())
            keys |= {t for t, i in ids.items() if i == title.casefold()}
    return keys


def scan(tests_root: Path, skip: Iterable[Path] = ()) -> list[Coverage]:
    """Coverage of every registered check by the test files under ``tests_root``."""
    ids = {normalize_title(item.title): item.id for item in load_checklist(BUILTIN)}
    failing: dict[str, set[str]] = {}  # normalized string -> tests
    skipped = {p.resolve() for p in skip}
    for path in sorted(tests_root.rglob("test_*.py")):
        if path.resolve() in skipped:
            continue
        for test, strings in _failing_tests(path):
            for text in strings:
                failing.setdefault(normalize_title(text), set()).add(test)
                failing.setdefault(text.casefold(), set()).add(test)
    result = []
    for entry in registered_checks():
        tests = set().union(*(failing.get(key, set()) for key in _keys_of(entry, ids)))
        result.append(Coverage(entry.name, entry.titles, tuple(sorted(tests))))
    return result


def _failing_tests(path: Path) -> Iterator[tuple[str, set[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _module_strings(tree)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    for name, node in functions.items():
        if not name.startswith("test_") or not _asserts_failed(node):
            continue
        strings = _strings(node, constants)
        for called in _called_names(node):
            if called in functions and not called.startswith("test_"):
                strings |= _strings(functions[called], constants)
        yield f"{path.name}::{name}", strings


def _module_strings(tree: ast.Module) -> dict[str, set[str]]:
    """Module constants holding strings (or tuples/lists of them), by name."""
    found: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            values = {c.value for c in ast.walk(node) if _is_str(c)} if node.value else set()
            for target in targets:
                if isinstance(target, ast.Name):
                    found[target.id] = values
    return found


def _is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _asserts_failed(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr == "FAILED":
            return True
        if isinstance(sub, ast.Compare) and any(
            _is_str(c) and c.value == "failed"  # type: ignore[attr-defined]
            for c in [sub.left, *sub.comparators]
        ):
            return True
    return False


def _strings(node: ast.AST, constants: dict[str, set[str]]) -> set[str]:
    strings: set[str] = set()
    for sub in ast.walk(node):
        if _is_str(sub):
            strings.add(sub.value)  # type: ignore[attr-defined]
        elif isinstance(sub, ast.Name) and sub.id in constants:
            strings |= constants[sub.id]
    return strings


def _called_names(node: ast.AST) -> set[str]:
    return {
        sub.func.id
        for sub in ast.walk(node)
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name)
    }
