"""docker-compose files: parsed once per session with line numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.static.common import artifact_files, display
from pytest_biothings_ready.probes.static.yamlload import LineDict, key_line, line_of

__all__ = ["Build", "ComposeFile", "Service", "gather_compose"]


@dataclass(frozen=True)
class Build:
    """How compose builds a service's image.

    Attributes:
        dockerfile: the Dockerfile (absolute).
        target: the stage ``build.target`` selects ("" for the last stage).
        args: ``build.args`` (they override the Dockerfile's ``ARG`` defaults).
        context: the build context folder (absolute).
    """

    dockerfile: Path
    target: str
    args: Mapping[str, str]
    context: Path


@dataclass(frozen=True)
class Service:
    """One compose service.

    Attributes:
        file: path shown in evidence.
        name: service name.
        body: its mapping (a LineDict).
    """

    file: str
    name: str
    body: Mapping[str, Any]

    def at(self, key: str = "", node: Any = None) -> str:
        target = self.body if node is None else node
        line = key_line(target, key) if key else line_of(target)
        return f"{self.file}:{line}"

    def get(self, *path: str) -> Any:
        node: Any = self.body
        for part in path:
            node = node.get(part) if isinstance(node, Mapping) else None
        return node


@dataclass(frozen=True)
class ComposeFile:
    """A parsed compose file.

    Attributes:
        file: path shown in evidence.
        services: its services.
        volumes: names of its top-level (named, persistent) volumes.
        folder: the folder it lies in (build contexts are relative to it).
        variables: the ``.env`` file beside it, which compose interpolates from.
    """

    file: str
    services: tuple[Service, ...]
    volumes: frozenset[str]
    folder: Path
    variables: Mapping[str, str] = field(default_factory=dict)

    def dockerfile_of(self, service: Service) -> Path | None:
        """The Dockerfile ``service`` is built from, when it has a ``build``."""
        build = self.build_of(service)
        return build.dockerfile if build else None

    def build_of(self, service: Service) -> Build | None:
        """How ``service`` is built, when it has a ``build``."""
        build = service.get("build")
        if isinstance(build, str):
            context = (self.folder / build).resolve()
            return Build(context / "Dockerfile", "", {}, context)
        if not isinstance(build, Mapping):
            return None
        context = (self.folder / str(build.get("context", "."))).resolve()
        raw = build.get("args")
        if isinstance(raw, list):
            raw = dict(str(a).partition("=")[::2] for a in raw)
        args = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}
        dockerfile = (context / str(build.get("dockerfile", "Dockerfile"))).resolve()
        return Build(dockerfile, str(build.get("target") or ""), args, context)

    def project(self) -> str:
        """The compose project name (the folder's name, as compose derives it)."""
        return self.folder.resolve().name.lower()


@gatherer("compose", needs=("compose_files",))
def gather_compose(ctx: Context) -> tuple[ComposeFile, ...]:
    """Parse every named compose file once."""
    return tuple(_parse(ctx, path) for path in artifact_files(ctx.env, "compose_files"))


def _parse(ctx: Context, path: Any) -> ComposeFile:
    import yaml

    from pytest_biothings_ready.probes.static.yamlload import load_all, yaml_error

    shown = display(ctx.env, path)
    try:
        docs = load_all(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProbeError(f"{shown}: cannot read ({exc})") from None
    except yaml.YAMLError as exc:
        raise ProbeError(yaml_error(shown, exc)) from None
    doc = docs[0] if len(docs) == 1 else None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("services"), Mapping):
        raise ProbeError(f"{shown}:1: not a compose file (no `services` mapping)")
    services = tuple(
        Service(shown, str(name), body if isinstance(body, Mapping) else _empty(doc, name))
        for name, body in doc["services"].items()
    )
    volumes: Mapping[str, Any] = doc["volumes"] if isinstance(doc.get("volumes"), Mapping) else {}
    found = frozenset(str(v) for v in volumes)
    return ComposeFile(shown, services, found, path.parent, _dotenv(path.parent / ".env"))


def _dotenv(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines of the ``.env`` compose reads (absent: empty)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    pairs = (line.removeprefix("export ").partition("=") for line in text.splitlines())
    return {k.strip(): v.strip().strip("\"'") for k, sep, v in pairs if sep and k.strip()}


def _empty(doc: Mapping[str, Any], name: str) -> LineDict:
    """The body of a service declared with no settings (``worker:``), at its name's line."""
    body = LineDict()
    body.line = key_line(doc["services"], name, line_of(doc))
    body.key_lines = {}
    return body
