"""Small helpers shared by the static checks: artifact paths and evidence wording."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import NotConfigured, ProbeError

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.evidence.registry import Context
    from pytest_biothings_ready.model import Verdict

__all__ = [
    "Problem",
    "artifact_files",
    "dig",
    "display",
    "listing",
    "need_any",
    "optional",
    "plural",
    "seconds",
    "verdict",
]

# How many findings an evidence paragraph quotes before it says "and N more".
QUOTED = 5


@dataclass(frozen=True)
class Problem:
    """One observation against a rule.

    Attributes:
        where: ``file:line``.
        what: what was seen, in a few words (never a secret value).
    """

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where} {self.what}"


def display(env: Environment, path: Path) -> str:
    """``path`` relative to the config folder when it lies inside it."""
    try:
        return path.resolve().relative_to(env.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def artifact_files(
    env: Environment,
    key: str,
    suffixes: tuple[str, ...] = (),
    skip: frozenset[str] = frozenset(),
) -> list[Path]:
    """The files named by setting ``key`` (folders expanded, sorted); raises if absent.

    Folders named in ``skip`` are pruned during the walk (``node_modules`` can hold
    100,000 files that must not even be listed).
    """
    found: list[Path] = []
    for value in env.get(key) or []:
        path = env.path(str(value))
        if path.is_dir():
            found.extend(
                sorted(p for p in _walk(path, skip) if not suffixes or p.suffix in suffixes)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise ProbeError(f"{key}: {value} does not exist (resolved to {path})")
    return found


def _walk(folder: Path, skip: frozenset[str]) -> Iterator[Path]:
    for current, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in skip]
        yield from (Path(current) / name for name in files)


def need_any(env: Environment, *keys: str) -> None:
    """Raise NotConfigured unless at least one of ``keys`` is set."""
    if not any(env.get(key) for key in keys):
        names = " or ".join(f"`{k}`" for k in keys)
        raise NotConfigured(keys[0], env.name, f"name the artifacts to read ({names})")


def listing(problems: Sequence[object], limit: int = QUOTED) -> str:
    """``a; b; c`` and ``(+N more)`` beyond ``limit``."""
    shown = "; ".join(str(p) for p in problems[:limit])
    extra = len(problems) - limit
    return shown + (f" (+{extra} more)" if extra > 0 else "")


def plural(count: int, noun: str) -> str:
    if count == 1:
        return f"{count} {noun}"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return f"{count} {noun[:-1]}ies"
    return f"{count} {noun}" + ("es" if noun.endswith(("s", "sh", "ch")) else "s")


_DURATION = re.compile(r"^(\d+)(ms|s|m|h|d|w)$")
_UNIT = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def seconds(duration: str) -> float:
    """Seconds in a schema duration such as ``"7d"``."""
    match = _DURATION.match(duration)
    if not match:
        raise ValueError(f"not a duration: {duration!r}")
    return int(match.group(1)) * _UNIT[match.group(2)]


def first(items: Iterable[str]) -> str:
    return next(iter(items), "")


def optional(ctx: Context, evidence: str, key: str) -> Any:
    """Evidence ``evidence`` when setting ``key`` is configured, else None."""
    return ctx.evidence(evidence) if ctx.env.get(key) else None


def verdict(problems: Sequence[object], fail_head: str, pass_text: str) -> Verdict:
    """Failed listing ``problems`` after ``fail_head``, else passed with ``pass_text``."""
    from pytest_biothings_ready.model import Verdict

    if problems:
        return Verdict.failed(f"{fail_head}: {listing(problems)}.")
    return Verdict.passed(pass_text)


def dig(node: Any, *path: str) -> Any:
    """``node[path[0]][path[1]]...``, None where a level is missing or not a mapping."""
    from collections.abc import Mapping

    for part in path:
        node = node.get(part) if isinstance(node, Mapping) else None
    return node
