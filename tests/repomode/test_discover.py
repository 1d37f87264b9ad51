"""Discovery: entry points under ``repo`` and the artifacts their references reach."""

from __future__ import annotations

from pathlib import Path

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.deploy.discover import build_graph, select_compose
from pytest_biothings_ready.deploy.graph import (
    BUILD_CONTEXT,
    COMPOSE,
    DASHBOARD,
    DATASOURCE,
    DOCKERFILE,
    DOCS,
    ENV_FILE,
    MANIFEST,
    NGINX,
    PAAS,
    PROMETHEUS,
    RULES,
    WORKFLOW,
)
from pytest_biothings_ready.deploy.resolve import with_discovery
from pytest_biothings_ready.evidence.store import EvidenceStore
from tests.repomode.conftest import REPOS, graph_of, not_deployed, relative


def test_the_production_compose_stack_is_the_entry_point_and_dev_and_test_stacks_are_not() -> None:
    graph = graph_of("stack")
    assert relative(graph, COMPOSE) == ["docker-compose.prod.yml"]
    assert {"docker-compose.yml", "docker-compose.test.yml"} <= set(not_deployed(graph))


def test_without_a_production_stack_every_non_test_compose_file_deploys() -> None:
    files = [REPOS / "stack" / "docker-compose.yml", REPOS / "stack" / "docker-compose.test.yml"]
    assert select_compose(files, REPOS / "stack") == [REPOS / "stack" / "docker-compose.yml"]


def test_compose_build_reaches_the_dockerfile_its_stage_and_the_build_context() -> None:
    graph = graph_of("stack")
    (dockerfile,) = graph.artifacts(DOCKERFILE)
    assert dockerfile.path == (REPOS / "stack/backend/Dockerfile").resolve()
    assert dockerfile.target == "runtime"
    assert dockerfile.service == "api"
    assert dockerfile.reached_from == (REPOS / "stack/docker-compose.prod.yml").resolve()
    assert dockerfile.line == 3
    assert relative(graph, BUILD_CONTEXT) == ["backend"]
    assert graph.is_reached(REPOS / "stack/backend/app.py")


def test_a_mounted_nginx_config_is_reached_and_an_unmounted_one_is_not_deployed() -> None:
    graph = graph_of("stack")
    assert relative(graph, NGINX) == ["nginx/nginx.conf"]
    (nginx,) = graph.artifacts(NGINX)
    assert nginx.target == "/etc/nginx/nginx.conf"
    assert "old-nginx/nginx.conf" in not_deployed(graph)


def test_prometheus_rule_globs_and_grafana_provisioning_are_followed_through_mounts() -> None:
    graph = graph_of("stack")
    assert relative(graph, PROMETHEUS) == ["monitoring/prometheus.yml"]
    assert relative(graph, RULES) == ["monitoring/rules/alerts.yml"]
    assert relative(graph, DASHBOARD) == ["monitoring/grafana/dashboards/api.json"]
    assert relative(graph, DATASOURCE) == [
        "monitoring/grafana/provisioning/datasources/prometheus.yml"
    ]
    assert relative(graph, ENV_FILE) == [".env.production"]


def test_a_rule_file_that_does_not_exist_is_listed_as_missing_not_reached() -> None:
    graph = graph_of("missing-rule")
    assert relative(graph, RULES) == []
    (missing,) = graph.missing
    assert missing.kind == RULES
    assert missing.path == (REPOS / "missing-rule/prometheus/alerts.yml").resolve()
    assert missing.target == "/etc/prometheus/alerts.yml"


def test_ci_workflows_are_entry_points() -> None:
    assert relative(graph_of("stack"), WORKFLOW) == [".github/workflows/ci.yml"]
    assert relative(graph_of("k8s"), WORKFLOW) == [".gitlab-ci.yml"]


def test_a_configmap_mounted_in_a_pod_is_reached_by_its_key() -> None:
    env = with_discovery(Environment("ci", {}, REPOS / "k8s"))
    graph = EvidenceStore(env, budget_s=10).get("deploy")
    (nginx,) = graph.artifacts(NGINX)
    assert nginx.key == "nginx.conf"
    assert nginx.path == (REPOS / "k8s/k8s/app.yaml").resolve()
    assert nginx.target == "/etc/nginx/nginx.conf"
    assert {s.name for s in graph.services} == {"api", "api-svc"}
    (api,) = [s for s in graph.services if s.name == "api"]
    assert api.image == "registry.example.org/shop/api:1.4.2"
    assert api.ports == ("8000",)


def test_without_parsed_manifests_the_graph_has_no_kubernetes_services() -> None:
    assert graph_of("k8s").services == ()


def test_a_dockerfile_named_like_a_deployed_image_is_reached_and_others_are_not_deployed() -> None:
    graph = graph_of("k8s")
    assert relative(graph, DOCKERFILE) == ["src/api/Dockerfile"]
    assert "src/legacy/Dockerfile" in not_deployed(graph)


def test_an_unrendered_helm_chart_alone_is_named_as_the_manifests_to_keep_its_clear_error() -> None:
    assert relative(graph_of("helm-only"), MANIFEST) == ["chart/Chart.yaml"]


def test_paas_configs_declare_apps_and_reach_the_dockerfile_they_build() -> None:
    graph = graph_of("paas")
    assert relative(graph, PAAS) == ["Procfile", "fly.toml"]
    assert relative(graph, DOCKERFILE) == ["Dockerfile.fly"]
    assert {s.name for s in graph.services} == {"shop-api", "web", "worker"}


