"""Read a TOML file for the plugin: its bytes (for the record's SHA-256) and its data."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_biothings_ready.errors import ConfigError

__all__ = ["MAX_DEPTH", "read_toml"]

# No setting nests deeper than a few levels; deeper data is refused before any walk.
MAX_DEPTH = 16
_DEEP = re.compile(r"([A-Za-z0-9_.\"'-]+)\s*=\s*[\[{]\s*[\[{]\s*[\[{]")


def read_toml(path: Path, what: str) -> tuple[dict[str, Any], str]:
    """``(data, sha256)`` of ``path``; ConfigError naming ``what`` and the file otherwise."""
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    except (RecursionError, MemoryError):
        match = _DEEP.search(raw.decode("utf-8", "replace"))
        key = f" (key {match.group(1)})" if match else ""
        raise ConfigError(f"{path}: {what} nested too deeply to read{key}") from None
    deep = _too_deep(data)
    if deep is not None:
        raise ConfigError(
            f"{path}: {deep} nests more than {MAX_DEPTH} levels deep; no setting does"
        )
    return data, hashlib.sha256(raw).hexdigest()


def _too_deep(data: Mapping[str, Any]) -> str | None:
    """The dotted key of the first value nested deeper than MAX_DEPTH, else None."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        node, name, depth = stack.pop()
        if depth > MAX_DEPTH:
            return name or "the file"
        if isinstance(node, Mapping):
            stack += [(v, f"{name}.{k}" if name else str(k), depth + 1) for k, v in node.items()]
        elif isinstance(node, list):
            stack += [(v, name, depth + 1) for v in node]
    return None
