"""Follow Kubernetes manifests: workloads, Services, ConfigMaps mounted in pods."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pytest_biothings_ready.deploy.builder import Builder, load_yaml
from pytest_biothings_ready.deploy.graph import Artifact, Service
from pytest_biothings_ready.deploy.mounts import mounted_kind

__all__ = ["WORKLOAD_KINDS", "follow_manifests"]

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


def follow_manifests(paths: list[Path], builder: Builder) -> list[str]:
    """Declare workloads and Services, reach mounted ConfigMap keys; returns the images."""
    objects = [obj for path in paths for obj in _objects(path, builder)]
    config_maps = {obj.name: obj for obj in objects if obj.kind == "ConfigMap"}
    images: list[str] = []
    for obj in objects:
        if obj.kind == "Service":
            builder.services.append(_service(obj))
        elif obj.kind in WORKLOAD_KINDS:
            pod = _pod_spec(obj)
            containers = [*_list(pod.get("initContainers")), *_list(pod.get("containers"))]
            images.extend(str(c.get("image") or "") for c in containers if isinstance(c, Mapping))
            builder.services.append(_workload(obj, containers))
            _mounted_config_maps(obj, pod, containers, config_maps, builder)
    return images


def _objects(path: Path, builder: Builder) -> Iterator[_Object]:
    from pytest_biothings_ready.probes.static.yamlload import line_of

    for doc in load_yaml(path, builder):
        if not isinstance(doc, Mapping):
            continue
        items = doc.get("items") if str(doc.get("kind", "")).endswith("List") else [doc]
        for obj in items if isinstance(items, list) else []:
            if isinstance(obj, Mapping) and obj.get("kind"):
                meta = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
                name = str(meta.get("name", "")) if isinstance(meta, Mapping) else ""
                yield _Object(path, line_of(obj), str(obj["kind"]), name, obj)


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


def _workload(obj: _Object, containers: list[Any]) -> Service:
    main = [c for c in containers if isinstance(c, Mapping)]
    image = str(main[-1].get("image") or "") if main else ""
    ports = tuple(
        str(p.get("containerPort", ""))
        for c in main
        for p in _list(c.get("ports"))
        if isinstance(p, Mapping)
    )
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
