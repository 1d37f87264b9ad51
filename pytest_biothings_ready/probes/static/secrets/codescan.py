"""Credentials in application code and config, found by the framework's schema.

- Python (``ast``): ``NAME = "literal"`` and ``"a" + "b"`` concatenations for
  secret-named targets; dict entries such as Django's ``DATABASES`` ``"PASSWORD"``;
  defaults of ``os.getenv("DB_PASSWORD", "...")``, ``os.environ.get``,
  ``environ.setdefault`` and python-decouple's ``config(..., default=...)``; keyword
  arguments such as ``connect(password="...")``.
- Java/Spring ``*.properties`` (``spring.datasource.password=...``) and application
  YAML/JSON config (``spring: datasource: password:``), keys joined by dots.
- Any language, per line: ``key = "ab" + "cd"`` joined, and JavaScript's
  ``process.env.X || "literal"`` defaults.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pytest_biothings_ready.probes.static.secrets.findings import (
    Finding,
    database_name,
    finding,
    literal,
    secret_name,
)

__all__ = ["code_findings", "joined_literals"]

GETTERS = frozenset({"getenv", "get", "setdefault", "config", "env", "str"})
CONCAT = re.compile(
    r"""([\w.\-]+)["']?\s*(?::=|[:=])\s*((?:["'][^"'\n]*["']\s*\+\s*)+["'][^"'\n]*["'])"""
)
JS_DEFAULT = re.compile(r"""process\.env\.(\w+)\s*(?:\|\||\?\?)\s*["']([^"'\n]+)["']""")
QUOTED = re.compile(r"""["']([^"'\n]*)["']""")
SECRET_WORDS = re.compile(r"pass|secret|token|key|credential|salt", re.IGNORECASE)


def code_findings(shown: str, suffix: str, text: str, config: bool = True) -> Iterator[Finding]:
    """Findings in one source or config file (by its suffix).

    ``config=False`` skips the YAML/JSON config walk, for files already read by
    structure (manifests, compose files): parsing them twice doubles the scan's cost.
    """
    yield from _line_findings(shown, text)
    if not SECRET_WORDS.search(text):
        return
    if suffix == ".py":
        yield from _python(shown, text)
    elif suffix == ".properties":
        yield from _properties(shown, text)
    elif suffix in {".yml", ".yaml", ".json"} and config:
        yield from _config(shown, text, suffix)


def joined_literals(expr: str) -> str:
    """``"ab" + 'cd'`` -> ``abcd``."""
    return "".join(QUOTED.findall(expr))


def _line_findings(shown: str, text: str) -> Iterator[Finding]:
    if "+" in text:
        for match in CONCAT.finditer(text):
            name, value = match.group(1), joined_literals(match.group(2))
            if secret_name(name) and literal(value):
                line = text.count("\n", 0, match.start()) + 1
                yield finding(shown, line, f"literal {name} split by +", value, name)
    if "process.env" in text:
        for match in JS_DEFAULT.finditer(text):
            name, value = match.groups()
            if secret_name(name) and literal(value):
                line = text.count("\n", 0, match.start()) + 1
                yield finding(shown, line, f"default for {name} in process.env", value, name)


