"""YAML with line numbers: mappings remember where they and their keys start.

PyYAML's C parser (libyaml) does the parsing; only the construction of mappings is
ours, so that every finding can quote ``file:line``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["LineDict", "key_line", "line_of", "load_all", "yaml_error"]


class LineDict(dict[str, Any]):
    """A mapping that knows its line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


def line_of(node: Any, default: int = 0) -> int:
    """The line where ``node`` starts, when it is a mapping from :func:`load_all`."""
    return node.line if isinstance(node, LineDict) else default


def key_line(node: Any, key: str, default: int = 0) -> int:
    """The line of ``key`` inside mapping ``node``, else the mapping's own line."""
    if isinstance(node, LineDict):
        return node.key_lines.get(key, node.line)
    return default


def _loader() -> type[Any]:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    def construct(loader: Any, node: Any) -> Iterator[LineDict]:
        data = LineDict()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        yield data
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.MappingNode):
                # No artifact uses mapping keys; an unquoted ``{{ x }}`` reads as one.
                raise yaml.constructor.ConstructorError(
                    None, None, "found a mapping used as a key", key_node.start_mark
                )
            key = loader.construct_object(key_node, deep=True)
            key = str(key) if not isinstance(key, str) else key
            data[key] = loader.construct_object(value_node, deep=True)
            data.key_lines[key] = key_node.start_mark.line + 1

    Loader.add_constructor("tag:yaml.org,2002:map", construct)
    return Loader


_LOADER: type[Any] | None = None


def load_all(text: str) -> list[Any]:
    """Every document of ``text``; raises ``yaml.YAMLError`` with a mark on bad YAML."""
    import yaml

    global _LOADER
    if _LOADER is None:
        _LOADER = _loader()
    return [doc for doc in yaml.load_all(text, Loader=_LOADER) if doc is not None]


def yaml_error(path: str, exc: Exception) -> str:
    """A one-line description of a YAML error naming ``path`` and the line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"{path}:{mark.line + 1}" if mark is not None else path
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{where}: YAML does not parse ({problem})"
