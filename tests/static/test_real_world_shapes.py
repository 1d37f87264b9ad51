"""Shapes common in public repositories that the static family must read right.

Every fixture here is small and synthetic: it reproduces a shape (BuildKit heredocs,
kustomizations, unrendered Helm charts, objects without a namespace...) seen in real
deployment repositories, not their text.
"""

from __future__ import annotations

from pathlib import Path

from pytest_biothings_ready.model import Status
from tests.static.conftest import judge_repo

NON_ROOT = "Non-root user in containers"

HEREDOC_DOCKERFILE = """\
# syntax=docker/dockerfile:1.4
ARG BASE=alpine:3.20
FROM --platform=$BUILDPLATFORM ${BASE} AS build
RUN <<EOF
apk add --no-cache curl
adduser -D runner
USER root
EOF
COPY <<-'CONF' /etc/app.conf
\tlisten 8080
\tCONF
RUN --mount=type=cache,target=/root/.cache \\
    <<EOF
echo cached
EOF
USER runner
"""


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def test_heredoc_bodies_are_not_read_as_instructions(tmp_path: Path) -> None:
    root = _write(tmp_path, {"Dockerfile": HEREDOC_DOCKERFILE})
    verdict = judge_repo(NON_ROOT, root, dockerfiles=["Dockerfile"])
    assert verdict.status is Status.PASSED, verdict.evidence


def test_user_root_inside_a_heredoc_is_not_the_image_user(tmp_path: Path) -> None:
    text = HEREDOC_DOCKERFILE.replace("USER runner\n", "")
    root = _write(tmp_path, {"Dockerfile": text})
    verdict = judge_repo(NON_ROOT, root, dockerfiles=["Dockerfile"])
    assert verdict.status is Status.FAILED
    assert "Dockerfile:3 final stage sets no USER" in verdict.evidence


def test_lines_after_a_heredoc_keep_their_numbers(tmp_path: Path) -> None:
    text = HEREDOC_DOCKERFILE.replace("USER runner", "USER root")
    root = _write(tmp_path, {"Dockerfile": text})
    verdict = judge_repo(NON_ROOT, root, dockerfiles=["Dockerfile"])
    assert verdict.status is Status.FAILED
    assert "Dockerfile:16 final stage runs as USER root" in verdict.evidence


def test_dockerfile_with_bom_and_crlf_is_read(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"\xef\xbb\xbfFROM alpine:3.20\r\nUSER 1000\r\n")
    verdict = judge_repo(NON_ROOT, tmp_path, dockerfiles=["Dockerfile"])
    assert verdict.status is Status.PASSED, verdict.evidence


HPA = "Horizontal Pod Autoscaler configured (Kubernetes)"
LIMITS = "Resource limits set (CPU, memory)"

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: example.org/api:1
"""

HPA_IN_DEFAULT = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
  namespace: default
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 4
"""

TEMPLATE = """\
apiVersion: v1
kind: Service
metadata:
  name: {{ include "app.fullname" . }}
spec:
  selector:
    app: api
"""


def test_unrendered_helm_template_is_an_error_saying_to_render_it(tmp_path: Path) -> None:
    root = _write(tmp_path, {"deploy/service.yaml": TEMPLATE})
    verdict = judge_repo(HPA, root, manifests=["deploy/"])
    assert verdict.status is Status.ERROR
    assert "deploy/service.yaml is an unrendered Helm template" in verdict.evidence
    assert "helm template" in verdict.evidence


def test_template_that_breaks_the_yaml_names_helm_too(tmp_path: Path) -> None:
    text = 'apiVersion: v1\nkind: Service\nmetadata:\n  labels:\n    {{- include "l" . }}\n'
    root = _write(tmp_path, {"svc.yaml": text})
    verdict = judge_repo(HPA, root, manifests=["svc.yaml"])
    assert verdict.status is Status.ERROR
    assert "svc.yaml is an unrendered Helm template" in verdict.evidence


def test_helm_chart_folder_is_an_error_naming_the_chart(tmp_path: Path) -> None:
    files = {
        "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
        "charts/api/values.yaml": "replicas: 2\n",
        "charts/api/templates/service.yaml": TEMPLATE,
    }
    verdict = judge_repo(HPA, _write(tmp_path, files), manifests=["charts/api/"])
    assert verdict.status is Status.ERROR
    assert "belongs to the Helm chart charts/api/" in verdict.evidence
    assert "helm template RELEASE charts/api" in verdict.evidence


