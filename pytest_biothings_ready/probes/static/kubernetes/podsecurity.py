"""A container's security settings as the kubelet resolves them.

``runAsUser`` and ``runAsNonRoot`` come from the container's ``securityContext`` when
it sets them, else from the pod's; ``privileged``, ``allowPrivilegeEscalation`` and
``capabilities`` exist only per container; host namespaces only per pod.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.probes.static.common import Problem
from pytest_biothings_ready.probes.static.manifests import Container, Workload

__all__ = ["container_problems", "explicit_user", "pod_problems", "resolved"]

HOST_NAMESPACES = ("hostPID", "hostNetwork", "hostIPC")


def resolved(container: Container, key: str) -> tuple[Any, str]:
    """The value in force for ``key`` and the level it comes from (container/pod/"")."""
    levels = [("container", container.spec.get("securityContext"))]
    if key in {"runAsNonRoot", "runAsUser", "runAsGroup"}:
        levels.append(("pod", container.pod.get("securityContext")))
    for level, context in levels:
        if isinstance(context, Mapping) and context.get(key) is not None:
            return context[key], level
    return None, ""


def _uid(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None


def explicit_user(container: Container) -> bool:
    """Whether the container's user is set by ``runAsUser`` (not left to its image)."""
    return _uid(resolved(container, "runAsUser")[0]) is not None


def container_problems(
    container: Container, dangerous: frozenset[str], image_user: str | None = None
) -> list[Problem]:
    """Root, privileged or escalating execution of one container.

    ``image_user`` says why the image's default user is not root (a well-known image,
    or a repository Dockerfile with a non-root ``USER``): a container that leaves its
    user to the image is then not a problem.
    """
    where = container.at("securityContext")
    user, user_level = resolved(container, "runAsUser")
    non_root, _ = resolved(container, "runAsNonRoot")
    uid = _uid(user)
    problems = []
    if uid == 0:
        problems.append(Problem(where, f"{container.label} has runAsUser: 0 ({user_level} level)"))
    elif uid is None and non_root is not True and image_user is None:
        problems.append(
            Problem(
                where,
                f"{container.label} sets neither runAsNonRoot: true nor a non-zero runAsUser "
                "(runs as its image's default user)",
            )
        )
    for flag in ("privileged", "allowPrivilegeEscalation"):
        if str(resolved(container, flag)[0]).lower() == "true":
            problems.append(Problem(where, f"{container.label} has {flag}: true"))
    caps, _ = resolved(container, "capabilities")
    added = caps.get("add") if isinstance(caps, Mapping) else None
    added = [added] if isinstance(added, str) else added if isinstance(added, list) else []
    names = {str(c).strip().upper().removeprefix("CAP_") for c in added}
    if bad := sorted(names & dangerous):
        problems.append(Problem(where, f"{container.label} adds capability {', '.join(bad)}"))
    return problems


def pod_problems(item: Workload) -> list[Problem]:
    """Host namespaces a workload's pods share."""
    return [
        Problem(item.manifest.at(item.pod, key), f"{item.manifest.ref} has {key}: true")
        for key in HOST_NAMESPACES
        if str(item.pod.get(key)).lower() == "true"
    ]
