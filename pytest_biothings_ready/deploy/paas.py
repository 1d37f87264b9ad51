"""Follow PaaS configs, CI workflows and skaffold builds to the Dockerfiles they build."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.deploy.builder import Builder, line_in, load_yaml, read_text
from pytest_biothings_ready.deploy.graph import BUILD_CONTEXT, DOCKERFILE, PAAS, Artifact, Service
from pytest_biothings_ready.deploy.images import follow_dockerfile

if TYPE_CHECKING:
    from pytest_biothings_ready.evidence.registry import Context
    from pytest_biothings_ready.model import Verdict

__all__ = ["PLATFORMS", "follow_paas", "follow_skaffold", "follow_workflow", "paas_decides"]

# The PaaS configs whose settings decide lines (Procfile and heroku.yml say too little).
PLATFORMS = {
    "fly.toml": "fly",
    "render.yaml": "render",
    "railway.json": "railway",
    "railway.toml": "railway",
    "app.yaml": "appengine",
}


def paas_decides(ctx: Context, *keys: str) -> Verdict | None:
    """An abstention when none of ``keys`` is set and a reached PaaS config decides instead.

    The static family's Kubernetes/compose checks would say "needs `manifests`", an
    unverified that outranks the PaaS checks' verdict on the same line.
    """
    from pytest_biothings_ready.errors import NotConfigured, ProbeError
    from pytest_biothings_ready.evidence.store import ABSTAIN
    from pytest_biothings_ready.model import Status, Verdict
    from pytest_biothings_ready.probes.static.common import display

    if not ctx.env.get("repo") or any(ctx.env.get(k) for k in keys):
        return None
    try:
        configs = [p for p in ctx.evidence("deploy").paths(PAAS) if p.name in PLATFORMS]
    except (ProbeError, NotConfigured):
        return None
    if not configs:
        return None
    shown = ", ".join(display(ctx.env, p) for p in configs)
    return Verdict(
        Status.UNVERIFIED,
        f"{ABSTAIN}no {' or '.join(keys)} named; the PaaS configs decide ({shown})",
    )


def follow_paas(path: Path, builder: Builder) -> None:
    """Declare the app(s) of a PaaS config and reach the Dockerfile each builds."""
    name = path.name
    if name == "Procfile":
        _procfile(path, builder)
        return
    for app, dockerfile, context in _apps(path, builder):
        if dockerfile is not None and (dockerfile.is_file() or dockerfile.name != "Dockerfile"):
            _reach_dockerfile(dockerfile, context, path, f"{name} app {app}", app, builder)
        builder.services.append(Service(app, "paas", path, 0, dockerfile=dockerfile))


def _apps(path: Path, builder: Builder) -> Iterator[tuple[str, Path | None, Path]]:
    folder = path.parent
    body = _load(path, builder)
    if path.name == "fly.toml":
        build = _map(body.get("build"))
        default = None if build.get("image") or build.get("builder") else "Dockerfile"
        file = build.get("dockerfile") or default
        yield str(body.get("app") or folder.name), _at(folder, file), folder
    elif path.name == "render.yaml":
        for service in _list(body.get("services")):
            if isinstance(service, Mapping):
                yield _render(folder, service)
    elif path.name.startswith("railway."):
        build = _map(body.get("build"))
        file = build.get("dockerfilePath") or (
            "Dockerfile" if str(build.get("builder", "")).upper() == "DOCKERFILE" else None
        )
        yield folder.name, _at(folder, file), folder
    elif path.name == "heroku.yml":
        for process, file in _map(_map(body.get("build")).get("docker")).items():
            yield str(process), _at(folder, file), folder
    elif path.name == "app.yaml":
        custom = str(body.get("runtime", "")) == "custom"
        yield (
            str(body.get("service") or "default"),
            _at(folder, "Dockerfile" if custom else None),
            folder,
        )


def _render(folder: Path, service: Mapping[str, Any]) -> tuple[str, Path | None, Path]:
    root = folder / str(service.get("rootDir") or ".")
    context = root / str(service.get("dockerContext") or ".")
    docker = str(service.get("env") or service.get("runtime") or "") == "docker"
    file = service.get("dockerfilePath") or ("Dockerfile" if docker else None)
    return str(service.get("name") or ""), _at(root, file), context


def _procfile(path: Path, builder: Builder) -> None:
    for number, line in enumerate((read_text(path) or "").splitlines(), start=1):
        process, colon, _command = line.partition(":")
        if colon and process.strip() and not process.startswith("#"):
            builder.services.append(Service(process.strip(), "paas", path, number))


def follow_workflow(path: Path, builder: Builder, root: Path) -> None:
    """Reach the Dockerfiles a CI workflow builds (``docker build -f``, build-push-action)."""
    text = read_text(path) or ""
    for file, context, line in _workflow_builds(text):
        base = root / context
        dockerfile = root / file if file else base / "Dockerfile"
        _reach_dockerfile(dockerfile, base, path, f"CI build at line {line}", "", builder, line)


_DOCKER_BUILD = re.compile(r"docker\s+(?:image\s+)?(?:buildx\s+)?build\b([^\n]*)")
_DASH_F = re.compile(r"(?:-f|--file)[=\s]+['\"]?([^\s'\"]+)")
_CONTEXT = re.compile(r"\s(\.[^\s'\"]*|[\w\-/]+/?)\s*$")
_ACTION_KEY = re.compile(r"^\s*(file|context):\s*['\"]?([^\s'\"#]+)", re.MULTILINE)


def _workflow_builds(text: str) -> Iterator[tuple[str, str, int]]:
    for match in _DOCKER_BUILD.finditer(text):
        args = match.group(1)
        file = _DASH_F.search(args)
        context = _CONTEXT.search(args)
        line = text.count("\n", 0, match.start()) + 1
        yield (file.group(1) if file else ""), (context.group(1) if context else "."), line
    for block in re.finditer(
        r"uses:\s*docker/build-push-action[^\n]*\n((?:[ \t]+[^\n]*\n?)*)", text
    ):
        keys = dict(_ACTION_KEY.findall(block.group(1)))
        if "${{" in keys.get("file", "") + keys.get("context", ""):
            continue
        line = text.count("\n", 0, block.start()) + 1
        yield keys.get("file", ""), keys.get("context", "."), line


def follow_skaffold(path: Path, builder: Builder) -> None:
    """Reach the Dockerfile of every skaffold build artifact."""
    for doc in load_yaml(path, builder):
        for artifact in _list(_map(_map(doc).get("build")).get("artifacts")):
            if not isinstance(artifact, Mapping):
                continue
            context = path.parent / str(artifact.get("context") or ".")
            file = str(_map(artifact.get("docker")).get("dockerfile") or "Dockerfile")
            image = str(artifact.get("image") or "")
            line = line_in(path, f"image: {image}") if image else 0
            _reach_dockerfile(
                context / file, context, path, f"skaffold image {image}", image, builder, line
            )


def _reach_dockerfile(
    dockerfile: Path,
    context: Path,
    source: Path,
    via: str,
    service: str,
    builder: Builder,
    line: int = 0,
) -> None:
    dockerfile = dockerfile.resolve()
    artifact = Artifact(dockerfile, DOCKERFILE, source, line, via, service)
    if not dockerfile.is_file():
        builder.miss(artifact)
        return
    if not builder.reach(artifact):
        return
    if context.is_dir():
        builder.reach(Artifact(context.resolve(), BUILD_CONTEXT, source, line, via, service))
        follow_dockerfile(dockerfile, context.resolve(), service, builder)


def _load(path: Path, builder: Builder) -> Mapping[str, Any]:
    if path.suffix == ".toml":
        import tomllib

        try:
            return tomllib.loads(read_text(path) or "")
        except tomllib.TOMLDecodeError as exc:
            builder.problems.append(f"{builder.shown(path)}: not valid TOML ({exc})")
            return {}
    if path.suffix == ".json":
        import json

        try:
            return _map(json.loads(read_text(path) or "{}"))
        except ValueError as exc:
            builder.problems.append(f"{builder.shown(path)}: not valid JSON ({exc})")
            return {}
    docs = load_yaml(path, builder)
    return _map(docs[0]) if docs else {}


def _at(folder: Path, file: Any) -> Path | None:
    return (folder / str(file)) if file else None


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
