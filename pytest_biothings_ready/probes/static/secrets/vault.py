"""Which Secrets a vault provides, judged by the stores behind them.

A Secret counts as vault-synced only when an ExternalSecret (or ClusterExternalSecret)
targets it through a SecretStore/ClusterSecretStore defined in the manifests whose
provider is a real one (not ESO's ``fake`` provider, no inline credential), or when a
SecretProviderClass (Secrets Store CSI) syncs it.  Workloads read Secrets through
``env.valueFrom.secretKeyRef``, ``envFrom.secretRef``, ``secret`` and ``projected``
volumes; a CSI volume reads the vault directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_biothings_ready.probes.static.common import dig
from pytest_biothings_ready.probes.static.manifests import Container, Manifest, ManifestSet
from pytest_biothings_ready.probes.static.secrets.findings import literal, secret_name

__all__ = ["Source", "consumed", "csi_reads", "generated_secrets", "vault_sources"]

TEST_PROVIDERS = frozenset({"fake"})


@dataclass(frozen=True)
class Source:
    """What produces one Secret.

    Attributes:
        by: the producing object and where it is (for evidence).
        problem: why it is no vault ("" when it is one).
    """

    by: str
    problem: str = ""


def _stores(kube: ManifestSet) -> dict[tuple[str, str, str], Manifest]:
    found: dict[tuple[str, str, str], Manifest] = {}
    for obj in kube.of("SecretStore"):
        found[(obj.namespace, "SecretStore", obj.name)] = obj
    for obj in kube.of("ClusterSecretStore"):
        found[("", "ClusterSecretStore", obj.name)] = obj
    return found


def _inline(node: Any, path: str = "") -> Iterator[str]:
    """Secret-named keys holding literal values inside a provider block."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if isinstance(value, str) and secret_name(str(key)) and literal(value):
                yield f"{path}{key}"
            else:
                yield from _inline(value, f"{path}{key}.")


def store_problem(store: Manifest) -> str:
    """Why a store is not a vault ("" when it is one)."""
    provider = dig(store.body, "spec", "provider")
    if not isinstance(provider, Mapping) or not provider:
        return f"{store.ref} names no provider"
    fake = sorted(TEST_PROVIDERS & set(provider))
    if fake:
        return f"{store.ref} uses the {fake[0]} provider (test data, not a vault)"
    inline = list(_inline(provider))
    if inline:
        return f"{store.ref} carries an inline credential ({inline[0]})"
    return ""


def _external(obj: Manifest, spec: Any, stores: Mapping[tuple[str, str, str], Manifest]) -> Source:
    ref = dig(spec, "secretStoreRef")
    kind = str(dig(ref, "kind") or "SecretStore")
    name = str(dig(ref, "name"))
    key = ("" if kind == "ClusterSecretStore" else obj.namespace, kind, name)
    store = stores.get(key)
    by = f"{obj.ref} ({obj.at()})"
    if store is None:
        return Source(by, f"{obj.ref} names {kind} {name}, which the manifests do not define")
    problem = store_problem(store)
    return Source(f"{by} via {store.ref}", problem)


def vault_sources(kube: ManifestSet) -> dict[str, Source]:
    """``namespace/secret`` -> what produces it, for every synced Secret."""
    stores = _stores(kube)
    found: dict[str, Source] = {}
    for obj in kube.of("ExternalSecret"):
        spec = dig(obj.body, "spec")
        name = dig(spec, "target", "name") or obj.name
        found[f"{obj.namespace}/{name}"] = _external(obj, spec, stores)
    for obj in kube.of("ClusterExternalSecret"):
        spec = dig(obj.body, "spec", "externalSecretSpec")
        name = (
            dig(spec, "target", "name") or dig(obj.body, "spec", "externalSecretName") or obj.name
        )
        found[f"*/{name}"] = _external(obj, spec, stores)
    for obj in kube.of("SecretProviderClass"):
        for entry in dig(obj.body, "spec", "secretObjects") or []:
            found[f"{obj.namespace}/{dig(entry, 'secretName')}"] = Source(f"{obj.ref} ({obj.at()})")
    for obj in kube.of("SealedSecret"):
        name = dig(obj.body, "spec", "template", "metadata", "name") or obj.name
        found[f"{obj.namespace}/{name}"] = Source(
            f"{obj.ref} ({obj.at()})",
            f"{obj.ref} keeps it encrypted in the repository (sealed, not in a vault)",
        )
    return found


def generated_secrets(kube: ManifestSet) -> dict[str, str]:
    """Secrets the cluster creates, which hold no stored credential: ``ns/name`` -> by what.

    cert-manager writes each Certificate's key pair to ``spec.secretName``; the token
    controller fills ``kubernetes.io/service-account-token`` Secrets.
    """
    found = {
        f"{c.namespace}/{dig(c.body, 'spec', 'secretName')}": f"{c.ref} (cert-manager)"
        for c in kube.of("Certificate")
        if dig(c.body, "spec", "secretName")
    }
    for obj in kube.of("Secret"):
        if str(obj.body.get("type")) == "kubernetes.io/service-account-token" and not (
            obj.body.get("data") or obj.body.get("stringData")
        ):
            found[f"{obj.namespace}/{obj.name}"] = f"{obj.ref} (service account token)"
    return found


def consumed(container: Container) -> list[str]:
    """Names of the Secrets a container reads (env, envFrom, secret and projected volumes)."""
    names = [
        str(dig(e, "valueFrom", "secretKeyRef", "name"))
        for e in container.spec.get("env") or []
        if dig(e, "valueFrom", "secretKeyRef")
    ]
    names += [
        str(dig(e, "secretRef", "name"))
        for e in container.spec.get("envFrom") or []
        if dig(e, "secretRef")
    ]
    mounted = {str(dig(m, "name")) for m in container.spec.get("volumeMounts") or []}
    for volume in container.pod.get("volumes") or []:
        if str(dig(volume, "name")) not in mounted:
            continue
        if dig(volume, "secret"):
            names.append(str(dig(volume, "secret", "secretName")))
        for source in dig(volume, "projected", "sources") or []:
            if dig(source, "secret"):
                names.append(str(dig(source, "secret", "name")))
    return list(dict.fromkeys(names))


def csi_reads(container: Container, classes: Mapping[tuple[str, str], Manifest]) -> list[str]:
    """SecretProviderClasses (by namespace and name) a container mounts through CSI."""
    mounted = {str(dig(m, "name")) for m in container.spec.get("volumeMounts") or []}
    found = []
    for volume in container.pod.get("volumes") or []:
        name = dig(volume, "csi", "volumeAttributes", "secretProviderClass")
        spc = classes.get((container.workload.namespace, str(name)))
        if name and str(dig(volume, "name")) in mounted and spc is not None:
            found.append(f"{spc.ref} ({spc.at()})")
    return found
