"""Dockerfile stages resolved as the build resolves them.

The image a build produces is the stage its target selects (the last stage by
default); ``USER`` and ``HEALTHCHECK`` carry over from a stage to the stages built
``FROM`` it; ``$VAR``, ``${VAR}``, ``${VAR:-default}`` and ``${VAR-default}`` expand
from build args, then ``ARG``/``ENV`` defaults, then the written default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pytest_biothings_ready.probes.static.containers.dockerfiles import (
    Dockerfile,
    Instruction,
    Stage,
)

__all__ = ["chain", "effective", "expand", "is_root_user", "variables"]

_VARIABLE = re.compile(r"\$(?:\{(\w+)(?:(:?[-+])([^}]*))?\}|(\w+))")


def chain(dockerfile: Dockerfile, target: str = "") -> list[Stage] | None:
    """The selected stage, then the stages it is built ``FROM``; None if ``target`` is unknown."""
    stage = dockerfile.stage(target) if target else dockerfile.final
    if stage is None:
        return None
    found: list[Stage] = []
    while stage is not None and stage not in found:
        found.append(stage)
        stage = dockerfile.stage(stage.base)
    return found


def effective(stages: list[Stage], name: str) -> Instruction | None:
    """The ``name`` instruction in force in the image: the last one along the chain."""
    for stage in stages:
        found = stage.last(name)
        if found is not None:
            return found
    return None


def variables(
    dockerfile: Dockerfile, stages: list[Stage], build_args: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Values of ``ARG`` and ``ENV`` in the image, build args overriding ``ARG`` defaults."""
    args = dict(build_args or {})
    known: dict[str, str] = {}
    for inst in dockerfile.preamble:
        name, _, default = inst.value.partition("=")
        known[name.strip()] = args.get(name.strip(), _unquote(default))
    for stage in reversed(stages):
        for inst in stage.instructions:
            for name, value in _pairs(inst):
                if inst.name == "ARG":
                    value = args.get(name, value if value is not None else known.get(name))
                if value is not None:
                    known[name] = expand(value, known) or ""
    return known


def _pairs(inst: Instruction) -> list[tuple[str, str | None]]:
    if inst.name == "ARG":
        name, sep, default = inst.value.strip().partition("=")
        return [(name.strip(), _unquote(default) if sep else None)]
    if inst.name != "ENV":
        return []
    words = inst.value.split()
    if words and "=" not in words[0]:
        return [(words[0], _unquote(" ".join(words[1:])))]
    return [(w.partition("=")[0], _unquote(w.partition("=")[2])) for w in words if "=" in w]


def _unquote(text: str) -> str:
    return text.strip().strip("\"'")


def expand(text: str, known: Mapping[str, str]) -> str | None:
    """``text`` with variables expanded; None when one has no value and no default."""
    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1) or match.group(4)
        op, default = match.group(2), match.group(3) or ""
        value = known.get(name)
        if op == ":-" and not value:
            return default
        if op == "-" and value is None:
            return default
        if op in {":+", "+"}:
            return default if value else ""
        if value is None:
            missing = True
            return ""
        return value

    result = _VARIABLE.sub(one, text.replace("$$", "\0"))
    return None if missing else result.replace("\0", "$")


def is_root_user(user: str) -> bool:
    """Whether a ``USER``/``user:`` value runs as root: ``root``, ``0``, ``0000``, ``0:0``."""
    name = user.strip().split(":")[0].strip()
    return name == "root" or (name.isdigit() and int(name) == 0)