def _string(node: ast.AST | None) -> str | None:
    """The value of a string literal or a ``+`` concatenation of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _string(node.left), _string(node.right)
        return None if left is None or right is None else left + right
    return None


def _target_name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _string(node.slice) or ""
    return ""


def _python(shown: str, text: str) -> Iterator[Finding]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            yield from _assignment(shown, node)
        elif isinstance(node, ast.Dict):
            yield from _dict(shown, node)
        elif isinstance(node, ast.Call):
            yield from _call(shown, node)
        elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            yield from _or_default(shown, node)


def _or_default(shown: str, node: ast.BoolOp) -> Iterator[Finding]:
    """``os.getenv("DB_PASSWORD") or "literal"``: the literal runs when the variable is unset."""
    first = node.values[0]
    if not isinstance(first, ast.Call) or _target_name(first.func) not in GETTERS:
        return
    name = _string(first.args[0]) if first.args else None
    for value_node in node.values[1:]:
        value = _string(value_node)
        if name and value is not None and secret_name(name) and literal(value):
            yield finding(shown, node.lineno, f"default for {name} after or", value, name)


def _assignment(shown: str, node: ast.Assign | ast.AnnAssign) -> Iterator[Finding]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    value = _string(node.value)
    for target in targets:
        name = _target_name(target)
        if value is not None and secret_name(name) and literal(value):
            yield finding(shown, node.lineno, f"literal {name} in Python", value, name)
        if name.upper() == "DATABASES" and isinstance(node.value, ast.Dict):
            yield from _dict(shown, node.value, database=True)


def _dict(shown: str, node: ast.Dict, database: bool = False) -> Iterator[Finding]:
    keys = [_string(k) or "" for k in node.keys]
    engine = database or any(k.upper() in {"ENGINE", "DRIVER", "DIALECT"} for k in keys)
    for key, value_node in zip(keys, node.values, strict=True):
        value = _string(value_node)
        if value is not None and secret_name(key) and literal(value):
            label = f"{key} in a database setting" if engine else f"literal {key} in Python dict"
            hit = finding(shown, value_node.lineno, label, value, key)
            yield _as_database(hit) if engine else hit
        if isinstance(value_node, ast.Dict):
            yield from _dict(shown, value_node, database)


def _call(shown: str, node: ast.Call) -> Iterator[Finding]:
    func = _target_name(node.func)
    args = [_string(a) for a in node.args]
    default = args[1] if len(args) > 1 else None
    default = next(
        (_string(k.value) for k in node.keywords if k.arg in {"default", "fallback"}), default
    )
    name = args[0] if args else None
    if func in GETTERS and name and default is not None and secret_name(name) and literal(default):
        yield finding(shown, node.lineno, f"default for {name} in {func}()", default, name)
    database = _db_call(func, {k.arg.upper() for k in node.keywords if k.arg})
    for keyword in node.keywords:
        value = _string(keyword.value)
        if keyword.arg and value is not None and secret_name(keyword.arg) and literal(value):
            hit = finding(shown, node.lineno, f"literal {keyword.arg}= in {func}()", value, "")
            yield _as_database(hit) if database else hit


def _db_call(func: str, keywords: set[str]) -> bool:
    """A call that opens or describes a database connection."""
    return (
        database_name(func)
        or func.lower() in {"connect", "create_engine", "create_pool", "pool"}
        or bool(keywords & {"ENGINE", "DATABASE", "DBNAME", "DB", "DSN"})
    )


def _as_database(hit: Finding) -> Finding:
    return Finding(hit.file, hit.line, hit.type, hit.digest, True, True, hit.placeholder)


def _properties(shown: str, text: str) -> Iterator[Finding]:
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        match = re.match(r"([^=:\s]+)\s*[=:\s]\s*(.*)$", line)
        if match and secret_name(match.group(1)) and literal(match.group(2)):
            key, value = match.groups()
            yield finding(shown, number, f"literal {key} in properties", value.strip(), key)


def _config(shown: str, text: str, suffix: str) -> Iterator[Finding]:
    """Leaves of application config (not Kubernetes objects or compose files)."""
    import json

    import yaml

    from pytest_biothings_ready.probes.static.yamlload import load_all

    try:
        docs = [json.loads(text)] if suffix == ".json" else load_all(text)
    except (ValueError, yaml.YAMLError):
        return
    for doc in docs:
        manifest = isinstance(doc, Mapping) and "kind" in doc and "apiVersion" in doc
        if isinstance(doc, Mapping) and not manifest:
            yield from _leaves(shown, doc, "", text if suffix == ".json" else "")


def _leaves(shown: str, node: Mapping[str, Any], path: str, text: str) -> Iterator[Finding]:
    from pytest_biothings_ready.probes.static.yamlload import key_line

    for key, value in node.items():
        dotted = f"{path}.{key}" if path else str(key)
        if isinstance(value, Mapping):
            yield from _leaves(shown, value, dotted, text)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping):
                    yield from _leaves(shown, item, f"{dotted}[]", text)
        elif isinstance(value, str) and secret_name(str(key)) and literal(value):
            line = key_line(node, str(key)) or _json_line(text, str(key))
            yield finding(shown, line, f"literal {dotted} in config", value, dotted)


def _json_line(text: str, key: str) -> int:
    at = text.find(f'"{key}"')
    return text.count("\n", 0, at) + 1 if at >= 0 else 1
