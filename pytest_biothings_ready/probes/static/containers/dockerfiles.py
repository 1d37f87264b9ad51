"""Dockerfiles: parsed once per session by dockerfile-parse, split into stages.

dockerfile-parse is lenient, so the syntax it accepts is narrowed here: an unknown
instruction, or an instruction before the first ``FROM`` other than ``ARG``, is a
ProbeError naming file and line (the items that read Dockerfiles become ``error``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.static.common import artifact_files, display
from pytest_biothings_ready.probes.static.containers.heredocs import fold_heredocs

__all__ = ["Dockerfile", "Instruction", "Stage", "gather_dockerfiles", "parse_dockerfile"]

INSTRUCTIONS = frozenset(
    """
FROM RUN CMD LABEL MAINTAINER EXPOSE ENV ADD COPY ENTRYPOINT
VOLUME USER WORKDIR ARG ONBUILD STOPSIGNAL HEALTHCHECK SHELL COMMENT
""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Instruction:
    """One instruction.

    Attributes:
        name: upper-case instruction (``USER``).
        value: its arguments, continuation lines joined.
        line: 1-based line where it starts.
    """

    name: str
    value: str
    line: int


@dataclass(frozen=True)
class Stage:
    """One build stage (``FROM ... [AS name]`` up to the next ``FROM``).

    Attributes:
        base: the image or stage it starts from.
        alias: its ``AS`` name ("" when none).
        line: line of its ``FROM``.
        instructions: the instructions after ``FROM``.
    """

    base: str
    alias: str
    line: int
    instructions: tuple[Instruction, ...]

    def last(self, name: str) -> Instruction | None:
        found = [i for i in self.instructions if i.name == name]
        return found[-1] if found else None


@dataclass(frozen=True)
class Dockerfile:
    """A parsed Dockerfile.

    Attributes:
        file: path shown in evidence.
        stages: its build stages, in order (the last one is the image).
        preamble: ``ARG`` instructions before the first ``FROM``.
    """

    file: str
    stages: tuple[Stage, ...]
    preamble: tuple[Instruction, ...]

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def stage(self, name: str) -> Stage | None:
        return next((s for s in self.stages if s.alias and s.alias == name.lower()), None)

    def all_instructions(self) -> list[Instruction]:
        return list(self.preamble) + [i for s in self.stages for i in s.instructions]


@gatherer("dockerfiles", needs=("dockerfiles",))
def gather_dockerfiles(ctx: Context) -> tuple[Dockerfile, ...]:
    """Parse every named Dockerfile once."""
    return tuple(
        parse_dockerfile(path, display(ctx.env, path))
        for path in artifact_files(ctx.env, "dockerfiles")
    )


def parse_dockerfile(path: Path, shown: str) -> Dockerfile:
    """Parse one Dockerfile (ProbeError when it cannot be read or is not one)."""
    from dockerfile_parse import DockerfileParser

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProbeError(f"{shown}: cannot read ({exc})") from None
    # utf-8-sig: a BOM would glue itself to the first instruction's name.
    text = fold_heredocs(raw.decode("utf-8-sig", errors="replace"))
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode()), env_replace=False)
    instructions = [
        Instruction(str(s["instruction"]).upper(), str(s["value"]), int(s["startline"]) + 1)
        for s in parser.structure
    ]
    return _stages(shown, [i for i in instructions if i.name != "COMMENT"])


def _stages(shown: str, instructions: list[Instruction]) -> Dockerfile:
    preamble: list[Instruction] = []
    stages: list[tuple[Instruction, list[Instruction]]] = []
    for inst in instructions:
        if inst.name not in INSTRUCTIONS:
            raise ProbeError(f"{shown}:{inst.line}: unknown instruction {inst.name!r}")
        if inst.name == "FROM":
            stages.append((inst, []))
        elif stages:
            stages[-1][1].append(inst)
        elif inst.name == "ARG":
            preamble.append(inst)
        else:
            raise ProbeError(f"{shown}:{inst.line}: {inst.name} before the first FROM")
    if not stages:
        raise ProbeError(f"{shown}:1: no FROM instruction (not a Dockerfile)")
    return Dockerfile(shown, tuple(_stage(f, body) for f, body in stages), tuple(preamble))


def _stage(head: Instruction, body: list[Instruction]) -> Stage:
    words = [w for w in head.value.split() if not w.startswith("--")]
    alias = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else ""
    return Stage(words[0] if words else "", alias, head.line, tuple(body))
