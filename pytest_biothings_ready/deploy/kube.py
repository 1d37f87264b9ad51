"""Follow Kubernetes manifests: workloads, Services, ConfigMaps mounted in pods."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pytest_biothings_ready.deploy.builder import Builder, read_text
from pytest_biothings_ready.deploy.graph import Artifact, Service
from pytest_biothings_ready.deploy.mounts import mounted_kind

__all__ = ["WORKLOAD_KINDS", "follow_manifests", "manifest_images"]

WORKLOAD_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
)


@dataclass(frozen=True)
class _Object:
    path: Path
    line: int
    kind: str
    name: str
    body: Mapping[str, Any]


def follow_manifests(objects: Iterable[Any], root: Path, builder: Builder) -> None:
    """Declare workloads and Services, reach mounted ConfigMap keys.

    ``objects`` are the static family's parsed manifests (``file`` shown relative to
    ``root``, ``line``, ``kind``, ``name``, ``body``): they are parsed once per session.
    """
    parsed = [_Object((root / o.file).resolve(), o.line, o.kind, o.name, o.body) for o in objects]
    config_maps = {obj.name: obj for obj in parsed if obj.kind == "ConfigMap"}
    for obj in parsed:
        if obj.kind == "Service":
            builder.services.append(_service(obj))
        elif obj.kind in WORKLOAD_KINDS:
            pod = _pod_spec(obj)
            containers = [*_list(pod.get("initContainers")), *_list(pod.get("containers"))]
            builder.services.append(_workload(obj, _list(pod.get("containers")), containers))
            _mounted_config_maps(obj, pod, containers, config_maps, builder)


_IMAGE = re.compile(r"""\bimage:\s*["']?([^\s"'},]+)""")


def manifest_images(paths: Iterable[Path]) -> list[str]:
    """Every ``image:`` value in the manifest files (a text scan, no YAML parse)."""
    return [m.group(1) for path in paths for m in _IMAGE.finditer(read_text(path) or "")]


def _pod_spec(obj: _Object) -> Mapping[str, Any]:
    spec = _map(obj.body.get("spec"))
    if obj.kind == "Pod":
        return spec
    if obj.kind == "CronJob":
        spec = _map(_map(spec.get("jobTemplate")).get("spec"))
    return _map(_map(spec.get("template")).get("spec"))


def _service(obj: _Object) -> Service:
    ports = [p for p in _list(_map(obj.body.get("spec")).get("ports")) if isinstance(p, Mapping)]
    shown = tuple(str(p.get("port", "")) for p in ports)
    return Service(obj.name, "kubernetes", obj.path, obj.line, ports=shown)


def _workload(obj: _Object, main: list[Any], every: list[Any]) -> Service:
    """The workload as a service: its first app container's image, every container's ports."""
    first = next((c for c in main if isinstance(c, Mapping)), {})
    ports = tuple(
        str(p.get("containerPort", ""))
        for c in every
        if isinstance(c, Mapping)
        for p in _list(c.get("ports"))
        if isinstance(p, Mapping)
    )
    image = str(first.get("image") or "")
    return Service(obj.name, "kubernetes", obj.path, obj.line, image=image, ports=ports)


def _mounted_config_maps(
    obj: _Object,
    pod: Mapping[str, Any],
    containers: list[Any],
    config_maps: Mapping[str, _Object],
    builder: Builder,
) -> None:
    """Each key of a ConfigMap a container mounts, as an artifact of its kind."""
    volumes = {
        str(v.get("name")): str(_map(v.get("configMap")).get("name"))
        for v in _list(pod.get("volumes"))
        if isinstance(v, Mapping) and isinstance(v.get("configMap"), Mapping)
    }
    for container in containers:
        if not isinstance(container, Mapping):
            continue
        image = str(container.get("image") or "")
        for mount in _list(container.get("volumeMounts")):
            if not isinstance(mount, Mapping) or str(mount.get("name")) not in volumes:
                continue
            source = config_maps.get(volumes[str(mount["name"])])
            if source is not None:
                _reach_keys(obj, source, mount, image, builder)


def _reach_keys(
    obj: _Object, source: _Object, mount: Mapping[str, Any], image: str, builder: Builder
) -> None:
    data = _map(source.body.get("data"))
    target = str(mount.get("mountPath", ""))
    sub_path = str(mount.get("subPath") or "")
    for key in data:
        if sub_path and key != sub_path:
            continue
        inside = target if sub_path else str(PurePosixPath(target) / str(key))
        kind = mounted_kind(inside, str(key), image)
        via = f"{obj.kind} {obj.name} mounts ConfigMap {source.name} key {key} at {inside}"
        artifact = Artifact(source.path, kind, obj.path, obj.line, via, obj.name, inside, str(key))
        builder.reach(artifact)


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
