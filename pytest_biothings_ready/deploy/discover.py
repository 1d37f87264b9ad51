"""Build the deploy graph: find entry points under ``repo``, follow their references.

Entry points come from the explicit list keys (``compose_files``, ``manifests``,
``paas_configs``) or, with ``discover = true`` (default), from one walk of ``repo``.
An explicit key overrides discovery for its kind (``nginx_configs`` and
``dockerfiles`` too: what they name is what is reached of that kind).

Compose files and manifests of tests, examples, templates and dev containers are not
entry points; when a production compose stack exists (``prod`` in the name) the others
are not either, else dev/local/override stacks are not when a base stack exists.  A
repository with no entry point is judged by its Dockerfiles.  Nothing outside ``repo``
is ever read (see :class:`~pytest_biothings_ready.deploy.builder.Builder`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_biothings_ready.deploy.builder import Builder
from pytest_biothings_ready.deploy.graph import (
    ALERTMANAGER,
    COMPOSE,
    DASHBOARD,
    DOCKERFILE,
    DOCS,
    MANIFEST,
    NGINX,
    PAAS,
    PROMETHEUS,
    RULES,
    TRAEFIK,
    WORKFLOW,
    Artifact,
    DeployGraph,
)
from pytest_biothings_ready.deploy.images import follow_dockerfile, image_name
from pytest_biothings_ready.deploy.manifests import choose_manifests, custom_kinds
from pytest_biothings_ready.deploy.walk import Found, walk_repository

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["EXPLICIT_KEYS", "build_graph", "repo_root"]

# Explicit list key -> the artifact kind it names.
EXPLICIT_KEYS: dict[str, str] = {
    "compose_files": COMPOSE,
    "manifests": MANIFEST,
    "paas_configs": PAAS,
    "nginx_configs": NGINX,
    "dockerfiles": DOCKERFILE,
}
_TESTISH = re.compile(
    r"(^|[._\-/])(tests?|e2e|ci|fixtures?|examples?|samples?|templates?|\.devcontainer)([._\-/]|$)"
    r"|\{\{",  # a cookiecutter/copier template folder
    re.IGNORECASE,
)
_DEV = re.compile(r"(^|[._\-])(dev|develop|development|local|override|debug)([._\-]|$)", re.I)
_PROD = re.compile(r"prod", re.IGNORECASE)


def repo_root(env: Environment) -> Path:
    """The repository folder: ``repo``, else the folder of readiness.toml."""
    return env.path(str(env.get("repo") or ".")).resolve()


def build_graph(env: Environment) -> DeployGraph:
    """The deploy graph of ``env``'s repository."""
    root = repo_root(env)
    discover = bool(env.get("discover"))
    found = walk_repository(root) if discover and root.is_dir() else Found()
    builder = Builder(root)
    named = {kind: _named(env, key) for key, kind in EXPLICIT_KEYS.items() if env.get(key)}
    _follow_entries(builder, found, named, root)
    for kind in (NGINX, DOCKERFILE):
        if kind in named:
            _override(builder, kind, named[kind])
    _match_images(builder, found)
    _lone_dockerfiles(builder, found)
    _docs(builder, found, env)
    graph = builder.freeze(discover, _not_deployed(builder, found), frozenset(named))
    if MANIFEST in named:
        return graph
    return replace(graph, custom_kinds=custom_kinds(graph.paths(MANIFEST)))


def _follow_entries(
    builder: Builder, found: Found, named: dict[str, list[Path]], root: Path
) -> None:
    from pytest_biothings_ready.deploy.compose import follow_compose
    from pytest_biothings_ready.deploy.kube import manifest_images
    from pytest_biothings_ready.deploy.paas import follow_paas, follow_skaffold, follow_workflow

    compose = named.get(COMPOSE) or select_compose(found.compose, root)
    manifests = named.get(MANIFEST) or _manifests(found, builder)
    paas = named.get(PAAS) or [p for p in found.paas if not _aside(builder.shown(p))]
    for kind, paths in ((COMPOSE, compose), (MANIFEST, manifests), (PAAS, paas)):
        via = _key_of(kind) if kind in named else "discovered"
        for path in paths:  # walked paths lie under the resolved root; named ones resolved
            builder.reach(Artifact(path, kind, via=via))
    for path in found.workflows + found.skaffold:
        builder.reach(Artifact(path, WORKFLOW, via="discovered"))
    for path in compose:
        follow_compose(path, builder)
    builder.images = manifest_images(p for p in manifests if p.is_file())
    for path in paas:
        follow_paas(path, builder)
    for path in found.workflows:
        follow_workflow(path, builder, root)
    for path in found.skaffold:
        follow_skaffold(path, builder)


