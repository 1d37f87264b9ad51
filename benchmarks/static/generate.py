"""Generate a synthetic deployment repository: N manifests, M Dockerfiles, a compose file.

Every 10th manifest carries a deliberate flaw (no limits, root, min 1 replica, Recreate,
a literal password...) so the checks do real work on both branches.
"""

from __future__ import annotations

import json
from pathlib import Path

FLAWS = ("limits", "root", "hpa-min", "recreate", "password", "probes", "labels", "netpol")


def deployment(i: int, flaw: str | None) -> str:
    limits = "" if flaw == "limits" else "            limits: {cpu: '1', memory: 512Mi}\n"
    security = "runAsUser: 0" if flaw == "root" else "runAsNonRoot: true, runAsUser: 1000"
    strategy = (
        "    type: Recreate\n"
        if flaw == "recreate"
        else "    type: RollingUpdate\n    rollingUpdate: {maxUnavailable: 0, maxSurge: 1}\n"
    )
    env = (
        "            - {name: DB_PASSWORD, value: 'hunter2-" + str(i) + "'}\n"
        if flaw == "password"
        else ""
    )
    probes = (
        ""
        if flaw == "probes"
        else (
            "          readinessProbe: {httpGet: {path: /ready, port: 8080}}\n"
            "          livenessProbe: {httpGet: {path: /live, port: 8080}}\n"
        )
    )
    labels = (
        f"{{app: svc-{i}}}"
        if flaw == "labels"
        else f"{{app: svc-{i}, team: t{i % 7}, cost-center: cc-{i % 3}}}"
    )
    return f"""# Source: chart/templates/svc-{i}.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-{i}
  namespace: ns-{i % 5}
  labels: {labels}
spec:
  strategy:
{strategy}  selector:
    matchLabels: {{app: svc-{i}}}
  template:
    metadata:
      labels: {labels}
    spec:
      securityContext: {{{security}}}
      containers:
        - name: app
          image: registry.example.org/svc-{i}:1.{i}.0
          ports: [{{containerPort: 8080}}]
          env:
            - {{name: LOG_LEVEL, value: info}}
            - name: API_TOKEN
              valueFrom: {{secretKeyRef: {{name: svc-{i}-secrets, key: token}}}}
{env}          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
{limits}{probes}---
apiVersion: v1
kind: Service
metadata: {{name: svc-{i}, namespace: ns-{i % 5}}}
spec:
  selector: {{app: svc-{i}}}
  ports: [{{port: 80, targetPort: 8080}}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: svc-{i}, namespace: ns-{i % 5}}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: svc-{i}}}
  minReplicas: {1 if flaw == "hpa-min" else 2}
  maxReplicas: 6
  metrics:
    - type: Resource
      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}
    - type: Resource
      resource: {{name: memory, target: {{type: Utilization, averageUtilization: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: allow-svc-{i}, namespace: ns-{i % 5}}}
spec:
  podSelector: {{matchLabels: {{app: {"nothing" if flaw == "netpol" else f"svc-{i}"}}}}}
  ingress: [{{from: [{{namespaceSelector: {{}}}}]}}]
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {{name: svc-{i}-secrets, namespace: ns-{i % 5}}}
spec:
  secretStoreRef: {{name: vault, kind: ClusterSecretStore}}
  target: {{name: svc-{i}-secrets}}
  dataFrom: [{{extract: {{key: svc/{i}}}}}]
"""


def dockerfile(i: int) -> str:
    user = "root" if i % 10 == 3 else "10001"
    return (
        f"FROM python:3.12-slim AS build\nRUN pip wheel -w /w app-{i}\n\n"
        f"FROM python:3.12-slim\nCOPY --from=build /w /w\nRUN pip install /w/*\n"
        f"ENV PORT=8080 WORKERS=4\nUSER {user}\n"
        "HEALTHCHECK CMD python -c 'import urllib.request as u; u.urlopen(\"http://127.0.0.1:8080/\")'\n"
        'CMD ["python", "-m", "app"]\n'
    )


def generate(root: Path, manifests: int = 500, dockerfiles: int = 50) -> dict[str, object]:
    """Write the repository under ``root``; return readiness settings for it."""
    (root / "k8s").mkdir(parents=True, exist_ok=True)
    for i in range(manifests):
        flaw = FLAWS[(i // 10) % len(FLAWS)] if i % 10 == 0 else None
        (root / "k8s" / f"svc-{i:03d}.yaml").write_text(deployment(i, flaw))
    (root / "k8s" / "default-deny.yaml").write_text(
        "".join(
            f"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: "
            f"{{name: deny, namespace: ns-{n}}}\n"
            "spec: {podSelector: {}, policyTypes: [Ingress]}\n"
            for n in range(5)
        )
    )
    for i in range(dockerfiles):
        (root / "images" / f"svc-{i}").mkdir(parents=True, exist_ok=True)
        (root / "images" / f"svc-{i}" / "Dockerfile").write_text(dockerfile(i))
    (root / "scans").mkdir(exist_ok=True)
    report = {
        "SchemaVersion": 2,
        "CreatedAt": "2026-11-25T00:00:00Z",
        "ArtifactName": "registry.example.org/svc-0:1.0.0",
        "ArtifactType": "container_image",
        "Results": [
            {
                "Target": "x",
                "Vulnerabilities": [
                    {"VulnerabilityID": "CVE-2024-1", "PkgName": "p", "Severity": "HIGH"}
                ],
            }
        ],
    }
    (root / "scans" / "trivy.json").write_text(json.dumps(report))
    return {
        "timeout_s": 5,
        "manifests": ["k8s/"],
        "dockerfiles": [f"images/svc-{i}/Dockerfile" for i in range(dockerfiles)],
        "source_paths": ["images/"],
        "scan_reports": ["scans/"],
        "scan_max_age": "36500d",
        "cost_labels": ["team", "cost-center"],
        "session_affinity_required": False,
    }
