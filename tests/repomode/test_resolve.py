"""Discovered artifacts fill the static family's unset keys; explicit keys win."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytest_biothings_ready.config.environment import Environment
from pytest_biothings_ready.deploy.discover import build_graph
from pytest_biothings_ready.deploy.graph import COMPOSE, DOCKERFILE, ENV_FILE, TRAEFIK
from pytest_biothings_ready.deploy.resolve import graph_of, with_discovery
from pytest_biothings_ready.errors import ConfigError
from tests.repomode.conftest import REPOS, relative


def _filled(name: str, **settings: Any) -> Environment:
    return with_discovery(Environment("ci", settings, REPOS / name))


def _names(env: Environment, key: str) -> list[str]:
    return [Path(p).relative_to(env.root.resolve()).as_posix() for p in env.get(key) or []]


def test_unset_keys_are_filled_with_the_reached_artifacts() -> None:
    env = _filled("stack")
    assert _names(env, "compose_files") == ["docker-compose.prod.yml"]
    assert _names(env, "dockerfiles") == ["backend/Dockerfile"]
    assert _names(env, "nginx_configs") == ["nginx/nginx.conf"]
    assert _names(env, "monitoring.dashboards") == ["monitoring/grafana/dashboards/api.json"]
    prometheus = Path(env.get("monitoring.prometheus_config"))
    assert prometheus == (REPOS / "stack/monitoring/prometheus.yml").resolve()


def test_an_explicit_key_is_left_as_written() -> None:
    env = _filled("stack", compose_files=["docker-compose.yml"])
    assert env.get("compose_files") == ["docker-compose.yml"]


def test_discover_false_fills_nothing() -> None:
    env = _filled("stack", discover=False)
    assert env.get("compose_files") is None
    assert env.get("dockerfiles") is None


def test_a_commented_out_proxy_pass_does_not_make_a_reverse_proxy(tmp_path: Path) -> None:
    (tmp_path / "nginx.conf").write_text("server {\n  # proxy_pass http://api;\n  root /srv;\n}\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1\n    volumes: [./nginx.conf:/etc/nginx/nginx.conf]\n"
    )
    assert with_discovery(Environment("ci", {}, tmp_path)).get("nginx_configs") is None


def test_an_nginx_that_only_serves_files_is_not_named_as_the_reverse_proxy() -> None:
    env = _filled("corpus/fastapi-traefik")
    assert env.get("nginx_configs") is None
    assert len(graph_of(env).artifacts("nginx")) == 2


def test_a_dockerfile_only_a_paas_builds_is_not_handed_to_the_dockerfile_rules() -> None:
    env = _filled("corpus/paas-render")
    assert env.get("dockerfiles") is None
    assert relative(graph_of(env), DOCKERFILE) == ["api/Dockerfile"]


def test_custom_kinds_of_discovered_manifests_are_accepted() -> None:
    env = _filled("corpus/k8s-reference", manifest_kinds=["Certificate"])
    assert env.get("manifest_kinds") == ["Certificate", "Gateway"]


def test_the_graph_built_for_the_session_is_the_one_the_gatherer_returns() -> None:
    env = _filled("stack")
    assert graph_of(env) is graph_of(env)


def test_a_missing_repo_folder_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a folder"):
        with_discovery(Environment("ci", {"repo": "absent"}, tmp_path))


def test_compose_include_env_file_and_traefik_mounts_are_followed(tmp_path: Path) -> None:
    (tmp_path / "traefik").mkdir()
    (tmp_path / "traefik" / "traefik.yml").write_text("entryPoints: {web: {address: ':80'}}\n")
    (tmp_path / "compose.yaml").write_text(
        "include: [proxy.yaml]\nservices:\n  api:\n    image: api:1\n    env_file: [api.env]\n"
    )
    (tmp_path / "proxy.yaml").write_text(
        "services:\n  proxy:\n    image: traefik:3.1\n    volumes:\n"
        "      - ./traefik:/etc/traefik:ro\n      - /var/run/docker.sock:/var/run/docker.sock\n"
    )
    graph = build_graph(Environment("ci", {}, tmp_path))
    assert relative(graph, COMPOSE) == ["compose.yaml", "proxy.yaml"]
    assert relative(graph, TRAEFIK) == ["traefik/traefik.yml"]
    assert relative(graph, ENV_FILE) == []
    assert [a.path.name for a in graph.missing] == ["api.env"]


def test_a_dockerfile_built_only_by_a_ci_workflow_is_reached(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
    )
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "web.Dockerfile").write_text("FROM nginx:1\n")
    (tmp_path / "docker" / "old.Dockerfile").write_text("FROM nginx:1\n")
    (tmp_path / ".github" / "workflows" / "release.yml").write_text(
        "jobs:\n  build:\n    steps:\n      - uses: docker/build-push-action@v6\n"
        "        with:\n          context: .\n          file: docker/web.Dockerfile\n"
    )
    graph = build_graph(Environment("ci", {}, tmp_path))
    assert relative(graph, DOCKERFILE) == ["docker/web.Dockerfile"]
    assert "docker/old.Dockerfile" in [
        a.path.name and relative_path(graph, a.path) for a in graph.not_deployed
    ]


def relative_path(graph: Any, path: Path) -> str:
    return path.relative_to(graph.root).as_posix()


def test_a_crash_in_discovery_fills_nothing_and_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pytest_biothings_ready.deploy.discover as discover

    def broken(env: Environment) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(discover, "build_graph", broken)
    env = with_discovery(Environment("ci", {}, tmp_path))
    assert env.get("compose_files") is None
    assert graph_of(env).problems == ("discovery failed (plugin bug): RuntimeError: boom",)