def test_an_explicit_key_overrides_discovery_for_its_kind() -> None:
    graph = graph_of("stack", compose_files=["docker-compose.yml"], nginx_configs=["old-nginx"])
    assert relative(graph, COMPOSE) == ["docker-compose.yml"]
    assert relative(graph, NGINX) == ["old-nginx/nginx.conf"]
    assert graph.explicit == frozenset({COMPOSE, NGINX})
    assert "docker-compose.prod.yml" in not_deployed(graph)


def test_discover_false_walks_nothing_and_follows_only_the_named_entry_points() -> None:
    graph = graph_of("stack", discover=False, compose_files=["docker-compose.prod.yml"])
    assert not graph.discovered
    assert graph.not_deployed == ()
    assert relative(graph, NGINX) == ["nginx/nginx.conf"]
    assert relative(graph, WORKFLOW) == []


def test_a_compose_file_that_is_not_yaml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services: [unclosed\n")
    graph = build_graph(Environment("ci", {}, tmp_path))
    assert [a.kind for a in graph.entries] == [COMPOSE]
    assert graph.problems and graph.problems[0].startswith("compose.yaml:")


def test_documentation_is_the_readme_and_docs_folder_unless_docs_paths_names_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text("# shop\n")
    (tmp_path / "docs" / "runbook.md").write_text("# runbook\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "notes.md").write_text("scratch\n")
    found = build_graph(Environment("ci", {}, tmp_path))
    assert relative(found, DOCS) == ["README.md", "docs/runbook.md"]
    named = build_graph(Environment("ci", {"docs_paths": ["src"]}, tmp_path))
    assert relative(named, DOCS) == ["src/notes.md"]


def test_example_manifests_are_not_entry_points() -> None:
    graph = graph_of("k8s")
    assert relative(graph, MANIFEST) == ["k8s/app.yaml"]
    assert "examples/debug-pod.yaml" in not_deployed(graph)


def test_paas_configs_names_the_paas_entry_points() -> None:
    graph = graph_of("paas", paas_configs=["fly.toml"])
    assert relative(graph, PAAS) == ["fly.toml"]
    assert "Procfile" in not_deployed(graph)


def test_without_any_deploy_entry_point_the_repository_dockerfile_is_the_deployment(
    tmp_path: Path,
) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nUSER 1000\n")
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "Dockerfile").write_text("FROM python:3.12-slim\n")
    graph = build_graph(Environment("ci", {}, tmp_path))
    assert relative(graph, DOCKERFILE) == ["Dockerfile"]
    assert not_deployed(graph) == ["examples/Dockerfile"]


def test_with_a_deploy_entry_point_an_unbuilt_dockerfile_is_not_deployed() -> None:
    assert "src/legacy/Dockerfile" in not_deployed(graph_of("k8s"))


def test_json_manifests_are_found_where_manifests_live_and_data_json_is_not_read(
    tmp_path: Path,
) -> None:
    body = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api"}}'
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "service.json").write_text(body)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "fixture.json").write_text(body)
    graph = build_graph(Environment("ci", {}, tmp_path))
    assert relative(graph, MANIFEST) == ["k8s/service.json"]


def test_a_reference_that_leaves_the_repository_is_not_followed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "secret.conf").write_text("password hunter2\n")
    (repo / "compose.yaml").write_text(
        "services:\n  api:\n    build: {context: ., dockerfile: ../secret.conf}\n"
        "  web:\n    image: nginx:1\n    volumes: [../secret.conf:/etc/nginx/nginx.conf]\n"
    )
    graph = build_graph(Environment("ci", {}, repo))
    assert all(a.path.is_relative_to(repo.resolve()) for a in graph.reached)
    assert any("points outside the repository" in p for p in graph.problems)


def test_malformed_artifacts_are_read_without_crashing(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  a:\n    build: [1, 2]\n    volumes: [42, {type: bind}, ./only]\n"
        "    env_file: {path: .env}\n  b: not-a-mapping\ninclude: [5, {path: [x.yml]}]\n"
    )
    (tmp_path / "prometheus.yml").write_text("---\n- a\n---\nrule_files: 5\n")
    (tmp_path / "k8s.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: [x]\nspec: {template: 5}\n"
    )
    (tmp_path / "fly.toml").write_text("app = 5\n[build]\ndockerfile = 7\n")
    (tmp_path / "render.yaml").write_text("services: 5\n")
    (tmp_path / "skaffold.yaml").write_text("build: {artifacts: [5, {context: 7}]}\n")
    graph = build_graph(Environment("ci", {}, tmp_path))
    assert graph.entries


def test_paas_configs_of_tests_and_examples_are_not_entry_points(tmp_path: Path) -> None:
    """A test fixture's fly.toml must not decide the repository's HTTPS or health lines."""
    (tmp_path / "fly.toml").write_text('app = "api"\n[http_service]\nforce_https = true\n')
    for folder in ("tests/repos/fly_bad", "examples/render"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "tests/repos/fly_bad/fly.toml").write_text('app = "bad"\n[http_service]\n')
    (tmp_path / "examples/render/render.yaml").write_text("services: []\n")
    graph = build_graph(Environment("ci", {}, tmp_path))
    assert relative(graph, PAAS) == ["fly.toml"]
