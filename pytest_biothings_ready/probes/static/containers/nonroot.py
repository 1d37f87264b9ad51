"""Non-root user in containers: what each image and container runs as, resolved.

Dockerfiles resolve as the build does (``dockerstages``); pods as the kubelet does
(``podsecurity``); compose services by ``user:`` (interpolated), else their built
image's stage, else the well-known default user of their image (``images``).
"""

from __future__ import annotations

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.static.common import Problem, listing, need_any, optional, plural
from pytest_biothings_ready.probes.static.containers.built import built_by_compose, built_image
from pytest_biothings_ready.probes.static.containers.compose import ComposeFile, Service
from pytest_biothings_ready.probes.static.containers.dockerfiles import Dockerfile, Stage
from pytest_biothings_ready.probes.static.containers.images import default_user
from pytest_biothings_ready.probes.static.containers.podimages import image_user
from pytest_biothings_ready.probes.static.containers.stages import (
    chain,
    effective,
    expand,
    is_root_user,
    variables,
)
from pytest_biothings_ready.probes.static.kubernetes.podsecurity import (
    container_problems,
    explicit_user,
    pod_problems,
    resolved,
)
from pytest_biothings_ready.probes.static.manifests import Container, ManifestSet

__all__ = ["dockerfile_user_problem", "image_user_problem", "non_root_user"]

DANGEROUS_CAPS = frozenset(
    {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "BPF"}
)
HOST_MODES = (("pid", "host"), ("ipc", "host"), ("network_mode", "host"), ("userns_mode", "host"))


@check("Non-root user in containers", uses=("dockerfiles", "manifests", "compose"))
def non_root_user(ctx: Context) -> Verdict:
    """Every image and container runs as a non-root user, unprivileged.

    Dockerfiles: the image's effective ``USER`` (selected stage and the stages it is
    built ``FROM``, variables expanded) is set and not root in any spelling
    (``0``, ``0000``, ``0:0``, ``root:root``).  Kubernetes: every container (init and
    ephemeral included) runs with a non-zero ``runAsUser`` or ``runAsNonRoot: true``
    (container over pod), not ``privileged``, no ``allowPrivilegeEscalation: true``, no
    dangerous added capability, and the pod shares no host namespace (a container that
    sets neither user setting passes when its image's default user is known not to be
    root: a well-known image, or a repository Dockerfile built as that image); when every pod
    sets ``runAsUser``, a Dockerfile's root default does not run (it is named).  Compose: the
    same for ``user:``, ``privileged``, ``cap_add``, ``pid``/``ipc``/``network_mode``.
    """
    need_any(ctx.env, "dockerfiles", "manifests", "compose_files")
    docker: tuple[Dockerfile, ...] = optional(ctx, "dockerfiles", "dockerfiles") or ()
    kube: ManifestSet | None = optional(ctx, "manifests", "manifests")
    compose: tuple[ComposeFile, ...] = optional(ctx, "compose", "compose_files") or ()
    composed = built_by_compose(ctx, compose)
    containers = list(kube.containers(init=True, ephemeral=True)) if kube else []
    users = {c.label: _image_user(ctx, c, docker) for c in containers}
    pod_problems_ = [
        p for c in containers for p in container_problems(c, DANGEROUS_CAPS, users[c.label])
    ]
    image_problems = [
        p for d in docker if d.file not in composed if (p := dockerfile_user_problem(d))
    ]
    # Pods that all set runAsUser decide who runs, whatever the image's default (with
    # runAsNonRoot alone the image's user still decides: the kubelet refuses a root one).
    forced = bool(containers) and all(explicit_user(c) for c in containers)
    overridden = [p for p in image_problems if forced]
    problems = [p for p in image_problems if not forced] + pod_problems_
    problems += [p for w in (kube.workloads() if kube else []) for p in pod_problems(w)]
    unknown: list[Problem] = []
    defaults: list[str] = []
    for file in compose:
        for service in file.services:
            problems += _service_problems(ctx, file, service, unknown, defaults)
    seen = ", ".join(
        [
            plural(len(docker), "Dockerfile"),
            plural(len(containers), "Kubernetes container"),
            plural(sum(len(f.services) for f in compose), "compose service"),
        ]
    )
    if problems:
        return Verdict.failed(f"root or privileged execution found: {listing(problems)}.")
    if unknown:
        return Verdict.unverified(
            f"no root or privileged execution in {seen}, but what some run as is unknown: "
            f"{listing(unknown)}."
        )
    notes = (
        " Built by compose, judged per service (its stage, its user:): "
        f"{', '.join(sorted(composed))}." * bool(composed & {d.file for d in docker})
    )
    if defaults:
        notes += f" Image default users: {', '.join(defaults)}."
    if chosen := sorted({u for u in users.values() if u}):
        notes += f" Pods leaving the user to their image: {'; '.join(chosen)}."
    if overridden:
        notes += f" Image defaults overridden by every pod's runAsUser: {listing(overridden)}."
    return Verdict.passed(
        f"Non-root execution in {seen}: effective USER is not root, runAsNonRoot/runAsUser "
        f"set, nothing privileged, no dangerous capability or host namespace.{notes}"
    )