def select_compose(paths: list[Path], root: Path) -> list[Path]:
    """The compose files that deploy.

    Never test stacks, examples, templates or dev containers; production stacks when
    one is named so; else the stacks that are not dev/override/local ones, when any.
    """
    relative = {p: p.relative_to(root).as_posix() for p in paths}
    deploying = [p for p in paths if not _aside(relative[p])]
    production = [p for p in deploying if _PROD.search(p.name)]
    if production:
        return production
    base = [p for p in deploying if not _DEV.search(p.name)]
    return base or deploying


def _manifests(found: Found, builder: Builder) -> list[Path]:
    """Discovered manifests; an unrendered Helm chart keeps its clear error when alone.

    Manifests of tests, examples, templates and CI fixtures (``.github/``) are not entry
    points.
    """
    candidates = [p for p in found.manifests if not _aside(builder.shown(p))]
    if found.charts and not candidates:
        return [chart / "Chart.yaml" for chart in found.charts]
    for chart in found.charts:
        builder.problems.append(
            f"{builder.shown(chart)}: a Helm chart, not judged (rendered manifests were found); "
            "render it with `helm template` and name the output in `manifests`"
        )
    return choose_manifests(candidates, builder)


def _aside(relative: str) -> bool:
    return bool(_TESTISH.search(relative)) or relative.startswith((".github/", ".gitlab/"))


def _named(env: Environment, key: str) -> list[Path]:
    """The files an explicit key names (folders expanded); missing ones are left to static."""
    paths: list[Path] = []
    for value in env.get(key) or []:
        path = env.path(str(value))
        if path.is_dir():
            suffixes = (".yaml", ".yml", ".json") if key == "manifests" else ()
            paths.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and (not suffixes or p.suffix in suffixes)
                )
            )
        else:
            paths.append(path)
    return [p.resolve() for p in paths]


def _key_of(kind: str) -> str:
    return next(key for key, named in EXPLICIT_KEYS.items() if named == kind)


def _override(builder: Builder, kind: str, paths: list[Path]) -> None:
    """Keep only the explicitly named artifacts of ``kind``."""
    wanted = set(paths)
    for key in [k for k, a in builder.reached.items() if a.kind == kind and a.path not in wanted]:
        del builder.reached[key]
    for path in paths:
        builder.reach(Artifact(path, kind, via=_key_of(kind)))


def _match_images(builder: Builder, found: Found) -> None:
    """A Dockerfile whose folder is named like a manifest's image is what that image runs."""
    names = {image_name(image): image for image in builder.images if image}
    reached = {a.path for a in builder.reached.values()}
    for dockerfile in found.dockerfiles:
        folder = dockerfile.parent.name.lower()
        if dockerfile not in reached and folder in names:
            via = f"image {names[folder]} (named like its folder)"
            builder.reach(Artifact(dockerfile, DOCKERFILE, None, 0, via))
            follow_dockerfile(dockerfile, dockerfile.parent, "", builder)


def _lone_dockerfiles(builder: Builder, found: Found) -> None:
    """No compose, manifest or PaaS entry point: the repository's Dockerfiles are the deployment.

    A repository that only builds an image (deployed elsewhere) is judged by that image.
    """
    if any(a.kind in (COMPOSE, MANIFEST, PAAS) for a in builder.reached.values()):
        return
    if any(a.kind == DOCKERFILE for a in builder.reached.values()):
        return
    for dockerfile in found.dockerfiles:
        if not _aside(builder.shown(dockerfile)):
            via = "the repository's image (no compose, manifest or PaaS entry point)"
            builder.reach(Artifact(dockerfile, DOCKERFILE, None, 0, via))
            follow_dockerfile(dockerfile, dockerfile.parent, "", builder)


def _docs(builder: Builder, found: Found, env: Environment) -> None:
    """Documentation: ``docs_paths`` (folders expanded), else what the walk found."""
    named = env.get("docs_paths")
    paths = _named(env, "docs_paths") if named else found.docs
    via = "docs_paths" if named else "discovered"
    for path in paths:
        builder.reach(Artifact(path, DOCS, via=via))


def _not_deployed(builder: Builder, found: Found) -> tuple[Artifact, ...]:
    reached = {a.path for a in builder.reached.values()} | {
        a.path for a in builder.missing.values()
    }
    kinds = (
        (COMPOSE, found.compose),
        (MANIFEST, found.manifests),
        (PAAS, found.paas),
        (DOCKERFILE, found.dockerfiles),
        (NGINX, found.nginx),
        (TRAEFIK, found.traefik),
        (PROMETHEUS, found.prometheus),
        (ALERTMANAGER, found.alertmanager),
        (RULES, found.rules),
        (DASHBOARD, found.dashboards),
    )
    return tuple(
        Artifact(path, kind, via="not deployed")
        for kind, paths in kinds
        for path in paths
        if path not in reached
    )
