"""docker-compose files: parsed once per session with line numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.static.common import artifact_files, display
from pytest_biothings_ready.probes.static.yamlload import LineDict, key_line, line_of

__all__ = ["ComposeFile", "Service", "gather_compose"]


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
    """

    file: str
    services: tuple[Service, ...]
    volumes: frozenset[str]
    folder: Path

    def dockerfile_of(self, service: Service) -> Path | None:
        """The Dockerfile ``service`` is built from, when it has a ``build``."""
        build = service.get("build")
        if isinstance(build, str):
            return (self.folder / build / "Dockerfile").resolve()
        if isinstance(build, Mapping):
            context = self.folder / str(build.get("context", "."))
            return (context / str(build.get("dockerfile", "Dockerfile"))).resolve()
        return None


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
    return ComposeFile(shown, services, frozenset(str(v) for v in volumes), path.parent)


def _empty(doc: Mapping[str, Any], name: str) -> LineDict:
    """The body of a service declared with no settings (``worker:``), at its name's line."""
    body = LineDict()
    body.line = key_line(doc["services"], name, line_of(doc))
    body.key_lines = {}
    return body
