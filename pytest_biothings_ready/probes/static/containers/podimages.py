"""Who a pod's container runs as when its manifest leaves it to the image.

A container with neither ``runAsUser`` nor ``runAsNonRoot`` runs as its image's
default user.  That user is known when the image is a well-known one (``images``) or
when the repository builds it: a Dockerfile the deploy graph reached from a CI workflow
that names the image (``docker/build-push-action`` tags, ``docker build -t``), or from
the manifest itself (a Dockerfile in a folder named like the image).  The official
database images, whose entrypoint starts as root, are not left to their image.
"""

from __future__ import annotations

from pathlib import Path

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.registry import Context
from pytest_biothings_ready.probes.static.common import display
from pytest_biothings_ready.probes.static.containers.dockerfiles import Dockerfile
from pytest_biothings_ready.probes.static.containers.images import default_user, repository
from pytest_biothings_ready.probes.static.containers.stages import is_root_user

__all__ = ["image_user"]

# Official database images start as root and hand the server to their user in the
# entrypoint: the container still starts as root, which a pod spec should not leave be.
ENTRYPOINT_DROPS = frozenset({"postgres", "mysql", "mariadb", "mongo", "redis"})


def _reference(image: str) -> str:
    """``ghcr.io/acme/api:1.2@sha256:...`` -> ``ghcr.io/acme/api``."""
    name = image.split("@", 1)[0]
    head, _, tail = name.rpartition("/")
    return f"{head}/{tail.split(':', 1)[0]}" if head else tail.split(":", 1)[0]


def _builds(source: Path | None, workflows: tuple[Path, ...], reference: str) -> bool:
    if source is None or source not in workflows or "/" not in reference:
        return False
    try:
        return reference in source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def image_user(ctx: Context, image: str, docker: tuple[Dockerfile, ...]) -> str | None:
    """Why ``image`` runs as a non-root user by default, or None when unknown or root.

    A repository Dockerfile that builds the image counts only when its final stage's
    effective ``USER`` is not root (``dockerfile_user_problem`` is None).
    """
    known = default_user(image)
    if repository(image) in ENTRYPOINT_DROPS:
        return None
    if known is not None:
        return None if is_root_user(known) else f"{image} runs as {known}"
    from pytest_biothings_ready.deploy.graph import DOCKERFILE, MANIFEST, WORKFLOW
    from pytest_biothings_ready.probes.static.containers.nonroot import dockerfile_user_problem

    try:
        graph = ctx.evidence("deploy")
    except (NotConfigured, ProbeError):
        return None
    reference = _reference(image)
    short = reference.rsplit("/", 1)[-1]
    workflows, manifests = graph.paths(WORKFLOW), graph.paths(MANIFEST)
    by_file = {d.file: d for d in docker}
    matched = [
        by_file.get(display(ctx.env, a.path))
        for a in graph.artifacts(DOCKERFILE)
        if _builds(a.reached_from, workflows, reference)
        or (a.reached_from in manifests and a.path.parent.name == short)
    ]
    if not matched or any(d is None or dockerfile_user_problem(d) for d in matched):
        return None
    return f"{image} is built from {', '.join(d.file for d in matched if d)} (USER not root)"
