"""Non-root user in containers: Dockerfile USER, pod securityContext, compose user."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import (
    Problem,
    need_any,
    optional,
    plural,
    verdict,
)
from pytest_biothings_ready.probes.static.compose import ComposeFile
from pytest_biothings_ready.probes.static.dockerfiles import Dockerfile, Stage
from pytest_biothings_ready.probes.static.manifests import Container, ManifestSet

__all__ = ["dockerfile_user_problem", "non_root_user"]

ROOT_USERS = frozenset({"root", "0"})
_VARIABLE = re.compile(r"\$\{?(\w+)(?::-[^}]*)?\}?")


@check("Non-root user in containers", uses=("dockerfiles", "manifests", "compose"))
def non_root_user(ctx: Context) -> Verdict:
    """Every image and container runs as a non-root user, unprivileged.

    Dockerfiles: the final stage's effective ``USER`` (following ``FROM <stage>``) is
    set and is not root/0.  Kubernetes: every container (init containers included)
    has ``runAsNonRoot: true`` or a non-zero ``runAsUser`` (container level overrides
    pod level), and neither ``privileged`` nor ``allowPrivilegeEscalation`` is true.
    Compose: no service sets ``user`` to root or ``privileged: true``.
    """
    need_any(ctx.env, "dockerfiles", "manifests", "compose_files")
    docker = optional(ctx, "dockerfiles", "dockerfiles") or ()
    kube: ManifestSet | None = optional(ctx, "manifests", "manifests")
    compose = optional(ctx, "compose", "compose_files") or ()
    problems = [p for d in docker if (p := dockerfile_user_problem(d))]
    containers = list(kube.containers(init=True)) if kube else []
    problems += [p for c in containers for p in _container_problems(c)]
    built = {ctx.env.path(str(p)).resolve() for p in ctx.env.get("dockerfiles") or []}
    problems += [p for f in compose for p in _compose_problems(f, built)]
    seen = [
        plural(len(docker), "Dockerfile"),
        plural(len(containers), "Kubernetes container"),
        plural(sum(len(f.services) for f in compose), "compose service"),
    ]
    return verdict(
        problems,
        "root or privileged execution found",
        f"Non-root execution in {', '.join(seen)}: final USER is not root, "
        "runAsNonRoot/runAsUser set, nothing privileged.",
    )


def dockerfile_user_problem(dockerfile: Dockerfile) -> Problem | None:
    """Why the image of ``dockerfile`` runs as root, or None."""
    stage: Stage | None = dockerfile.final
    while stage is not None:
        user = stage.last("USER")
        if user is not None:
            name = _resolve(dockerfile, user.value).split(":")[0].strip()
            if name in ROOT_USERS or not name:
                return Problem(
                    f"{dockerfile.file}:{user.line}", f"final stage runs as USER {name or '?'}"
                )
            return None
        stage = dockerfile.stage(stage.base)
    return Problem(
        f"{dockerfile.file}:{dockerfile.final.line}",
        "final stage sets no USER (runs as the base image's user, root by default)",
    )


def _resolve(dockerfile: Dockerfile, value: str) -> str:
    """Substitute ``$VAR`` from the file's ARG/ENV defaults (build args unknown)."""
    defaults: dict[str, str] = {}
    for inst in dockerfile.all_instructions():
        if inst.name in {"ARG", "ENV"} and "=" in inst.value:
            name, _, default = inst.value.partition("=")
            defaults[name.strip()] = default.strip().strip("\"'")
    return _VARIABLE.sub(lambda m: defaults.get(m.group(1), ""), value)


def _context(container: Container, key: str) -> Any:
    own = container.spec.get("securityContext")
    pod = container.pod.get("securityContext")
    for level in (own, pod) if key in {"runAsNonRoot", "runAsUser"} else (own,):
        if isinstance(level, Mapping) and key in level:
            return level[key]
    return None


def _container_problems(container: Container) -> list[Problem]:
    where = container.at("securityContext")
    user, non_root = _context(container, "runAsUser"), _context(container, "runAsNonRoot")
    problems = []
    if user == 0:
        problems.append(Problem(where, f"{container.label} has runAsUser: 0"))
    elif non_root is not True and not (isinstance(user, int) and user > 0):
        problems.append(
            Problem(
                where, f"{container.label} sets neither runAsNonRoot: true nor a non-zero runAsUser"
            )
        )
    for flag in ("privileged", "allowPrivilegeEscalation"):
        if _context(container, flag) is True:
            problems.append(Problem(where, f"{container.label} has {flag}: true"))
    return problems


def _compose_problems(compose: ComposeFile, built: set[Path]) -> list[Problem]:
    """Root or privileged services; a service with no ``user`` needs a named Dockerfile.

    Without ``user:`` a service runs as its image's user, which is known only when the
    image is built (``build:``) from a Dockerfile the environment names (judged above).
    """
    problems = []
    for service in compose.services:
        raw = service.get("user")  # ``user: 0`` is root, not "no user"
        user = "" if raw is None else str(raw).split(":")[0].strip()
        if user in ROOT_USERS:
            problems.append(Problem(service.at("user"), f"service {service.name} has user: {user}"))
        elif not user and compose.dockerfile_of(service) not in built:
            problems.append(
                Problem(
                    service.at(),
                    f"service {service.name} sets no user and "
                    "its image's user is unknown (set user: or build it "
                    "from a Dockerfile named in `dockerfiles`)",
                )
            )
        if service.get("privileged") is True:
            problems.append(
                Problem(service.at("privileged"), f"service {service.name} is privileged")
            )
    return problems
