"""The deploy graph: which repository artifacts a deployment actually uses.

Discovery (:mod:`pytest_biothings_ready.deploy.discover`) finds the deploy *entry
points* under ``repo`` (compose files, rendered Kubernetes manifests, PaaS configs, CI
workflows) and follows their references (a compose ``build:`` to its Dockerfile and
build context, a bind-mounted nginx.conf, a ConfigMap mounted in a pod, Prometheus
``rule_files``, Grafana provisioning to its dashboards, ``env_file``).  Only *reached*
artifacts decide checklist lines; everything else of a known kind found under ``repo``
is listed as :attr:`DeployGraph.not_deployed`.

The graph is plain data (frozen dataclasses, absolute paths) so that any family can
read it with ``ctx.evidence("deploy")``::

    graph = ctx.evidence("deploy")
    for artifact in graph.artifacts(NGINX):
        ...  # artifact.path, artifact.reached_from, artifact.line, artifact.service
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ALERTMANAGER",
    "BUILD_CONTEXT",
    "CADDY",
    "COMPOSE",
    "CONFIG",
    "DASHBOARD",
    "DATASOURCE",
    "DOCKERFILE",
    "DOCS",
    "ENTRY_KINDS",
    "ENV_FILE",
    "GRAFANA_PROVISIONING",
    "KINDS",
    "MANIFEST",
    "NGINX",
    "PAAS",
    "PROMETHEUS",
    "RULES",
    "TRAEFIK",
    "WORKFLOW",
    "Artifact",
    "DeployGraph",
    "Service",
]

# Entry points: what a deployment starts from.
COMPOSE = "compose"  # docker-compose*.yml, compose*.yaml
MANIFEST = "manifest"  # a rendered Kubernetes manifest (YAML/JSON with apiVersion + kind)
PAAS = "paas"  # fly.toml, render.yaml, railway.json, app.yaml, Procfile
WORKFLOW = "workflow"  # .github/workflows/*.yml, .gitlab-ci.yml
ENTRY_KINDS: tuple[str, ...] = (COMPOSE, MANIFEST, PAAS, WORKFLOW)

# Reached artifacts: what an entry point (or a reached artifact) refers to.
DOCKERFILE = "dockerfile"  # compose build.dockerfile (or <context>/Dockerfile)
BUILD_CONTEXT = "build_context"  # a compose build context folder: the app's source code
NGINX = "nginx"  # an nginx config mounted into a container (or ConfigMap key)
TRAEFIK = "traefik"  # traefik static/dynamic config mounted into a container
CADDY = "caddy"  # a Caddyfile (or caddy JSON) mounted into a container
PROMETHEUS = "prometheus"  # prometheus.yml mounted into a prometheus container
RULES = "prometheus_rules"  # a file named by rule_files (globs expanded)
ALERTMANAGER = "alertmanager"  # alertmanager.yml mounted into an alertmanager container
GRAFANA_PROVISIONING = "grafana_provisioning"  # provisioning/{dashboards,datasources}/*.yaml
DASHBOARD = "grafana_dashboard"  # a dashboard JSON under a provisioned dashboards folder
DATASOURCE = "grafana_datasource"  # a datasources provisioning YAML
ENV_FILE = "env_file"  # compose env_file
CONFIG = "config"  # any other mounted file (bind mount or ConfigMap)
DOCS = "docs"  # documentation: ``docs_paths``, else README*, docs/**.md, top-level *.md

KINDS: tuple[str, ...] = (
    *ENTRY_KINDS,
    DOCKERFILE,
    BUILD_CONTEXT,
    NGINX,
    TRAEFIK,
    CADDY,
    PROMETHEUS,
    RULES,
    ALERTMANAGER,
    GRAFANA_PROVISIONING,
    DASHBOARD,
    DATASOURCE,
    ENV_FILE,
    CONFIG,
    DOCS,
)


@dataclass(frozen=True)
class Artifact:
    """One file (or folder, for a build context) of the deployment repository.

    Attributes:
        path: absolute path.  For :data:`MANIFEST` this is the manifest file; for a
            ConfigMap key the manifest file holding it (``via`` names the key).
        kind: one of :data:`KINDS`.
        reached_from: the artifact whose reference reached this one; ``None`` for an
            entry point (and for everything in :attr:`DeployGraph.not_deployed`).
        line: 1-based line of that reference in ``reached_from`` (0 when unknown or
            for an entry point).
        via: the reference in words: ``"service api build"``, ``"service nginx
            mounts ./nginx.conf at /etc/nginx/nginx.conf"``, ``"rule_files"``; for an
            entry point how it was found (``"discovered"``, ``"compose_files"``).
        service: the compose service / Kubernetes workload / PaaS app that uses it
            (``""`` when none or several).
        target: the build stage (``build.target``) for a Dockerfile, the mount point
            inside the container for a mounted file, else ``""``.
        key: for content embedded in a manifest (a ConfigMap mounted in a pod), the
            data key; ``path`` is then the manifest file.  ``""`` for plain files.
    """

    path: Path
    kind: str
    reached_from: Path | None = None
    line: int = 0
    via: str = ""
    service: str = ""
    target: str = ""
    key: str = ""

    @property
    def is_entry(self) -> bool:
        """Whether this is a deploy entry point (reached from nothing)."""
        return self.reached_from is None and self.kind in ENTRY_KINDS


@dataclass(frozen=True)
class Service:
    """A deployed service as an entry point declares it (compose, Kubernetes, PaaS).

    Attributes:
        name: the compose service / workload / app name (the name others resolve:
            a compose service name, a Kubernetes Service name).
        platform: ``"compose"``, ``"kubernetes"`` or ``"paas"``.
        path: the entry point file that declares it.
        line: 1-based line of its declaration (0 when unknown).
        image: the image reference (``""`` when only built).
        dockerfile: the Dockerfile it is built from, or None.
        build_target: the build stage that runs (``""``: the last stage).
        ports: published/container ports as written (``"8080:80"``, ``"80"``).
        aliases: other names it answers to (compose ``container_name``, network
            aliases, ``hostname``; Kubernetes Service names selecting the workload).
    """

    name: str
    platform: str
    path: Path
    line: int = 0
    image: str = ""
    dockerfile: Path | None = None
    build_target: str = ""
    ports: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeployGraph:
    """Entry points, what they reach, and what lies in the repository unused.

    Attributes:
        root: the ``repo`` folder (absolute).
        discovered: whether discovery ran (``discover = true``); False when only the
            explicit list keys named entry points.
        reached: every reached artifact, entry points first, in discovery order; a
            file reached twice appears once (its first reference).
        not_deployed: artifacts of a known kind found under ``root`` that no entry point
            reaches (``reached_from`` is None).
        missing: references to files that do not exist (``path`` is where the reference
            points; ``reached_from``/``line`` where it is written).
        services: the services the entry points declare.
        problems: entry points that could not be read (``"file: reason"``), e.g. an
            unrendered Helm chart or a compose file that is not YAML.
        explicit: the kinds whose artifacts came from an explicit list key
            (``compose_files``, ``manifests``, ``paas_configs``, ``nginx_configs``,
            ``dockerfiles``) instead of discovery.
        custom_kinds: custom resource kinds in the discovered manifests (an apiVersion
            group such as ``cert-manager.io``); the static family accepts them.
    """

    root: Path
    discovered: bool = True
    reached: tuple[Artifact, ...] = ()
    not_deployed: tuple[Artifact, ...] = ()
    missing: tuple[Artifact, ...] = ()
    services: tuple[Service, ...] = ()
    problems: tuple[str, ...] = ()
    explicit: frozenset[str] = field(default_factory=frozenset)
    custom_kinds: frozenset[str] = field(default_factory=frozenset)

    def artifacts(self, kind: str) -> tuple[Artifact, ...]:
        """The reached artifacts of ``kind`` (one of :data:`KINDS`)."""
        return tuple(a for a in self.reached if a.kind == kind)

    def paths(self, kind: str) -> tuple[Path, ...]:
        """The distinct paths of the reached artifacts of ``kind``, in order."""
        return tuple(dict.fromkeys(a.path for a in self.artifacts(kind)))

    @property
    def entries(self) -> tuple[Artifact, ...]:
        """The deploy entry points (compose files, manifests, PaaS configs, workflows)."""
        return tuple(a for a in self.reached if a.is_entry)

    def is_reached(self, path: Path) -> bool:
        """Whether ``path`` (or a folder holding it, for build contexts) is reached."""
        resolved = path.resolve()
        for artifact in self.reached:
            if artifact.path == resolved:
                return True
            if artifact.kind == BUILD_CONTEXT and resolved.is_relative_to(artifact.path):
                return True
        return False

    def service(self, name: str) -> Service | None:
        """The declared service called ``name`` (or answering to it as an alias)."""
        for service in self.services:
            if service.name == name or name in service.aliases:
                return service
        return None
