"""Ports Kubernetes manifests open: NodePort/LoadBalancer Services, hostPort, hostNetwork."""

from __future__ import annotations

from pathlib import Path

from pytest_biothings_ready.model import Status
from tests.repository.conftest import static_verdict

LINE = "Firewall rules configured (only necessary ports open)"
WORKLOADS = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ghcr.io/example/api:1.0
          ports: [{containerPort: 8000}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  selector: {matchLabels: {app: db}}
  serviceName: db
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: postgres
          image: postgres:16
          ports: [{containerPort: 5432}]
"""
INGRESS = """---
apiVersion: v1
kind: Service
metadata: {name: ingress}
spec:
  type: LoadBalancer
  selector: {app: api}
  ports: [{port: 443, targetPort: 8000}]
"""
DB_SERVICE = """---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  type: {kind}
  selector: {app: db}
  ports: [{port: 5432, nodePort: 30432}]
"""


def _repo(root: Path, text: str) -> Path:
    (root / "k8s").mkdir()
    (root / "k8s" / "app.yaml").write_text(text)
    return root


def test_a_load_balancer_on_an_allowed_port_passes_as_configured(tmp_path: Path) -> None:
    root = _repo(tmp_path, WORKLOADS + INGRESS)
    verdict = static_verdict(LINE, root, manifests=["k8s"], allowed_ports=[443])
    assert verdict.status is Status.PASSED, verdict.evidence
    assert "Service/ingress 443" in verdict.evidence


def test_a_database_behind_a_node_port_fails(tmp_path: Path) -> None:
    root = _repo(tmp_path, WORKLOADS + INGRESS + DB_SERVICE.replace("{kind}", "NodePort"))
    verdict = static_verdict(LINE, root, manifests=["k8s"], allowed_ports=[443])
    assert verdict.status is Status.FAILED
    assert "Service/db NodePort port 30432 exposes a data store" in verdict.evidence


def test_a_cluster_ip_database_is_not_open(tmp_path: Path) -> None:
    root = _repo(tmp_path, WORKLOADS + INGRESS + DB_SERVICE.replace("{kind}", "ClusterIP"))
    verdict = static_verdict(LINE, root, manifests=["k8s"], allowed_ports=[443])
    assert verdict.status is Status.PASSED, verdict.evidence


def test_a_host_port_outside_allowed_ports_fails(tmp_path: Path) -> None:
    text = WORKLOADS.replace(
        "ports: [{containerPort: 8000}]", "ports: [{containerPort: 8000, hostPort: 8000}]"
    )
    verdict = static_verdict(
        LINE, _repo(tmp_path, text + INGRESS), manifests=["k8s"], allowed_ports=[443]
    )
    assert verdict.status is Status.FAILED
    assert "container api hostPort 8000" in verdict.evidence


def test_manifests_that_do_not_parse_leave_compose_decisions_standing(tmp_path: Path) -> None:
    root = _repo(tmp_path, "apiVersion: v1\nkind: Service\nmetadata: {name: x\n")
    (root / "docker-compose.yml").write_text(
        "services:\n  db:\n    image: postgres:16\n    ports: ['5432:5432']\n"
    )
    verdict = static_verdict(LINE, root, manifests=["k8s"])
    assert verdict.status is Status.FAILED
    assert "a data store published to the network" in verdict.evidence
