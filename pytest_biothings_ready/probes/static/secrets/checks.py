"""Hardcoded keys and credentials, and whether secrets come from a vault."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.errors import NotConfigured
from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import (
    Problem,
    dig,
    listing,
    need_any,
    optional,
    plural,
)
from pytest_biothings_ready.probes.static.manifests import Container, ManifestSet
from pytest_biothings_ready.probes.static.secrets.allowlist import (
    Accepted,
    load_allowlist,
    split_findings,
)
from pytest_biothings_ready.probes.static.secrets.findings import SecretScan
from pytest_biothings_ready.probes.static.secrets.vault import (
    consumed,
    csi_reads,
    generated_secrets,
    vault_sources,
)

__all__ = ["api_keys_not_hardcoded", "database_credentials_secure", "secrets_in_vault"]

SCANNED = ("source_paths", "dockerfiles", "compose_files", "manifests")
METHOD = (
    "detect-secrets plugins, Google API key / JWT secret / database URL patterns, literal "
    "or random values of env, ConfigMap, Secret, ENV/ARG, dotenv, properties and config "
    "keys, Python/Django/Spring credential settings and getenv defaults"
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
            f"{split.notes()}{scan.placeholder_note()}"
        )
    return Verdict.unverified(
        f"not hardcoded: no secret found in {plural(scan.files, 'file')} "
        f"({METHOD}).{split.notes()}{scan.placeholder_note()} Rotation cannot be observed in the "
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
            f"{scan.placeholder_note()}"
        )
    return Verdict.passed(
        f"no database credential literal in {plural(scan.files, 'file')} ({METHOD})."
        f"{split.notes()}{scan.placeholder_note()}"
    )


@check(
    "All secrets stored in secure vault (AWS Secrets Manager, etc.)",
    uses=("manifests", "secrets-scan"),
)
def secrets_in_vault(ctx: Context) -> Verdict:
    """Every secret a workload reads is synced from a real vault, none is a literal.

    Each Secret read through ``secretKeyRef``, ``envFrom.secretRef``, a ``secret`` or
    ``projected`` volume is produced by an ExternalSecret whose SecretStore or
    ClusterSecretStore is defined in the manifests with a real provider (not ``fake``,
    no inline credential), or by a SecretProviderClass; a Vault agent annotation does
    not vouch for a Secret nothing syncs.  No literal secret is in the scan (a
    committed Secret with data is one).  Nothing read from a vault: unverified.
    """
    scan, split = _scan(ctx)
    kube: ManifestSet | None = optional(ctx, "manifests", "manifests")
    problems: list[Problem | Any] = list(split.active)
    notes = split.notes() + scan.placeholder_note()
    if kube is None and not problems:
        raise NotConfigured(
            "manifests",
            ctx.env.name,
            f"vault references are read from the Kubernetes manifests; the secret scan is clean"
            f"{notes}",
        )
    used = _vault_reads(kube, problems) if kube is not None else []
    if problems:
        return Verdict.failed(f"secrets outside a vault: {listing(problems)}.{notes}")
    if not used:
        return Verdict.unverified(
            "no workload reads a Secret synced from a vault and no literal secret was "
            f"found; nothing shows secrets come from a vault.{notes}"
        )
    return Verdict.passed(
        f"{plural(len(set(used)), 'secret reference')} synced from a vault: "
        f"{listing(sorted(set(used)))}.{notes}"
    )


def _vault_reads(kube: ManifestSet, problems: list[Problem | Any]) -> list[str]:
    """Vault-backed reads of every container; unbacked reads appended to ``problems``."""
    sources, generated = vault_sources(kube), generated_secrets(kube)
    classes = {(m.namespace, m.name): m for m in kube.of("SecretProviderClass")}
    used = []
    for container in kube.containers(init=True, ephemeral=True):
        used += [f"CSI volume <- {spc}" for spc in csi_reads(container, classes)]
        if _vault_agent(container):
            used.append(f"{container.workload.ref} <- Vault agent injector")
        for name in consumed(container):
            if f"{container.workload.namespace}/{name}" in generated:
                continue  # made by the cluster (certificates, tokens): no stored secret
            source = sources.get(f"{container.workload.namespace}/{name}") or sources.get(
                f"*/{name}"
            )
            if source is not None and not source.problem:
                used.append(f"{name} <- {source.by}")
                continue
            why = source.problem if source else "no ExternalSecret/SecretProviderClass provides it"
            problems.append(
                Problem(container.at(), f"{container.label} reads Secret {name}: {why}")
            )
    return used


def _vault_agent(container: Container) -> bool:
    """The pod asks the Vault agent injector for at least one secret."""
    annotations: Any = dig(container.workload.body, "spec", "template", "metadata", "annotations")
    if not isinstance(annotations, Mapping):
        return False
    inject = str(annotations.get("vault.hashicorp.com/agent-inject", "")).lower() == "true"
    return inject and any(
        str(k).startswith("vault.hashicorp.com/agent-inject-secret-") for k in annotations
    )
