"""Python application code read with ``ast``: calls, decorators, routes (never comments)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Call", "PyFacts", "read_python"]

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "delete", "patch", "route", "api_route", "websocket", "head"}
)


@dataclass(frozen=True)
class Call:
    """One call in the source.

    Attributes:
        name: the dotted callee as written (``app.add_middleware``, ``CORS``).
        where: ``file:line``.
        args: positional arguments: literal values, else the source text.
        kwargs: keyword arguments: literal values, else the source text wrapped in ``<>``.
        decorator: the call decorates a function.
    """

    name: str
    where: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    decorator: bool = False


@dataclass
class PyFacts:
    """Calls, module-level literal assignments and route paths of Python files."""

    calls: list[Call] = field(default_factory=list)
    assigned: dict[str, Any] = field(default_factory=dict)
    assigned_at: dict[str, str] = field(default_factory=dict)
    imports: set[str] = field(default_factory=set)
    strings: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return dotted(node.func) + "()"
    return "?"


def value(node: ast.AST, assigned: dict[str, Any]) -> Any:
    """A literal value, a known module-level name's value, else ``<source>``."""
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, RecursionError):
        pass
    if isinstance(node, ast.Name) and node.id in assigned:
        return assigned[node.id]
    return f"<{ast.unparse(node)}>"


def read_python(text: str, shown: str, facts: PyFacts) -> None:
    """Add the facts of one Python file (a file that does not parse adds nothing)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                facts.assigned[target.id] = value(node.value, facts.assigned)
                facts.assigned_at[target.id] = f"{shown}:{node.lineno}"
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        _fields(cls, facts)
    decorators = {
        id(d) for n in ast.walk(tree) if hasattr(n, "decorator_list") for d in n.decorator_list
    }
    for item in ast.walk(tree):
        _collect(item, shown, facts, decorators)


def _collect(node: ast.AST, shown: str, facts: PyFacts, decorators: set[int]) -> None:
    """Add what one AST node says (an import, a string constant, a call)."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        module = getattr(node, "module", None) or ""
        facts.imports.update([module] + [a.name for a in node.names])
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
        facts.strings.setdefault(node.value, f"{shown}:{node.lineno}")
    if isinstance(node, ast.Call):
        facts.calls.append(
            Call(
                dotted(node.func),
                f"{shown}:{node.lineno}",
                tuple(value(a, facts.assigned) for a in node.args),
                {k.arg: value(k.value, facts.assigned) for k in node.keywords if k.arg},
                id(node) in decorators,
            )
        )


def _fields(cls: ast.ClassDef, facts: PyFacts) -> None:
    """Class-level literal defaults (a pydantic ``Settings`` class), by lower-case name."""
    for node in cls.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            facts.fields.setdefault(node.target.id.lower(), value(node.value, facts.assigned))
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            facts.fields.setdefault(node.targets[0].id.lower(), value(node.value, facts.assigned))


def routes(facts: PyFacts) -> set[str]:
    """Route paths as written, and as joined with every router prefix seen."""
    written = {
        c.args[0]
        for c in facts.calls
        if c.name.rsplit(".", 1)[-1] in ROUTE_METHODS
        and c.args
        and isinstance(c.args[0], str)
        and (c.decorator or c.name.endswith("add_api_route"))
        and c.args[0].startswith("/")
    }
    written |= {
        c.args[0]
        for c in facts.calls
        if c.name.endswith((".mount", ".add_route", "path", "re_path"))
        and c.args
        and isinstance(c.args[0], str)
    }
    prefixes = {
        c.kwargs["prefix"]
        for c in facts.calls
        if isinstance(c.kwargs.get("prefix"), str) and c.kwargs["prefix"].startswith("/")
    }
    joined = {p.rstrip("/") + "/" + r.lstrip("/") for p in prefixes for r in written}
    return {"/" + r.lstrip("/") if not r.startswith("/") else r for r in written} | joined
