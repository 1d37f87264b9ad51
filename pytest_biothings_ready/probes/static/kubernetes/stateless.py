"""Whether the manifests deploy any data at all (for the storage and backup lines).

A stateless deployment (Deployments with no claim, no data-store image, no database
setting) has no data to put on a persistent volume or to back up: those lines are
unverified there (the data may live in a managed service the repository does not name),
not failed.
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_biothings_ready.deploy.images import is_store_image
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import dig
from pytest_biothings_ready.probes.static.manifests import ManifestSet
from pytest_biothings_ready.probes.static.secrets.findings import database_name

__all__ = ["stateless_verdict"]


def _holds_data(kube: ManifestSet) -> str:
    """What in the manifests holds data ("" when nothing does)."""
    if found := kube.of("StatefulSet", "PersistentVolumeClaim"):
        return found[0].ref
    for item in kube.workloads():
        if dig(item.manifest.body, "spec", "volumeClaimTemplates"):
            return item.manifest.ref
        for volume in item.pod.get("volumes") or []:
            if isinstance(volume, Mapping) and ("persistentVolumeClaim" in volume or
                                                "hostPath" in volume):  # fmt: skip
                return f"{item.manifest.ref} volume {volume.get('name')}"
        for container in item.containers(init=True):
            if is_store_image(str(container.spec.get("image") or "")):
                return f"{container.label} ({container.spec.get('image')})"
            for env in container.spec.get("env") or []:
                if isinstance(env, Mapping) and database_name(str(env.get("name") or "")):
                    return f"{container.label} env {env.get('name')}"
    return ""


def stateless_verdict(kube: ManifestSet | None, compose_files: int) -> Verdict | None:
    """Unverified when only manifests are deployed and none of them holds data."""
    if kube is None or compose_files or not kube.workloads() or _holds_data(kube):
        return None
    names = ", ".join(w.manifest.ref for w in kube.workloads()[:4])
    return Verdict.unverified(
        f"no data is deployed (stateless): no workload ({names}) mounts a claim or host "
        "path, runs a database, cache or broker image or names a database setting."
    )
