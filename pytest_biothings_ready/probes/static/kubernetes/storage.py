"""Data on persistent volumes, backups scheduled somewhere durable, logs rotated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import (
    Problem,
    artifact_files,
    dig,
    display,
    need_any,
    optional,
    plural,
    verdict,
)
from pytest_biothings_ready.probes.static.containers.compose import ComposeFile
from pytest_biothings_ready.probes.static.kubernetes.stateless import stateless_verdict
from pytest_biothings_ready.probes.static.manifests import ManifestSet, Workload

__all__ = ["backup_storage", "log_rotation", "persistent_volumes"]

BACKUP_WORDS = re.compile(
    r"backup|pg_dump|mysqldump|mongodump|elasticdump|restic|velero|"
    r"snapshot|borg",
    re.IGNORECASE,
)
DURABLE_TARGET = re.compile(r"\b(s3|gs|az|azure|swift|b2)://|bucket", re.IGNORECASE)
SHIPPING_DRIVERS = frozenset(
    {
        "syslog",
        "journald",
        "gelf",
        "fluentd",
        "awslogs",
        "splunk",
        "etwlogs",
        "gcplogs",
        "logentries",
        "loki",
    }
)


def _claims(item: Workload, writable: bool = False) -> list[str]:
    """Names of the PVCs a pod template mounts (plus its volumeClaimTemplates)."""
    volumes = [v for v in item.pod.get("volumes") or [] if isinstance(v, Mapping)]
    mounted = {
        str(m.get("name"))
        for c in item.containers()
        for m in c.spec.get("volumeMounts") or []
        if isinstance(m, Mapping) and not (writable and m.get("readOnly") is True)
    }
    claims = [
        str(dig(v, "persistentVolumeClaim", "claimName"))
        for v in volumes
        if dig(v, "persistentVolumeClaim") and v.get("name") in mounted
    ]
    return claims + sorted(_templates(item))


def _templates(item: Workload) -> set[str]:
    """Names of a workload's volumeClaimTemplates (nameless ones create no claim)."""
    templates = dig(item.manifest.body, "spec", "volumeClaimTemplates")
    names = (
        [dig(t, "metadata", "name") for t in templates or []] if isinstance(templates, list) else []
    )
    return {str(n) for n in names if n}


@check("Persistent volumes configured for data", uses=("manifests", "compose"))
def persistent_volumes(ctx: Context) -> Verdict:
    """Data lives on persistent volumes that exist.

    Kubernetes: every StatefulSet mounts a PersistentVolumeClaim (through
    ``volumeClaimTemplates`` or a ``persistentVolumeClaim`` volume), and every claim a
    workload mounts is declared in the manifests.  Compose: services that mount
    volumes use named top-level volumes.  At least one persistent volume must exist.
    """
    need_any(ctx.env, "manifests", "compose_files")
    kube: ManifestSet | None = optional(ctx, "manifests", "manifests")
    compose: tuple[ComposeFile, ...] = optional(ctx, "compose", "compose_files") or ()
    if stateless := stateless_verdict(kube, len(compose)):
        return stateless
    problems, used = _kube_volumes(kube) if kube else ([], [])
    for f in compose:
        used += [f"{f.file} volume {v}" for v in sorted(f.volumes)]
    if not used:
        problems.append(Problem("manifests/compose", "declare no persistent volume for data"))
    return verdict(
        problems, "data not on persistent volumes", f"Persistent volumes: {', '.join(used[:6])}."
    )


def _kube_volumes(kube: ManifestSet) -> tuple[list[Problem], list[str]]:
    declared = {(c.namespace, c.name) for c in kube.of("PersistentVolumeClaim")}
    problems, used = [], []
    for item in kube.workloads():
        templates = _templates(item)
        claims = _claims(item)
        if item.manifest.kind == "StatefulSet" and not claims:
            problems.append(
                Problem(item.manifest.at(), f"{item.manifest.ref} mounts no PersistentVolumeClaim")
            )
        for claim in claims:
            if claim not in templates and (item.manifest.namespace, claim) not in declared:
                problems.append(
                    Problem(
                        item.manifest.at(),
                        f"{item.manifest.ref} mounts PVC {claim}, not declared in the manifests",
                    )
                )
            used.append(f"{item.manifest.ref} -> {claim}")
    return problems, used


def _is_backup(item: Workload) -> bool:
    text = " ".join(
        [item.manifest.name, str(item.manifest.labels)]
        + [str(c.spec.get(k)) for c in item.containers() for k in ("image", "command", "args")]
    )
    return bool(BACKUP_WORDS.search(text))


def _destination(item: Workload) -> str:
    claims = _claims(item, writable=True)
    if claims:
        return f"PVC {claims[0]}"
    text = " ".join(
        str(c.spec.get(k)) for c in item.containers() for k in ("args", "command", "env")
    )
    match = DURABLE_TARGET.search(text)
    return f"object storage ({match.group(0)})" if match else ""


