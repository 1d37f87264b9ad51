"""Mounted configuration and what it names: rule files, dashboards, nginx includes.

A mounted ``prometheus.yml`` names ``rule_files`` (container paths, relative to the
config's folder, globs allowed) and ``file_sd_configs`` files; a Grafana dashboards
provider names the folder its dashboard JSON lives in.  Container paths are mapped
back to the repository through the same container's mounts.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from pytest_biothings_ready.deploy.builder import Builder, load_yaml
from pytest_biothings_ready.deploy.graph import (
    CONFIG,
    DASHBOARD,
    DATASOURCE,
    GRAFANA_PROVISIONING,
    PROMETHEUS,
    RULES,
    Artifact,
)
from pytest_biothings_ready.deploy.mounts import Mount, host_path, mounted_kind

__all__ = ["follow_mount", "follow_prometheus"]

_MAX_FILES = 500  # files reached from one folder mount (a mounted source tree is not config)


def follow_mount(
    mount: Mount,
    mounts: tuple[Mount, ...],
    image: str,
    source: Path,
    service: str,
    builder: Builder,
) -> None:
    """Reach the file(s) of ``mount`` by kind, then what they name."""
    via = f"service {service} mounts {builder.shown(mount.source)} at {mount.target}"
    if mount.source.is_file():
        kind = mounted_kind(mount.target, mount.source.name, image)
        _reach(
            Artifact(mount.source, kind, source, mount.line, via, service, mount.target),
            mounts,
            builder,
        )
    elif mount.source.is_dir():
        for file, inside in _files(mount.source, mount.target):
            kind = mounted_kind(inside, file.name, image)
            if kind != CONFIG:
                _reach(
                    Artifact(file, kind, source, mount.line, via, service, inside), mounts, builder
                )
    else:
        kind = mounted_kind(mount.target, mount.source.name, image)
        builder.miss(Artifact(mount.source, kind, source, mount.line, via, service, mount.target))


def _files(folder: Path, target: str) -> Iterator[tuple[Path, str]]:
    count = 0
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            file = Path(current) / name
            inside = PurePosixPath(target) / file.relative_to(folder).as_posix()
            yield file, str(inside)
            count += 1
            if count >= _MAX_FILES:
                return


def _reach(artifact: Artifact, mounts: tuple[Mount, ...], builder: Builder) -> None:
    if not builder.reach(artifact):
        return
    if artifact.kind == PROMETHEUS:
        follow_prometheus(artifact, mounts, builder)
    elif artifact.kind == GRAFANA_PROVISIONING:
        _follow_provider(artifact, mounts, builder)


def follow_prometheus(config: Artifact, mounts: tuple[Mount, ...], builder: Builder) -> None:
    """Reach the ``rule_files`` and ``file_sd_configs`` files of a prometheus.yml."""
    from pytest_biothings_ready.probes.static.yamlload import key_line

    docs = load_yaml(config.path, builder)
    body = docs[0] if docs and isinstance(docs[0], Mapping) else {}
    line = key_line(body, "rule_files")
    for pattern in _strings(body.get("rule_files")):
        _resolve(config, pattern, RULES, line, "rule_files", mounts, builder)
    for job in _list(body.get("scrape_configs")):
        for sd in _list(job.get("file_sd_configs") if isinstance(job, Mapping) else None):
            for pattern in _strings(sd.get("files") if isinstance(sd, Mapping) else None):
                at = key_line(body, "scrape_configs")
                _resolve(config, pattern, CONFIG, at, "file_sd_configs", mounts, builder)


def _resolve(
    config: Artifact,
    pattern: str,
    kind: str,
    line: int,
    via: str,
    mounts: tuple[Mount, ...],
    builder: Builder,
) -> None:
    """Map a path named inside ``config`` to repository files (globs expanded)."""
    inside = config.target or str(config.path)
    container = str(PurePosixPath(inside).parent / pattern) if config.target else ""
    host = host_path(container, mounts) if container else None
    if host is None:  # not mounted (or an explicit config): beside the file itself
        host = config.path.parent / pattern
    matches = sorted(Path(p) for p in glob.glob(str(host))) if glob.has_magic(str(host)) else []
    if not glob.has_magic(str(host)):
        matches = [host] if host.is_file() else []
    common = (config.path, line, f"{via} {pattern}", config.service)
    if not matches and not glob.has_magic(str(host)):
        builder.miss(Artifact(host.resolve(), kind, *common, container))
    for match in matches:
        builder.reach(Artifact(match.resolve(), kind, *common, container))


def _follow_provider(provisioning: Artifact, mounts: tuple[Mount, ...], builder: Builder) -> None:
    """A dashboards provider's ``options.path`` folder: every dashboard JSON in it."""
    from pytest_biothings_ready.probes.static.yamlload import line_of

    docs = load_yaml(provisioning.path, builder)
    body = docs[0] if docs and isinstance(docs[0], Mapping) else {}
    if body.get("datasources") is not None:
        builder.reached[(provisioning.path, "")] = _as(provisioning, DATASOURCE)
        return
    for provider in _list(body.get("providers")):
        options = provider.get("options") if isinstance(provider, Mapping) else None
        folder = options.get("path") if isinstance(options, Mapping) else None
        if not isinstance(folder, str):
            continue
        host = host_path(folder, mounts) or Path("/nonexistent")
        via = f"dashboards provider path {folder}"
        common = (provisioning.path, line_of(provider), via, provisioning.service, folder)
        if not host.is_dir():
            builder.miss(Artifact(host, DASHBOARD, *common))
            continue
        for file in sorted(host.rglob("*.json")):
            builder.reach(Artifact(file.resolve(), DASHBOARD, *common))


def _as(artifact: Artifact, kind: str) -> Artifact:
    from dataclasses import replace

    return replace(artifact, kind=kind)


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
