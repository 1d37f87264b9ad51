"""The robustness corpus: synthetic look-alikes of public deployment repositories.

Each repository under ``repos/corpus`` imitates the shape of a public one (read with the
search tool, never copied): a single-host monitoring stack, a Kubernetes reference
application with skaffold/kustomize/Helm/istio side by side, a FastAPI template routed
by traefik labels, a Render blueprint.  The runs check what discovery reaches and that
the verdicts a careful reviewer would give come out, with no ``error`` line.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest

from pytest_biothings_ready.deploy.graph import DOCKERFILE, MANIFEST, NGINX, RULES
from tests.repomode.conftest import REPOS, graph_of, not_deployed, relative

pytest_plugins = ["pytester"]

CORPUS = REPOS / "corpus"


def _run(pytester: pytest.Pytester, name: str) -> dict[str, tuple[str, str]]:
    shutil.copytree(CORPUS / name, pytester.path, dirs_exist_ok=True)
    (pytester.path / "readiness.toml").write_text('[env.ci]\nrepo = "."\n')
    pytester.runpytest(
        "--ready-env=ci", "-m", "ready_static", "--junitxml=record.xml", "-p", "no:cacheprovider"
    )
    found = {}
    for case in ET.parse(pytester.path / "record.xml").getroot().iter("testcase"):
        props = {p.get("name"): p.get("value", "") for p in case.iter("property")}
        found[props["ready_title"]] = (props["ready_status"], props["ready_evidence"])
    # A CI checkout is a git repository; these copies are not (the documentation family
    # cannot tell when a document changed there: a true "could not probe").
    errors = [(t, e) for t, (status, e) in found.items() if status == "error"]
    assert [(t, e) for t, e in errors if "is not in a git repository" not in e] == []
    return found


def test_monitoring_stack_reaches_rules_dashboards_and_names_the_missing_rule_file() -> None:
    graph = graph_of("corpus/monitoring-stack")
    assert relative(graph, RULES) == ["prometheus/targets.rules"]
    assert [a.path.name for a in graph.missing] == ["hosts.rules"]
    assert not any(str(a.path).startswith(("/proc", "/sys", "/var")) for a in graph.reached)


def test_monitoring_stack_verdicts(pytester: pytest.Pytester) -> None:
    records = _run(pytester, "monitoring-stack")
    status, evidence = records["Non-root user in containers"]
    assert status == "failed" and "caddy" in evidence
    assert records["Persistent volumes configured for data"][0] == "passed"
    status, evidence = records["Critical alerts configured (service down, high error rates)"]
    assert status == "failed" and "hosts.rules" in evidence


def test_kubernetes_reference_keeps_one_copy_and_sets_kustomize_and_helm_aside() -> None:
    graph = graph_of("corpus/k8s-reference")
    assert relative(graph, MANIFEST) == [
        "istio-manifests/frontend-gateway.yaml",
        "release/kubernetes-manifests.yaml",
    ]
    assert "kubernetes-manifests/cart.yaml" in not_deployed(graph)
    assert graph.custom_kinds == frozenset({"Gateway"})
    assert len(relative(graph, DOCKERFILE)) == 3  # through skaffold
    assert any("helm-chart" in p for p in graph.problems)


def test_kubernetes_reference_verdicts(pytester: pytest.Pytester) -> None:
    records = _run(pytester, "k8s-reference")
    status, evidence = records["Resource limits set (CPU, memory)"]
    assert status == "failed" and "init container wait-for-frontend" in evidence
    assert records["Health checks configured"][0] == "passed"
    assert records["Non-root user in containers"][0] == "passed"


def test_fastapi_template_reaches_the_nginx_config_copied_into_the_frontend_image() -> None:
    graph = graph_of("corpus/fastapi-traefik")
    assert relative(graph, NGINX) == [
        "frontend/nginx.conf",
        "frontend/nginx-backend-not-found.conf",
    ]
    assert {"compose.override.yml", ".devcontainer/docker-compose.yml"} <= set(not_deployed(graph))


def test_fastapi_template_does_not_judge_a_file_serving_nginx_as_the_reverse_proxy(
    pytester: pytest.Pytester,
) -> None:
    records = _run(pytester, "fastapi-traefik")
    assert records["Backend connection pooling optimized"][0] == "unverified"
    status, evidence = records["Health checks configured"]
    assert status == "failed" and "service frontend has no healthcheck" in evidence


def test_paas_blueprint_dockerfile_is_in_the_graph_but_not_judged_by_dockerfile_rules(
    pytester: pytest.Pytester,
) -> None:
    assert relative(graph_of("corpus/paas-render"), DOCKERFILE) == ["api/Dockerfile"]
    records = _run(pytester, "paas-render")
    status, evidence = records["Health checks configured"]  # decided by render.yaml alone
    assert status == "passed" and "healthCheckPath on /healthz" in evidence, evidence
