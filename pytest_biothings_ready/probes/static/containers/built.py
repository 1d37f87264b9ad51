"""The image a compose service runs: its Dockerfile stage, when compose builds it.

A ``build:`` is followed to its Dockerfile even when ``dockerfiles`` does not name it
(the Dockerfile is on the deploy path either way); named Dockerfiles are reused from
the ``dockerfiles`` evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pytest_biothings_ready.evidence.registry import Context
from pytest_biothings_ready.probes.static.common import display, optional
from pytest_biothings_ready.probes.static.containers.compose import Build, ComposeFile, Service
from pytest_biothings_ready.probes.static.containers.dockerfiles import (
    Dockerfile,
    Stage,
    parse_dockerfile,
)
from pytest_biothings_ready.probes.static.containers.stages import chain

__all__ = ["BuiltImage", "built_by_compose", "built_image"]


@dataclass(frozen=True)
class BuiltImage:
    """A service's built image.

    Attributes:
        build: how compose builds it.
        dockerfile: the parsed Dockerfile (None when it does not exist).
        stages: the selected stage and the stages it inherits from (None: unknown target).
        where: the Dockerfile as evidence shows it.
    """

    build: Build
    dockerfile: Dockerfile | None
    stages: list[Stage] | None
    where: str

    def problem(self) -> str:
        """Why the build cannot be judged ("" when it can)."""
        if self.dockerfile is None:
            return f"builds from {self.where}, which does not exist"
        if self.stages is None:
            return f"build.target {self.build.target!r} names no stage of {self.where}"
        return ""


def built_image(ctx: Context, compose: ComposeFile, service: Service) -> BuiltImage | None:
    """The image compose builds for ``service`` (None when it uses a prebuilt ``image``)."""
    build = compose.build_of(service)
    if build is None:
        return None
    where = display(ctx.env, build.dockerfile)
    dockerfile = _named(ctx, build.dockerfile) or _parse(build.dockerfile, where)
    if dockerfile is None:
        return BuiltImage(build, None, None, where)
    return BuiltImage(build, dockerfile, chain(dockerfile, build.target), where)


def _named(ctx: Context, path: Path) -> Dockerfile | None:
    named = optional(ctx, "dockerfiles", "dockerfiles") or ()
    shown = display(ctx.env, path)
    return next((d for d in named if d.file == shown), None)


def _parse(path: Path, shown: str) -> Dockerfile | None:
    return parse_dockerfile(path, shown) if path.is_file() else None


def built_by_compose(ctx: Context, compose: tuple[ComposeFile, ...]) -> set[str]:
    """Dockerfiles (as evidence shows them) that some compose service builds.

    What runs from them is the stage each service selects, judged per service; their
    last stage alone is not what runs.
    """
    found = set()
    for file in compose:
        for service in file.services:
            build = file.build_of(service)
            if build is not None:
                found.add(display(ctx.env, build.dockerfile))
    return found
