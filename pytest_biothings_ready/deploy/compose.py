"""Follow a compose file: builds, bind mounts, configs, env files, includes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pytest_biothings_ready.deploy.builder import Builder, expand_vars, load_yaml
from pytest_biothings_ready.deploy.graph import (
    BUILD_CONTEXT,
    COMPOSE,
    DOCKERFILE,
    ENV_FILE,
    Artifact,
    Service,
)
from pytest_biothings_ready.deploy.images import follow_dockerfile
from pytest_biothings_ready.deploy.monitoring import follow_mount
from pytest_biothings_ready.deploy.mounts import Mount

__all__ = ["follow_compose"]


def follow_compose(path: Path, builder: Builder) -> None:
    """Reach what the compose file ``path`` builds, mounts and includes."""
    from pytest_biothings_ready.probes.static.yamlload import key_line

    docs = load_yaml(path, builder)
    body = docs[0] if docs and isinstance(docs[0], Mapping) else {}
    folder = path.parent
    configs = _top_configs(body, folder)
    for reference, line in _includes(body):
        _reach_compose(folder / expand_vars(reference), path, line, "include", builder)
    services = body.get("services")
    if not isinstance(services, Mapping):
        return
    for name, service in services.items():
        if isinstance(service, Mapping):
            line = key_line(services, str(name))
            _follow_service(path, str(name), service, line, configs, builder)


def _follow_service(
    path: Path,
    name: str,
    body: Mapping[str, Any],
    line: int,
    configs: Mapping[str, Path],
    builder: Builder,
) -> None:
    from pytest_biothings_ready.probes.static.yamlload import key_line

    image = str(body.get("image") or "")
    dockerfile, target = _build(path, name, body, builder)
    mounts = tuple(_mounts(path.parent, body, configs, builder.root))
    for mount in mounts:
        follow_mount(mount, mounts, image, path, name, builder)
    for env_file, at in _env_files(body):
        _reach_file(
            path.parent / env_file, ENV_FILE, path, at, f"service {name} env_file", name, builder
        )
    extends = body.get("extends")
    if isinstance(extends, Mapping) and extends.get("file"):
        at = key_line(body, "extends")
        _reach_compose(
            path.parent / str(extends["file"]), path, at, f"service {name} extends", builder
        )
    builder.services.append(
        Service(
            name=name,
            platform="compose",
            path=path,
            line=line,
            image=image,
            dockerfile=dockerfile,
            build_target=target,
            ports=tuple(
                str(p if not isinstance(p, Mapping) else p.get("target"))
                for p in _seq(body.get("ports"))
            ),
            aliases=tuple(_aliases(body)),
        )
    )


def _build(
    path: Path, name: str, body: Mapping[str, Any], builder: Builder
) -> tuple[Path | None, str]:
    from pytest_biothings_ready.probes.static.yamlload import key_line

    build = body.get("build")
    if build is None:
        return None, ""
    line = key_line(body, "build")
    spec: Mapping[str, Any] = build if isinstance(build, Mapping) else {"context": build}
    context_ref = expand_vars(str(spec.get("context") or "."))
    if "://" in context_ref or context_ref.startswith("git@"):
        return None, ""  # a remote context: nothing in this repository
    context = (path.parent / context_ref).resolve()
    target = str(spec.get("target") or "")
    via = f"service {name} build"
    if spec.get("dockerfile_inline"):
        return None, target
    dockerfile = (context / str(spec.get("dockerfile") or "Dockerfile")).resolve()
    if context.is_dir():
        builder.reach(Artifact(context, BUILD_CONTEXT, path, line, via, name))
    _reach_file(dockerfile, DOCKERFILE, path, line, via, name, builder, target)
    if dockerfile.is_file():
        follow_dockerfile(dockerfile, context, name, builder)
    return dockerfile, target


def _reach_file(
    file: Path,
    kind: str,
    source: Path,
    line: int,
    via: str,
    service: str,
    builder: Builder,
    target: str = "",
) -> None:
    file = file.resolve()
    artifact = Artifact(file, kind, source, line, via, service, target)
    if file.is_file():
        builder.reach(artifact)
    else:
        builder.miss(artifact)


def _reach_compose(file: Path, source: Path, line: int, via: str, builder: Builder) -> None:
    file = file.resolve()
    artifact = Artifact(file, COMPOSE, source, line, via)
    if not file.is_file():
        builder.miss(artifact)
    elif builder.reach(artifact):
        follow_compose(file, builder)


def _includes(body: Mapping[str, Any]) -> Iterator[tuple[str, int]]:
    from pytest_biothings_ready.probes.static.yamlload import key_line, line_of

    for entry in _seq(body.get("include")):
        line = line_of(entry, key_line(body, "include"))
        if isinstance(entry, str):
            yield entry, line
        elif isinstance(entry, Mapping):
            for ref in _seq(entry.get("path")) or []:
                yield str(ref), line


def _top_configs(body: Mapping[str, Any], folder: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for section in ("configs", "secrets"):
        table = body.get(section)
        if isinstance(table, Mapping):
            for name, spec in table.items():
                if isinstance(spec, Mapping) and spec.get("file"):
                    found[f"{section}:{name}"] = (folder / expand_vars(str(spec["file"]))).resolve()
    return found


def _mounts(
    folder: Path, body: Mapping[str, Any], configs: Mapping[str, Path], root: Path
) -> Iterator[Mount]:
    from pytest_biothings_ready.probes.static.yamlload import key_line, line_of

    volumes_line = key_line(body, "volumes")
    for entry in _seq(body.get("volumes")):
        source, target = _volume(entry)
        if source and target and source.startswith((".", "/", "~", "$")):
            path = (folder / expand_vars(source)).resolve()
            if path.is_relative_to(root):  # /proc, /var/run/docker.sock: the host's, not ours
                yield Mount(path, target, line_of(entry, volumes_line))
    for section, default_root in (("configs", "/"), ("secrets", "/run/secrets/")):
        for entry in _seq(body.get(section)):
            name = entry if isinstance(entry, str) else str(dig_str(entry, "source"))
            file = configs.get(f"{section}:{name}")
            if file is None:
                continue
            target = dig_str(entry, "target") or f"{default_root}{name}"
            if section == "secrets" and not target.startswith("/"):
                target = f"/run/secrets/{target}"
            yield Mount(file, target, line_of(entry, key_line(body, section)))


def _volume(entry: Any) -> tuple[str, str]:
    if isinstance(entry, str):
        parts = entry.split(":")
        return (parts[0], parts[1]) if len(parts) >= 2 else ("", "")
    if isinstance(entry, Mapping) and entry.get("type", "bind") == "bind":
        return dig_str(entry, "source"), dig_str(entry, "target")
    return "", ""


def _env_files(body: Mapping[str, Any]) -> Iterator[tuple[str, int]]:
    from pytest_biothings_ready.probes.static.yamlload import key_line

    line = key_line(body, "env_file")
    value = body.get("env_file")
    for entry in [value] if isinstance(value, str) else _seq(value):
        if isinstance(entry, str):
            yield expand_vars(entry), line
        elif isinstance(entry, Mapping) and entry.get("path") and entry.get("required", True):
            yield expand_vars(str(entry["path"])), line


def _aliases(body: Mapping[str, Any]) -> Iterator[str]:
    for key in ("container_name", "hostname"):
        if isinstance(body.get(key), str):
            yield str(body[key])
    networks = body.get("networks")
    if isinstance(networks, Mapping):
        for spec in networks.values():
            if isinstance(spec, Mapping):
                yield from (str(a) for a in _seq(spec.get("aliases")))


def dig_str(node: Any, key: str) -> str:
    value = node.get(key) if isinstance(node, Mapping) else None
    return str(value) if value is not None else ""


def _seq(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
