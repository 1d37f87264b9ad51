""" "Configured" means it can work: cross-artifact consistency, both ends in the evidence.

These checks add failures to lines other checks decide too.  With nothing to
cross-check they return a *neutral* verdict (``not_applicable``), which the fold
ranks below every other outcome: the line's other checks decide, and alone it leaves
the line unverified.
"""

from __future__ import annotations

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository.deploy import Service
from pytest_biothings_ready.probes.repository.gather import Repository
from pytest_biothings_ready.probes.repository.healthcmd import commands, local_paths, path_defined
from pytest_biothings_ready.probes.repository.images import (
    base_image,
    has_binary,
    image_healthcheck,
    installed,
)
from pytest_biothings_ready.probes.repository.outcome import decide, undecided
from pytest_biothings_ready.probes.static.common import display, listing

__all__ = ["health_checks_can_work", "proxies_can_start"]

BINARIES = ("curl", "wget", "python", "python3", "node")


@check("Health checks configured", uses=("repository",))
def health_checks_can_work(ctx: Context) -> Verdict:
    """Compose healthchecks can succeed: their binary exists in the image, their path is a route.

    curl in an Alpine, slim or distroless image (and not installed by the Dockerfile),
    a shell-form test in distroless, a path the service's own route table does not
    define, or an explicit ``health_path`` no deployed API defines, fail with both ends.
    """
    repo: Repository = ctx.evidence("repository")
    problems: list[str] = []
    checked: list[str] = []
    for stack in repo.stacks:
        for service in stack.services:
            test, where = service.healthcheck, service.where
            if not test and service.dockerfile is not None:
                test, where = image_healthcheck(service, display(ctx.env, service.dockerfile))
            if test:
                _binaries(service, test, where, problems, checked)
                _paths(repo, service, test, where, problems, checked)
    wanted = ctx.env.settings.get("health_path")
    if wanted:
        _health_path(repo, str(wanted), problems, checked)
    return decide(problems, checked, "health checks that cannot succeed", repo.not_deployed())


def _binaries(
    service: Service, test: str, where: str, problems: list[str], checked: list[str]
) -> None:
    image = base_image(service)
    shell, words = commands(test)
    if shell and has_binary(image, "sh") is False:
        problems.append(f"{where} {service.name} healthcheck needs a shell; {image} has none")
    for word in words:
        if word not in BINARIES:
            continue
        present = has_binary(image, word)
        if present is False and word not in installed(service):
            problems.append(
                f"{where} {service.name} healthcheck calls {word}, which {image} does "
                f"not have (healthcheck: {test[:80]})"
            )
        elif present:
            checked.append(f"{service.name} healthcheck {word} exists in {image}")


def _paths(
    repo: Repository,
    service: Service,
    test: str,
    where: str,
    problems: list[str],
    checked: list[str],
) -> None:
    code = repo.app(service)
    if code is None or not code.routes:
        return
    for path in local_paths(test):
        if path_defined(path, code.routes):
            checked.append(f"{service.name} healthcheck path {path} is a route of its app")
        else:
            problems.append(
                f"{where} {service.name} healthcheck asks {path}, which its app does not "
                f"define (routes: {', '.join(sorted(code.routes)[:6])})"
            )


def _health_path(repo: Repository, wanted: str, problems: list[str], checked: list[str]) -> None:
    codes = [c for c in repo.apps.values() if c.routes]
    if not codes:
        return
    if any(path_defined(wanted, c.routes) for c in codes):
        checked.append(f"health_path {wanted} is a route of a deployed app")
        return
    routes = sorted({r for c in codes for r in c.routes})[:6]
    problems.append(
        f"health_path {wanted} is defined by no deployed app (routes: {', '.join(routes)})"
    )


@check("Load balancer configured with health checks", uses=("repository",))
def proxies_can_start(ctx: Context) -> Verdict:
    """Every deployed nginx can start: its upstreams name services of its own stack."""
    repo: Repository = ctx.evidence("repository")
    problems = [f"nginx {p.site.name}: {p.broken}" for p in repo.proxies if p.broken]
    if problems:
        return Verdict.failed(
            f"a deployed proxy cannot start: {listing(problems)}.{repo.not_deployed()}"
        )
    return undecided(f"every deployed nginx names only services of its stack.{repo.not_deployed()}")
