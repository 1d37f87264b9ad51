"""Kubernetes manifests: parsed once per session, with file and line for every object.

Reads the files and folders named by ``manifests`` (multi-document YAML, including the
saved output of ``helm template`` or ``kustomize build``).  A document that does not
parse, lacks ``apiVersion``/``kind`` or has a kind nobody declared is a ProbeError
naming file and line: the items that read manifests become ``error``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.static.common import artifact_files, display
from pytest_biothings_ready.probes.static.kinds import (
    BUILTIN_KINDS,
    SCALABLE_KINDS,
    WORKLOAD_KINDS,
    check_kinds,
    crd_kinds,
)
from pytest_biothings_ready.probes.static.unrendered import (
    helm_chart_of,
    helm_message,
    kustomize_message,
    plain_kustomization,
)
from pytest_biothings_ready.probes.static.yamlload import key_line, line_of

__all__ = [
    "BUILTIN_KINDS",
    "SCALABLE_KINDS",
    "WORKLOAD_KINDS",
    "Container",
    "Manifest",
    "ManifestSet",
    "Workload",
    "gather_manifests",
]


@dataclass(frozen=True)
class Manifest:
    """One Kubernetes object.

    Attributes:
        file: path shown in evidence.
        line: line of the document's first key.
        kind, api_version, name: identity ("" when absent).
        namespace: its namespace; ``default`` when the object names none, since
            ``kubectl apply`` puts it there unless told otherwise.
        body: the parsed document (mappings are LineDicts).
        namespace_set: whether the object names its namespace itself.
    """

    file: str
    line: int
    kind: str
    api_version: str
    name: str
    namespace: str
    body: Mapping[str, Any]
    namespace_set: bool = True

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.name}"

    def at(self, node: Any = None, key: str = "") -> str:
        """``file:line`` of ``node`` (or its ``key``), defaulting to the object."""
        line = key_line(node, key, 0) if key else line_of(node, 0)
        return f"{self.file}:{line or self.line}"

    @property
    def labels(self) -> Mapping[str, Any]:
        return _map(_map(self.body.get("metadata")).get("labels"))


@dataclass(frozen=True)
class Container:
    """One container of a workload's pod template.

    Attributes:
        workload: the object it belongs to.
        spec: the container mapping.
        pod: the pod spec mapping (for pod-level securityContext and volumes).
        init: whether it is an init container.
        ephemeral: whether it is an ephemeral (debug) container.
    """

    workload: Manifest
    spec: Mapping[str, Any]
    pod: Mapping[str, Any]
    init: bool = False
    ephemeral: bool = False

    @property
    def label(self) -> str:
        kind = "init container" if self.init else "ephemeral container" if self.ephemeral else ""
        return f"{self.workload.ref} {kind or 'container'} {self.spec.get('name', '?')}"

    def at(self, key: str = "") -> str:
        return self.workload.at(self.spec, key)


@dataclass(frozen=True)
class Workload:
    """A workload object and its pod template.

    Attributes:
        manifest: the object.
        pod: its pod spec.
        template_labels: the pod template's labels.
    """

    manifest: Manifest
    pod: Mapping[str, Any]
    template_labels: Mapping[str, Any]

    def containers(self, init: bool = False, ephemeral: bool = False) -> list[Container]:
        """App containers; with ``init`` also init containers, ``ephemeral`` debug ones."""
        result = [
            Container(self.manifest, _map(c), self.pod) for c in _seq(self.pod.get("containers"))
        ]
        if init:
            result += [
                Container(self.manifest, _map(c), self.pod, True)
                for c in _seq(self.pod.get("initContainers"))
            ]
        if ephemeral:
            result += [
                Container(self.manifest, _map(c), self.pod, ephemeral=True)
                for c in _seq(self.pod.get("ephemeralContainers"))
            ]
        return result


@dataclass(frozen=True)
class ManifestSet:
    """Every object of the named manifests.

    Attributes:
        objects: the objects in file order.
        files: how many files were read.
    """

    objects: tuple[Manifest, ...]
    files: int

    @cached_property
    def _by_kind(self) -> dict[str, list[Manifest]]:
        index: dict[str, list[Manifest]] = {}
        for obj in self.objects:
            index.setdefault(obj.kind, []).append(obj)
        return index

    def of(self, *kinds: str) -> list[Manifest]:
        """Objects of ``kinds``, in file order (indexed: checks ask inside loops)."""
        if len(kinds) == 1:
            return list(self._by_kind.get(kinds[0], ()))
        return [m for m in self.objects if m.kind in kinds]

    @cached_property
    def _workloads(self) -> tuple[Workload, ...]:
        return tuple(w for m in self.objects if m.kind in WORKLOAD_KINDS if (w := workload(m)))

    @cached_property
    def _by_label(self) -> dict[tuple[str, str, str], list[Workload]]:
        index: dict[tuple[str, str, str], list[Workload]] = {}
        for item in self._workloads:
            for key, value in item.template_labels.items():
                index.setdefault((item.manifest.namespace, key, str(value)), []).append(item)
        return index

    def workloads(self, kinds: frozenset[str] = WORKLOAD_KINDS) -> list[Workload]:
        return [w for w in self._workloads if w.manifest.kind in kinds]

    def matching(self, namespace: str, labels: Mapping[str, Any]) -> list[Workload]:
        """Workloads in ``namespace`` whose pod labels include every pair of ``labels``.

        Indexed, since every Service and NetworkPolicy asks (500 manifests: 250k pairs).
        """
        if not labels:
            return [w for w in self._workloads if w.manifest.namespace == namespace]
        (key, value), *rest = labels.items()
        found = self._by_label.get((namespace, str(key), str(value)), [])
        return [w for w in found if all(str(w.template_labels.get(k)) == str(v) for k, v in rest)]

    def containers(self, init: bool = False, ephemeral: bool = False) -> Iterator[Container]:
        for item in self.workloads():
            yield from item.containers(init, ephemeral)

    def selected(self, namespace: str, selector: Any) -> list[Workload]:
        """Workloads in ``namespace`` a LabelSelector (matchLabels and matchExpressions) picks.

        A selector that is not a mapping selects nothing; ``{}`` selects every workload.
        """
        from pytest_biothings_ready.probes.static.kubernetes.values import matches

        if not isinstance(selector, Mapping):
            return []
        labels = _map(selector.get("matchLabels"))
        if not selector.get("matchExpressions"):
            return self.matching(namespace, labels)
        return [w for w in self.matching(namespace, labels) if matches(selector, w.template_labels)]


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _seq(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def workload(obj: Manifest) -> Workload | None:
    """The pod template of a workload object, or None when it has none."""
    spec = _map(obj.body.get("spec"))
    if obj.kind == "Pod":
        return Workload(obj, spec, obj.labels)
    if obj.kind == "CronJob":
        spec = _map(_map(spec.get("jobTemplate")).get("spec"))
    template = _map(spec.get("template"))
    if not template:
        return None
    labels = _map(_map(template.get("metadata")).get("labels"))
    return Workload(obj, _map(template.get("spec")), labels)


@gatherer("manifests", needs=("manifests",))
def gather_manifests(ctx: Context) -> ManifestSet:
    """Parse every manifest file once."""
    files = artifact_files(ctx.env, "manifests", (".yaml", ".yml", ".json"))
    objects: list[Manifest] = []
    for path in files:
        objects.extend(_read(path, display(ctx.env, path)))
    extra = {str(k) for k in ctx.env.get("manifest_kinds") or []}
    check_kinds(objects, extra | crd_kinds(objects))
    return ManifestSet(tuple(objects), len(files))


def _read(path: Path, shown: str) -> Iterator[Manifest]:
    import yaml

    from pytest_biothings_ready.probes.static.yamlload import load_all, yaml_error

    chart = helm_chart_of(path)
    if chart is not None:
        # The chart folder as evidence shows it: as many levels up from ``shown``.
        shown_chart = Path(shown).parents[list(path.parents).index(chart)].as_posix()
        raise ProbeError(helm_message(shown, shown_chart))
    try:
        text = path.read_text(encoding="utf-8-sig")
        documents = load_all(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ProbeError(f"{shown}: cannot read ({exc})") from None
    except yaml.YAMLError as exc:
        # Unquoted {{ ... }} either breaks the YAML or reads as a mapping used as a key.
        message = helm_message(shown, None) if "{{" in text else yaml_error(shown, exc)
        raise ProbeError(message) from None
    for doc in documents:
        yield from _objects(doc, shown)


def _objects(doc: Any, shown: str) -> Iterator[Manifest]:
    if not isinstance(doc, Mapping) or not doc.get("kind") or not doc.get("apiVersion"):
        raise ProbeError(f"{shown}:{line_of(doc, 1)}: not a Kubernetes object (no apiVersion/kind)")
    if doc["kind"] == "List" or str(doc["kind"]).endswith("List"):
        for inner in _seq(doc.get("items")):
            yield from _objects(inner, shown)
        return
    if str(doc["apiVersion"]).startswith("kustomize.config.k8s.io/"):
        _kustomization(doc, shown)
        return
    meta = _map(doc.get("metadata"))
    namespace = str(meta.get("namespace") or "")
    yield Manifest(
        shown,
        line_of(doc, 1),
        str(doc["kind"]),
        str(doc["apiVersion"]),
        str(meta.get("name", "")),
        namespace or "default",
        doc,
        bool(namespace),
    )


def _kustomization(doc: Mapping[str, Any], shown: str) -> None:
    """Accept a kustomization that only lists resources; others must be rendered."""
    if not plain_kustomization(doc):
        folder = Path(shown).parent.as_posix()
        raise ProbeError(kustomize_message(f"{shown}:{line_of(doc, 1)}", folder))