def test_rendered_templates_inside_strings_are_not_mistaken_for_helm(tmp_path: Path) -> None:
    rule = """\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: api}
spec:
  groups:
  - name: api
    rules:
    - alert: ApiDown
      expr: up{job="api"} == 0
      annotations:
        summary: '{{ $labels.instance }} is down'
        description: |
          {{ $labels.job }} has been down for 5 minutes.
"""
    root = _write(tmp_path, {"k8s/app.yaml": DEPLOYMENT, "k8s/rule.yaml": rule})
    verdict = judge_repo(HPA, root, manifests=["k8s/"])
    assert verdict.status is Status.FAILED
    assert "Deployment/api has no HorizontalPodAutoscaler" in verdict.evidence


def test_kustomization_that_alters_resources_must_be_rendered(tmp_path: Path) -> None:
    kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
    kustomization += "namespace: prod\nresources: [app.yaml]\n"
    files = {"k8s/app.yaml": DEPLOYMENT, "k8s/kustomization.yaml": kustomization}
    verdict = judge_repo(HPA, _write(tmp_path, files), manifests=["k8s/"])
    assert verdict.status is Status.ERROR
    assert "k8s/kustomization.yaml:1: a kustomization" in verdict.evidence
    assert "kubectl kustomize k8s" in verdict.evidence


def test_kustomization_that_only_lists_resources_is_skipped(tmp_path: Path) -> None:
    kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
    kustomization += "resources:\n- app.yaml\n- hpa.yaml\n"
    files = {"k8s/app.yaml": DEPLOYMENT, "k8s/hpa.yaml": HPA_IN_DEFAULT}
    files["k8s/kustomization.yaml"] = kustomization
    verdict = judge_repo(HPA, _write(tmp_path, files), manifests=["k8s/"])
    assert verdict.status is Status.PASSED, verdict.evidence


def test_object_without_namespace_is_in_the_default_namespace(tmp_path: Path) -> None:
    files = {"k8s/app.yaml": DEPLOYMENT, "k8s/hpa.yaml": HPA_IN_DEFAULT}
    verdict = judge_repo(HPA, _write(tmp_path, files), manifests=["k8s/"])
    assert verdict.status is Status.PASSED, verdict.evidence


def test_replication_controller_containers_are_checked(tmp_path: Path) -> None:
    controller = DEPLOYMENT.replace("apps/v1", "v1").replace("Deployment", "ReplicationController")
    root = _write(tmp_path, {"rc.yaml": controller})
    verdict = judge_repo(LIMITS, root, manifests=["rc.yaml"])
    assert verdict.status is Status.FAILED
    assert "ReplicationController/api container api lacks limits.cpu" in verdict.evidence


def test_empty_documents_comments_bom_and_crlf_are_read(tmp_path: Path) -> None:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "empty.yaml").write_text("---\n# nothing here yet\n---\n")
    (tmp_path / "k8s" / "dashes.yaml").write_text("---\n")
    app = "\ufeff" + DEPLOYMENT.replace("\n", "\r\n")
    (tmp_path / "k8s" / "app.yaml").write_bytes(app.encode())
    (tmp_path / "k8s" / "hpa.yaml").write_text(HPA_IN_DEFAULT)
    verdict = judge_repo(HPA, tmp_path, manifests=["k8s/"])
    assert verdict.status is Status.PASSED, verdict.evidence


def test_compose_user_zero_is_reported_as_root(tmp_path: Path) -> None:
    text = "services:\n  api:\n    image: example.org/api:1\n    user: 0\n"
    root = _write(tmp_path, {"compose.yaml": text})
    verdict = judge_repo(NON_ROOT, root, compose_files=["compose.yaml"])
    assert verdict.status is Status.FAILED
    assert "compose.yaml:4 service api has user: 0" in verdict.evidence


def test_service_declared_without_settings_is_quoted_at_its_line(tmp_path: Path) -> None:
    text = "\ufeffservices:\n  api:\n    image: example.org/api:1\n  worker:\n"
    root = _write(tmp_path, {"compose.yaml": text})
    verdict = judge_repo(LIMITS, root, compose_files=["compose.yaml"])
    assert verdict.status is Status.FAILED
    assert "compose.yaml:4 service worker has no cpu or memory limit" in verdict.evidence


def test_nameless_claim_template_is_not_a_persistent_volume(tmp_path: Path) -> None:
    stateful = DEPLOYMENT.replace("Deployment", "StatefulSet")
    stateful += "  volumeClaimTemplates:\n  - spec: {accessModes: [ReadWriteOnce]}\n"
    root = _write(tmp_path, {"db.yaml": stateful})
    verdict = judge_repo("Persistent volumes configured for data", root, manifests=["db.yaml"])
    assert verdict.status is Status.FAILED
    assert "StatefulSet/api mounts no PersistentVolumeClaim" in verdict.evidence
