"""Literal secrets found through structure: env entries, ConfigMaps, Secrets, ENV/ARG.

A line scanner cannot tell that ``- name: DB_PASSWORD`` followed by ``value: hunter2``
is a password; the parsed artifacts can.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pytest_biothings_ready.evidence.registry import Context
from pytest_biothings_ready.probes.static.common import dig
from pytest_biothings_ready.probes.static.compose import ComposeFile
from pytest_biothings_ready.probes.static.dockerfiles import Dockerfile
from pytest_biothings_ready.probes.static.manifests import Manifest, ManifestSet
from pytest_biothings_ready.probes.static.secretscan import (
    Finding,
    finding,
    literal,
    secret_name,
)
from pytest_biothings_ready.probes.static.yamlload import key_line, line_of

__all__ = ["structural_findings"]


def structural_findings(ctx: Context) -> Iterator[Finding]:
    """Findings from the parsed manifests, compose files and Dockerfiles."""
    if ctx.env.get("manifests"):
        kube: ManifestSet = ctx.evidence("manifests")
        for container in kube.containers(init=True):
            yield from _env_list(container.workload.file, container.spec.get("env"))
        for obj in kube.of("ConfigMap"):
            yield from _config_map(obj)
        for obj in kube.of("Secret"):
            yield from _secret(obj)
    if ctx.env.get("compose_files"):
        for compose in ctx.evidence("compose"):
            yield from _compose(compose)
    if ctx.env.get("dockerfiles"):
        for dockerfile in ctx.evidence("dockerfiles"):
            yield from _dockerfile(dockerfile)


def _env_list(file: str, env: Any) -> Iterator[Finding]:
    for entry in env if isinstance(env, list) else []:
        if not isinstance(entry, Mapping):
            continue
        name, value = str(entry.get("name", "")), entry.get("value")
        if secret_name(name) and literal(value):
            yield finding(
                file, key_line(entry, "value"), f"literal {name} in container env", str(value), name
            )


def _config_map(obj: Manifest) -> Iterator[Finding]:
    data = dig(obj.body, "data")
    for name, value in data.items() if isinstance(data, Mapping) else []:
        if secret_name(str(name)) and literal(value):
            yield finding(
                obj.file,
                key_line(data, name),
                f"literal {name} in ConfigMap {obj.name}",
                str(value),
                str(name),
            )


def _secret(obj: Manifest) -> Iterator[Finding]:
    for section in ("data", "stringData"):
        data = dig(obj.body, section)
        for name, value in data.items() if isinstance(data, Mapping) else []:
            if value not in (None, ""):
                yield finding(
                    obj.file,
                    key_line(data, name),
                    f"Secret {obj.name} committed with {section}.{name}",
                    str(value),
                    f"{obj.name} {name}",
                )


def _compose(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        env = service.get("environment")
        if isinstance(env, Mapping):
            pairs = [(str(k), v, key_line(env, str(k))) for k, v in env.items()]
        elif isinstance(env, list):
            line = line_of(service.body)
            pairs = [(*str(e).partition("=")[::2], service_line(service, line)) for e in env]
        else:
            pairs = []
        for name, value, line in pairs:
            if secret_name(name) and literal(value):
                yield finding(
                    compose.file,
                    line,
                    f"literal {name} in compose service {service.name}",
                    str(value),
                    name,
                )


def service_line(service: Any, default: int) -> int:
    return key_line(service.body, "environment", default)


def _dockerfile(dockerfile: Dockerfile) -> Iterator[Finding]:
    for inst in dockerfile.all_instructions():
        if inst.name not in {"ENV", "ARG"}:
            continue
        for name, value in _assignments(inst.value):
            if secret_name(name) and literal(value):
                yield finding(
                    dockerfile.file,
                    inst.line,
                    f"literal {name} in Dockerfile {inst.name}",
                    value,
                    name,
                )


def _assignments(value: str) -> list[tuple[str, str]]:
    """``A=1 B="2"`` or the legacy ``ENV A 1`` form."""
    import shlex

    try:
        words = shlex.split(value)
    except ValueError:
        words = value.split()
    if words and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]
    return [(w.partition("=")[0], w.partition("=")[2]) for w in words if "=" in w]
