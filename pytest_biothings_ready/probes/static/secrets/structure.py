"""Literal secrets found through structure: env entries, ConfigMaps, Secrets, ENV/ARG.

A line scanner cannot tell that ``- name: DB_PASSWORD`` followed by ``value: hunter2``
is a password, nor that a committed Secret's ``password`` key is a database password
because a container reads it as ``POSTGRES_PASSWORD``; the parsed artifacts can.
Values of names that do not say "secret" are still findings when they are random
tokens (``high_entropy``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pytest_biothings_ready.evidence.registry import Context
from pytest_biothings_ready.probes.static.common import dig
from pytest_biothings_ready.probes.static.containers.compose import ComposeFile
from pytest_biothings_ready.probes.static.containers.dockerfiles import Dockerfile
from pytest_biothings_ready.probes.static.manifests import Manifest, ManifestSet
from pytest_biothings_ready.probes.static.secrets.findings import (
    Finding,
    database_name,
    finding,
    high_entropy,
    literal,
    secret_name,
)
from pytest_biothings_ready.probes.static.yamlload import key_line, line_of

__all__ = ["ciphertext_lines", "named_value", "structural_findings"]

TEMPLATED = re.compile(r"\$\{|\{\{|^<.*>$")


def named_value(file: str, line: int, name: str, value: Any, where: str) -> Finding | None:
    """A finding for ``name = value`` when the name says secret or the value is random."""
    if not literal(value):
        return None
    text = str(value)
    if secret_name(name):
        return finding(file, line, f"literal {name} in {where}", text, name)
    if high_entropy(text):
        return finding(file, line, f"high-entropy value of {name} in {where}", text, name)
    return None


def structural_findings(ctx: Context) -> Iterator[Finding]:
    """Findings from the parsed manifests, compose files and Dockerfiles."""
    if ctx.env.get("manifests"):
        kube: ManifestSet = ctx.evidence("manifests")
        for container in kube.containers(init=True, ephemeral=True):
            yield from _env_list(container.workload.file, container.spec.get("env"))
        for obj in kube.of("ConfigMap"):
            yield from _config_map(obj)
        readers = _secret_readers(kube)
        for obj in kube.of("Secret"):
            yield from _secret(obj, readers)
    if ctx.env.get("compose_files"):
        for compose in ctx.evidence("compose"):
            yield from _compose(compose)
    if ctx.env.get("dockerfiles"):
        for dockerfile in ctx.evidence("dockerfiles"):
            yield from _dockerfile(dockerfile)


def ciphertext_lines(ctx: Context) -> set[tuple[str, int]]:
    """``(file, line)`` of SealedSecret ``encryptedData`` values: ciphertext, not secrets."""
    if not ctx.env.get("manifests"):
        return set()
    kube: ManifestSet = ctx.evidence("manifests")
    lines = set()
    for obj in kube.of("SealedSecret"):
        data = dig(obj.body, "spec", "encryptedData")
        for name in data if isinstance(data, Mapping) else ():
            lines.add((obj.file, key_line(data, str(name))))
    return lines


def _env_list(file: str, env: Any) -> Iterator[Finding]:
    for entry in env if isinstance(env, list) else []:
        if isinstance(entry, Mapping) and "value" in entry:
            name = str(entry.get("name", ""))
            line = key_line(entry, "value")
            if hit := named_value(file, line, name, entry.get("value"), "container env"):
                yield hit


def _config_map(obj: Manifest) -> Iterator[Finding]:
    data = dig(obj.body, "data")
    for name, value in data.items() if isinstance(data, Mapping) else []:
        where = f"ConfigMap {obj.name}"
        line = key_line(data, name)
        if isinstance(value, str) and "\n" in value.strip():
            yield from _embedded(obj.file, line, str(name), value)
        elif hit := named_value(obj.file, line, str(name), value, where):
            yield hit


def _embedded(file: str, line: int, name: str, text: str) -> Iterator[Finding]:
    """A config file carried in a ConfigMap key (``application.properties: |``).

    Its lines follow the key's line (a block scalar starts on the next one).
    """
    from dataclasses import replace
    from pathlib import PurePosixPath

    from pytest_biothings_ready.probes.static.secrets.codescan import code_findings

    suffix = PurePosixPath(name).suffix or ".properties"
    if suffix == ".env" or name.startswith(".env"):
        suffix = ".properties"  # KEY=value reads the same
    for hit in code_findings(file, suffix, text):
        yield replace(hit, line=line + hit.line, type=f"{hit.type} (ConfigMap key {name})")


def _secret_readers(kube: ManifestSet) -> dict[tuple[str, str], set[str]]:
    """(namespace, Secret name) -> the env names containers read its keys as."""
    readers: dict[tuple[str, str], set[str]] = {}
    for container in kube.containers(init=True, ephemeral=True):
        namespace = container.workload.namespace
        for entry in container.spec.get("env") or []:
            ref = dig(entry, "valueFrom", "secretKeyRef")
            if isinstance(ref, Mapping):
                key = (namespace, str(ref.get("name")))
                readers.setdefault(key, set()).add(f"{entry.get('name')} {ref.get('key')}")
        for entry in container.spec.get("envFrom") or []:
            name = dig(entry, "secretRef", "name")
            if name:
                readers.setdefault((namespace, str(name)), set()).add(str(entry.get("prefix", "")))
    return readers


def _secret(obj: Manifest, readers: Mapping[tuple[str, str], set[str]]) -> Iterator[Finding]:
    consumers = " ".join(sorted(readers.get((obj.namespace, obj.name), set())))
    for section in ("data", "stringData"):
        data = dig(obj.body, section)
        for name, value in data.items() if isinstance(data, Mapping) else []:
            if value in (None, ""):
                continue
            text = _decoded(str(value)) if section == "data" else str(value)
            hit = finding(
                obj.file,
                key_line(data, name),
                f"Secret {obj.name} committed with {section}.{name}",
                text,
                f"{obj.name} {name}",
            )
            # A committed Secret is applied verbatim: ``changeme`` there is the password.
            # Only an unrendered template value stands in for one.
            if hit.placeholder and not TEMPLATED.search(text):
                hit = Finding(hit.file, hit.line, hit.type, hit.digest, hit.database, True)
            if not hit.database and database_name(f"{consumers} {name}"):
                hit = Finding(hit.file, hit.line, hit.type, hit.digest, True, True, hit.placeholder)
            yield hit


def _decoded(value: str) -> str:
    """A ``data`` value base64-decoded (placeholders are judged on what it says)."""
    import base64
    import binascii

    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return value


def _compose(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        env = service.get("environment")
        if isinstance(env, Mapping):
            pairs = [(str(k), v, key_line(env, str(k))) for k, v in env.items()]
        elif isinstance(env, list):
            line = key_line(service.body, "environment", line_of(service.body))
            pairs = [(*str(e).partition("=")[::2], line) for e in env]
        else:
            pairs = []
        for name, value, line in pairs:
            where = f"compose service {service.name}"
            if hit := named_value(compose.file, line, name, value, where):
                yield hit


def _dockerfile(dockerfile: Dockerfile) -> Iterator[Finding]:
    for inst in dockerfile.all_instructions():
        if inst.name not in {"ENV", "ARG"}:
            continue
        for name, value in _assignments(inst.value):
            where = f"Dockerfile {inst.name}"
            if hit := named_value(dockerfile.file, inst.line, name, value, where):
                yield hit


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
