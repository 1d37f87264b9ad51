"""Read a compose healthcheck ``test``: the commands it runs and the local paths it asks."""

from __future__ import annotations

import re

__all__ = ["commands", "local_paths", "path_defined"]

_URL = re.compile(
    r"https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::\d+)?(/[^\s'\"\\)]*)?"
)
_PARAM = re.compile(r"\{[^}]+\}|:\w+|<[^>]+>")
_SPLIT = re.compile(r"&&|\|\||;|\|")


def commands(test: str) -> tuple[bool, list[str]]:
    """(runs through a shell, the command words) of a healthcheck ``test``."""
    words = test.split()
    if not words or words[0] == "NONE":
        return False, []
    shell = words[0] != "CMD"
    body = test.split(None, 1)[1] if words[0] in ("CMD", "CMD-SHELL") and len(words) > 1 else test
    if not shell:
        return False, [body.split()[0].rsplit("/", 1)[-1]]
    found = []
    for part in _SPLIT.split(body):
        head = part.split()
        while head and (head[0] in ("exec", "timeout", "!") or head[0].isdigit()):
            head = head[1:]
        if head:
            found.append(head[0].rsplit("/", 1)[-1])
    return True, found


def local_paths(test: str) -> list[str]:
    """Paths of the local URLs a healthcheck asks (``/`` when the URL has none)."""
    return [(m.group(1) or "/").split("?", 1)[0] for m in _URL.finditer(test)]


def path_defined(path: str, routes: frozenset[str]) -> bool:
    """Whether ``path`` matches a route (``{param}``/``:param``/``<param>`` segments match any)."""
    wanted = [p for p in path.split("/") if p]
    return any(_matches(wanted, [p for p in r.split("/") if p]) for r in routes)


def _matches(wanted: list[str], route: list[str]) -> bool:
    for index, part in enumerate(route):
        if part.endswith((":path}", ":path>")):  # {rest:path} takes every remaining segment
            return len(wanted) > index
        if index >= len(wanted):
            return False
        if not _PARAM.fullmatch(part) and part != wanted[index]:
            return False
    return len(wanted) == len(route)
