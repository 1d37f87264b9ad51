"""Ports Kubernetes manifests open outside the cluster: NodePort/LoadBalancer Services,
``hostPort`` and ``hostNetwork`` (data stores behind them never)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.deploy.images import is_store_image

__all__ = ["kube_ports"]


def _stores(workloads: list[Any]) -> list[str]:
    found = []
    for workload in workloads:
        for container in workload.containers():
            if is_store_image(str(container.spec.get("image", ""))):
                found.append(f"{container.label} ({container.spec.get('image')})")
    return found


def kube_ports(kube: Any, allowed: set[str], problems: list[str], opened: list[str]) -> None:
    """Add the externally reachable ports of ``kube`` (a static ManifestSet)."""
    for service in kube.of("Service"):
        spec: Mapping[str, Any] = service.body.get("spec") or {}
        kind = str(spec.get("type") or "ClusterIP")
        if kind not in ("NodePort", "LoadBalancer"):
            continue
        selected = kube.matching(service.namespace, spec.get("selector") or {})
        stores = _stores(selected) if spec.get("selector") else []
        for port in spec.get("ports") or []:
            if not isinstance(port, Mapping):
                continue
            number = str(port.get("nodePort") if kind == "NodePort" else port.get("port"))
            shown = f"{service.at(port)} {service.ref} {kind} port {number}"
            if stores:
                problems.append(f"{shown} exposes a data store ({', '.join(stores[:2])})")
            elif allowed and number not in allowed:
                problems.append(f"{shown}: not in allowed_ports")
            else:
                opened.append(f"{service.ref} {number}")
    for container in kube.containers():
        for port in container.spec.get("ports") or []:
            if isinstance(port, Mapping) and port.get("hostPort"):
                number = str(port["hostPort"])
                if allowed and number in allowed:
                    opened.append(f"{container.label} hostPort {number}")
                else:
                    problems.append(f"{container.at('ports')} {container.label} hostPort {number}")
        if container.pod.get("hostNetwork") is True:
            problems.append(
                f"{container.at()} {container.label}: hostNetwork (every port it opens)"
            )
