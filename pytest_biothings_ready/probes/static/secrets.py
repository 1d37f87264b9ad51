"""Hardcoded keys and credentials, and whether secrets come from a vault."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.allowlist import Accepted, load_allowlist, split_findings
from pytest_biothings_ready.probes.static.common import (
    Problem,
    dig,
    listing,
    need_any,
    optional,
    plural,
)
from pytest_biothings_ready.probes.static.manifests import Container, ManifestSet
from pytest_biothings_ready.probes.static.secretscan import SecretScan

__all__ = ["api_keys_not_hardcoded", "database_credentials_secure", "secrets_in_vault"]

SCANNED = ("source_paths", "dockerfiles", "compose_files", "manifests")
METHOD = (
    "detect-secrets plugins, Google API key / JWT secret / database URL patterns and "
    "literal secret-named env, ConfigMap, Secret, ENV/ARG and dotenv values"
)


def _scan(ctx: Context) -> tuple[SecretScan, Accepted]:
    need_any(ctx.env, *SCANNED)
    scan: SecretScan = ctx.evidence("secrets-scan")
    return scan, split_findings(scan.findings, load_allowlist(ctx))


@check("API keys are rotated and not hardcoded", uses=("secrets-scan",))
def api_keys_not_hardcoded(ctx: Context) -> Verdict:
    """No key, token or password is hardcoded; rotation itself needs an attestation.

    Scans ``source_paths``, Dockerfiles, compose files and manifests (detect-secrets
    plugins, Google API keys, JWT secrets, database URLs with passwords, literal
    values of secret-named variables).  Any finding not accepted by
    ``secrets_allowlist`` fails the item.  A clean scan leaves it unverified: rotation
    cannot be seen in a repository, so it needs an attestation.
    """
    scan, split = _scan(ctx)
    if split.active:
        return Verdict.failed(
            f"{plural(len(split.active), 'hardcoded secret')} in "
            f"{plural(scan.files, 'scanned file')}: {listing(split.active)}."
            f"{split.notes()}"
        )
    return Verdict.unverified(
        f"not hardcoded: no secret found in {plural(scan.files, 'file')} "
        f"({METHOD}).{split.notes()} Rotation cannot be observed in the "
        "repository: attest it."
    )


@check("Database credentials are secure (if using external DB)", uses=("secrets-scan",))
def database_credentials_secure(ctx: Context) -> Verdict:
    """No database password or credential-bearing connection URL is in the repository.

    The same scan as for API keys, restricted to database credentials (database
    URLs with an inline password, Basic Auth URLs, secret-named variables that name
    a database); findings not accepted by ``secrets_allowlist`` fail the item.
    """
    scan, split = _scan(ctx)
    found = [f for f in split.active if f.database]
    if found:
        return Verdict.failed(
            f"database credentials in the repository: {listing(found)}.{split.notes()}"
        )
    return Verdict.passed(
        f"no database credential literal in {plural(scan.files, 'file')} ({METHOD}).{split.notes()}"
    )


def vault_sources(kube: ManifestSet) -> dict[str, str]:
    """Secret names provided from a vault, with the object that provides each."""
    found: dict[str, str] = {}
    for obj in kube.of("ExternalSecret"):
        name = dig(obj.body, "spec", "target", "name") or obj.name
        found[f"{obj.namespace}/{name}"] = f"{obj.ref} ({obj.at()})"
    for obj in kube.of("SecretProviderClass"):
        for entry in dig(obj.body, "spec", "secretObjects") or []:
            found[f"{obj.namespace}/{dig(entry, 'secretName')}"] = f"{obj.ref} ({obj.at()})"
    return found


def _consumed(container: Container) -> list[tuple[str, str]]:
    """(secret name, where) for every Secret a container reads through env/envFrom/volumes."""
    refs = [
        (str(dig(e, "valueFrom", "secretKeyRef", "name")), container.at())
        for e in container.spec.get("env") or []
        if dig(e, "valueFrom", "secretKeyRef")
    ]
    refs += [
        (str(dig(e, "secretRef", "name")), container.at())
        for e in container.spec.get("envFrom") or []
        if dig(e, "secretRef")
    ]
    refs += [
        (str(dig(v, "secret", "secretName")), container.at())
        for v in container.pod.get("volumes") or []
        if dig(v, "secret")
    ]
    return refs


def _vault_agent(container: Container) -> bool:
    annotations: Any = (
        dig(container.workload.body, "spec", "template", "metadata", "annotations") or {}
    )
    return (
        isinstance(annotations, Mapping)
        and str(annotations.get("vault.hashicorp.com/agent-inject", "")).lower() == "true"
    )


@check(
    "All secrets stored in secure vault (AWS Secrets Manager, etc.)",
    uses=("manifests", "secrets-scan"),
)
def secrets_in_vault(ctx: Context) -> Verdict:
    """Every secret a workload consumes is synced from a vault, none is a literal.

    Each Secret read through ``secretKeyRef``, ``envFrom.secretRef`` or a secret
    volume is produced by an ExternalSecret or a SecretProviderClass (or the pod
    uses the Vault agent injector); no Kubernetes Secret is committed with data and
    no secret-named variable has a literal value (scan findings).  Without
    ``manifests`` a literal still fails the item; a clean scan leaves it unverified.
    """
    _, split = _scan(ctx)
    kube: ManifestSet | None = optional(ctx, "manifests", "manifests")
    problems: list[Problem | Any] = list(split.active)
    if kube is None and not problems:
        raise NotConfigured(
            "manifests",
            ctx.env.name,
            "vault references are read from "
            f"the Kubernetes manifests; the secret scan is clean{split.notes()}",
        )
    sources = vault_sources(kube) if kube else {}
    used = []
    for container in kube.containers(init=True) if kube else ():
        for name, where in _consumed(container):
            key = f"{container.workload.namespace}/{name}"
            if key in sources or _vault_agent(container):
                used.append(f"{name} <- {sources.get(key, 'Vault agent')}")
            else:
                problems.append(
                    Problem(
                        where,
                        f"{container.label} reads Secret {name}, which "
                        "no ExternalSecret/SecretProviderClass provides",
                    )
                )
    if problems:
        return Verdict.failed(f"secrets outside a vault: {listing(problems)}.{split.notes()}")
    if not used:
        return Verdict.unverified(
            "no workload consumes a Secret and no literal secret was "
            f"found; nothing shows secrets come from a vault.{split.notes()}"
        )
    return Verdict.passed(
        f"{plural(len(used), 'secret reference')} synced from a vault: "
        f"{listing(sorted(set(used)))}.{split.notes()}"
    )
