"""Read compose files into :class:`~.deploy.Stack` (ports, mounts, builds, healthchecks)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.probes.repository.deploy import (
    Mount,
    Port,
    Service,
    Stack,
    as_text,
)
from pytest_biothings_ready.probes.static.common import display
from pytest_biothings_ready.probes.static.yamlload import key_line, line_of, load_all, yaml_error

__all__ = ["read_stack"]

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}")


def read_stack(env: Environment, path: Path) -> Stack:
    """Parse one compose file; a file that does not parse raises ProbeError."""
    import yaml

    shown = display(env, path)
    try:
        docs = load_all(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProbeError(f"{shown}: cannot read ({exc})") from None
    except yaml.YAMLError as exc:
        raise ProbeError(yaml_error(shown, exc)) from None
    doc = docs[0] if docs else None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("services"), Mapping):
        raise ProbeError(f"{shown}:1: not a compose file (no `services` mapping)")
    services = tuple(
        _service(shown, path.parent, str(name), body if isinstance(body, Mapping) else {})
        for name, body in doc["services"].items()
    )
    return Stack(shown, path.parent, services)


def _service(shown: str, folder: Path, name: str, body: Mapping[str, Any]) -> Service:
    where = f"{shown}:{line_of(body)}"
    context, dockerfile = _build(folder, body.get("build"))
    health = body.get("healthcheck")
    test = as_text(health.get("test")) if isinstance(health, Mapping) else ""
    raw = body.get("logging")
    logging: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    return Service(
        stack=shown,
        name=name,
        where=where,
        image=_expand(str(body.get("image") or "")),
        context=context,
        dockerfile=dockerfile,
        ports=tuple(_ports(shown, body)),
        mounts=tuple(_mounts(shown, folder, body)),
        healthcheck=test,
        labels=_labels(body.get("labels")),
        command=as_text(body.get("command")) + " " + as_text(body.get("entrypoint")),
        host_network=str(body.get("network_mode") or "") == "host",
        environment=_labels(body.get("environment")),
        log_driver=str(logging.get("driver") or ""),
        log_options=_labels(logging.get("options")),
        volume_targets=_targets(body),
    )


def _expand(text: str) -> str:
    """``${VAR:-default}`` replaced by its default (the value compose uses when unset)."""
    return _VAR.sub(lambda m: m.group(2) or "", text)


def _build(folder: Path, build: Any) -> tuple[Path | None, Path | None]:
    if isinstance(build, str):
        context = (folder / _expand(build)).resolve()
        return context, context / "Dockerfile"
    if not isinstance(build, Mapping):
        return None, None
    context = (folder / _expand(str(build.get("context", ".")))).resolve()
    return context, (context / _expand(str(build.get("dockerfile", "Dockerfile")))).resolve()


def _ports(shown: str, body: Mapping[str, Any]) -> list[Port]:
    raw = body.get("ports")
    where = f"{shown}:{key_line(body, 'ports')}"
    found = []
    for entry in raw if isinstance(raw, list) else []:
        if isinstance(entry, Mapping):
            found.append(
                Port(
                    str(entry.get("host_ip") or ""),
                    str(entry.get("published") or ""),
                    str(entry.get("target") or ""),
                    where,
                )
            )
        else:
            found.append(_short_port(_expand(str(entry)), where))
    return found


def _short_port(spec: str, where: str) -> Port:
    """``[IP:][HOST:]CONTAINER[/proto]`` (IPv6 addresses in brackets)."""
    spec = spec.split("/", 1)[0]
    host_ip = ""
    if spec.startswith("["):
        host_ip, _, spec = spec[1:].partition("]:")
    parts = spec.split(":")
    if len(parts) == 3:
        host_ip, published, target = parts
    elif len(parts) == 2:
        published, target = parts
    else:
        published, target = "", parts[0]
    return Port(host_ip, published, target, where)


def _targets(body: Mapping[str, Any]) -> tuple[str, ...]:
    """Every container path a volume (bind, named or tmpfs) provides."""
    raw = body.get("volumes")
    found = []
    for entry in raw if isinstance(raw, list) else []:
        if isinstance(entry, Mapping):
            found.append(str(entry.get("target") or ""))
        else:
            parts = _expand(str(entry)).split(":")
            found.append(parts[1] if len(parts) > 1 else parts[0])
    return tuple(t for t in found if t)


def _mounts(shown: str, folder: Path, body: Mapping[str, Any]) -> list[Mount]:
    raw = body.get("volumes")
    where = f"{shown}:{key_line(body, 'volumes')}"
    found = []
    for entry in raw if isinstance(raw, list) else []:
        if isinstance(entry, Mapping):
            source, target = str(entry.get("source") or ""), str(entry.get("target") or "")
        else:
            source, _, rest = _expand(str(entry)).partition(":")
            target = rest.split(":", 1)[0]
        if source.startswith((".", "/", "~")) and target:
            found.append(Mount((folder / _expand(source)).resolve(), target, where))
    return found


def _labels(raw: Any) -> dict[str, str]:
    if isinstance(raw, Mapping):
        return {str(k): str(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return dict(str(item).partition("=")[::2] for item in raw)
    return {}
