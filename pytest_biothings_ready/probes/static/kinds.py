"""The object kinds the manifests may hold, and which of them run pods."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError

if TYPE_CHECKING:
    from pytest_biothings_ready.probes.static.manifests import Manifest

__all__ = ["BUILTIN_KINDS", "SCALABLE_KINDS", "WORKLOAD_KINDS", "check_kinds", "crd_kinds"]

# Kubernetes built-in kinds, then custom resources common enough to accept by default
# (Argo Rollouts, External Secrets, Secrets Store CSI, Sealed Secrets, Velero, KEDA,
# VPA, Prometheus Operator, cert-manager, Gateway API, Istio, GKE, AWS LB, Traefik).
BUILTIN_KINDS = frozenset(
    """
Binding ClusterRole ClusterRoleBinding ConfigMap ControllerRevision CronJob CSIDriver
CSINode CSIStorageCapacity CustomResourceDefinition DaemonSet Deployment Endpoints
EndpointSlice Event FlowSchema HorizontalPodAutoscaler Ingress IngressClass Job Lease
LimitRange List MutatingWebhookConfiguration Namespace NetworkPolicy Node
PersistentVolume PersistentVolumeClaim Pod PodDisruptionBudget PodTemplate PriorityClass
PriorityLevelConfiguration ReplicaSet ReplicationController ResourceQuota Role
RoleBinding RuntimeClass Secret Service ServiceAccount StatefulSet StorageClass
ValidatingAdmissionPolicy ValidatingAdmissionPolicyBinding
ValidatingWebhookConfiguration VolumeAttachment
Rollout AnalysisTemplate ExternalSecret ClusterExternalSecret SecretStore
ClusterSecretStore SecretProviderClass SealedSecret Schedule Backup
BackupStorageLocation VolumeSnapshotLocation VolumeSnapshot VolumeSnapshotClass
ScaledObject ScaledJob VerticalPodAutoscaler ServiceMonitor PodMonitor PrometheusRule
Certificate Issuer ClusterIssuer Gateway HTTPRoute GatewayClass VirtualService
DestinationRule BackendConfig FrontendConfig TargetGroupBinding IngressRoute Middleware
""".split()  # noqa: SIM905  (a word list reads better than 80 quoted lines)
)

WORKLOAD_KINDS = frozenset(
    {
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "CronJob",
        "Pod",
        "Rollout",
    }
)
SCALABLE_KINDS = frozenset({"Deployment", "StatefulSet", "Rollout"})


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def crd_kinds(objects: list[Manifest]) -> set[str]:
    return {
        str(_map(_map(m.body.get("spec")).get("names")).get("kind"))
        for m in objects
        if m.kind == "CustomResourceDefinition"
    }


def check_kinds(objects: list[Manifest], extra: set[str]) -> None:
    for obj in objects:
        if obj.kind not in BUILTIN_KINDS and obj.kind not in extra:
            raise ProbeError(
                f"{obj.file}:{obj.line}: unknown kind {obj.kind!r} ({obj.api_version}); "
                "add it to `manifest_kinds` if it is a custom resource"
            )