def _image_user(ctx: Context, container: Container, docker: tuple[Dockerfile, ...]) -> str | None:
    """Why the image's default user is not root, for a container that leaves it to it."""
    if explicit_user(container) or resolved(container, "runAsNonRoot")[0] is True:
        return None
    return image_user(ctx, str(container.spec.get("image") or ""), docker)


def dockerfile_user_problem(dockerfile: Dockerfile) -> Problem | None:
    """Why the image of ``dockerfile`` (its last stage) runs as root, or None."""
    return image_user_problem(dockerfile, chain(dockerfile) or [dockerfile.final], {}, "final")


def image_user_problem(
    dockerfile: Dockerfile, stages: list[Stage], args: dict[str, str], label: str
) -> Problem | None:
    """Why the image built up to ``stages[0]`` runs as root, or None."""
    what = f"{label} stage" if label == "final" else f"stage {label}"
    user = effective(stages, "USER")
    if user is None:
        base = stages[-1].base
        known = default_user(base)
        if known is not None and not is_root_user(known):
            return None
        return Problem(
            f"{dockerfile.file}:{stages[0].line}",
            f"{what} sets no USER (runs as the base image's user, root by default)",
        )
    value = expand(user.value, variables(dockerfile, stages, args))
    where = f"{dockerfile.file}:{user.line}"
    if value is None:
        return Problem(where, f"{what} USER {user.value} has no value (build arg without default)")
    if not value.split(":")[0].strip() or is_root_user(value):
        return Problem(where, f"{what} runs as USER {value.strip() or '?'}")
    return None


def _user(file: ComposeFile, service: Service) -> str | None:
    """The service's ``user:`` interpolated ("" when unset, None when unresolvable)."""
    raw = service.get("user")
    if raw is None:
        return ""
    return expand(str(raw), file.variables)


def _service_problems(
    ctx: Context, file: ComposeFile, service: Service, unknown: list[Problem], notes: list[str]
) -> list[Problem]:
    problems = _service_flags(service)
    user = _user(file, service)
    label = f"service {service.name}"
    if user is None:
        problems.append(
            Problem(service.at("user"), f"{label} user: {service.get('user')} has no default")
        )
    elif user:
        if is_root_user(user):
            problems.append(Problem(service.at("user"), f"{label} has user: {user}"))
    elif (built := built_image(ctx, file, service)) is not None:
        reason = built.problem()
        if reason or built.dockerfile is None or built.stages is None:
            problems.append(Problem(service.at("build"), f"{label} {reason}"))
        elif p := image_user_problem(
            built.dockerfile, built.stages, dict(built.build.args), built.build.target or "final"
        ):
            problems.append(Problem(p.where, f"{label} (built): {p.what}"))
    else:
        problems += _image_default(service, unknown, notes)
    return problems


def _image_default(service: Service, unknown: list[Problem], notes: list[str]) -> list[Problem]:
    image = str(service.get("image") or "")
    known = default_user(image) if image else None
    if known is None:
        unknown.append(
            Problem(service.at("image"), f"service {service.name} image {image or '?'} (no user:)")
        )
        return []
    if is_root_user(known):
        return [
            Problem(
                service.at("image"),
                f"service {service.name} sets no user and image {image} runs as root by default",
            )
        ]
    notes.append(f"{service.name}: {image} runs as {known}")
    return []


def _service_flags(service: Service) -> list[Problem]:
    label = f"service {service.name}"
    problems = []
    if str(service.get("privileged")).lower() == "true":
        problems.append(Problem(service.at("privileged"), f"{label} is privileged"))
    added = service.get("cap_add")
    added = [added] if isinstance(added, str) else added if isinstance(added, list) else []
    caps = {str(c).strip().upper().removeprefix("CAP_") for c in added}
    if bad := sorted(caps & DANGEROUS_CAPS):
        problems.append(Problem(service.at("cap_add"), f"{label} adds capability {', '.join(bad)}"))
    for key, value in HOST_MODES:
        if str(service.get(key) or "").lower() == value:
            problems.append(Problem(service.at(key), f"{label} has {key}: {value}"))
    return problems