@check("Backup storage configured", uses=("manifests",))
def backup_storage(ctx: Context) -> Verdict:
    """A scheduled backup writes to durable storage.

    A Velero ``Schedule`` or ``BackupStorageLocation``, or a CronJob that backs up (its
    name, labels, image or command mention backup, pg_dump, mongodump, restic,
    velero...) and writes to a mounted PersistentVolumeClaim or to object storage
    (an ``s3://``/``gs://`` URL or a bucket named in its args or env).
    """
    need_any(ctx.env, "manifests")
    kube: ManifestSet = ctx.evidence("manifests")
    found = [f"{m.ref} at {m.at()}" for m in kube.of("Schedule", "BackupStorageLocation")]
    problems = []
    for item in kube.workloads(frozenset({"CronJob"})):
        if not _is_backup(item):
            continue
        target = _destination(item)
        if target:
            found.append(
                f"{item.manifest.ref} at {item.manifest.at()} "
                f"(schedule {dig(item.manifest.body, 'spec', 'schedule')!r}) -> {target}"
            )
        else:
            problems.append(
                Problem(
                    item.manifest.at(),
                    f"{item.manifest.ref} backs up to no "
                    "PVC or object storage (data dies with the pod)",
                )
            )
    if not found and not problems:
        if not ctx.env.get("compose_files") and (stateless := stateless_verdict(kube, 0)):
            return stateless
        problems.append(Problem("manifests", "contain no backup CronJob or Velero Schedule"))
    return verdict(problems, "no durable backup", f"Backups: {'; '.join(found[:4])}.")


@check("Log storage and rotation configured", uses=("compose",))
def log_rotation(ctx: Context) -> Verdict:
    """Container logs are rotated (or shipped) and bounded in size.

    Compose: every service's ``logging`` uses a shipping driver (syslog, fluentd,
    gelf, awslogs, loki, ...) or sets ``max-size`` and ``max-file``.  logrotate
    files named by ``logrotate_configs``: each block has ``rotate N`` and a schedule
    or size limit.  On Kubernetes the kubelet rotates container logs; name a
    logrotate file or compose file for what the repository controls.
    """
    need_any(ctx.env, "compose_files", "logrotate_configs")
    compose: tuple[ComposeFile, ...] = optional(ctx, "compose", "compose_files") or ()
    problems = [p for f in compose for p in _logging_gaps(f)]
    rotated: list[str] = []
    for path in (
        artifact_files(ctx.env, "logrotate_configs") if ctx.env.get("logrotate_configs") else []
    ):
        blocks = _logrotate_blocks(display(ctx.env, path), path.read_text(errors="replace"))
        problems += [p for p in blocks if isinstance(p, Problem)]
        rotated += [b for b in blocks if isinstance(b, str)]
    seen = [plural(sum(len(f.services) for f in compose), "compose service"), *rotated[:3]]
    return verdict(
        problems, "logs not rotated", f"Log rotation: {', '.join(seen)} bounded or shipped."
    )


def _logging_gaps(compose: ComposeFile) -> list[Problem]:
    problems = []
    for service in compose.services:
        driver = str(service.get("logging", "driver") or "json-file")
        options: Any = service.get("logging", "options") or {}
        if driver in SHIPPING_DRIVERS or driver == "none":
            continue
        missing = [k for k in ("max-size", "max-file") if k not in options]
        if driver == "local" and "max-size" in options:
            continue
        if missing:
            problems.append(
                Problem(
                    service.at("logging"),
                    f"service {service.name} logs with {driver} without {' and '.join(missing)}",
                )
            )
    return problems


_SCHEDULE = {"daily", "weekly", "monthly", "yearly", "hourly", "size", "maxsize"}


def _logrotate_blocks(shown: str, text: str) -> list[Problem | str]:
    """Each ``path { ... }`` block: a description, or a Problem when it does not rotate."""
    results: list[Problem | str] = []
    head, line_no, body = "", 0, list[str]()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if line.endswith("{"):
            head, line_no, body = line[:-1].strip(), number, []
        elif line == "}" and head:
            results.append(_judge_block(shown, line_no, head, body))
            head = ""
        elif head and line:
            body.append(line.split()[0])
    if head:
        raise ProbeError(f"{shown}:{line_no}: logrotate block {head!r} is not closed")
    if not results:
        results.append(Problem(f"{shown}:1", "contains no logrotate block"))
    return results


def _judge_block(shown: str, line: int, head: str, words: list[str]) -> Problem | str:
    if "rotate" in words and _SCHEDULE & set(words):
        return f"{shown}:{line} {head}"
    return Problem(
        f"{shown}:{line}", f"logrotate block {head} lacks rotate N with a schedule or size"
    )
