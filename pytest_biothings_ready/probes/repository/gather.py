"""Observe the deployment repository once: stacks, their nginx and their application code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository.appcode import AppCode, code_roots, read_app
from pytest_biothings_ready.probes.repository.caddy import CADDYFILE, CaddySite, read_caddy
from pytest_biothings_ready.probes.repository.deploy import Service, Stack, compose_paths
from pytest_biothings_ready.probes.repository.nginxconf import load_tree, nginx_services
from pytest_biothings_ready.probes.repository.nginxsite import NginxSite, analyse
from pytest_biothings_ready.probes.repository.outcome import undecided
from pytest_biothings_ready.probes.repository.prometheus import (
    PromConfig,
    read_prometheus,
    runs_prometheus,
)
from pytest_biothings_ready.probes.repository.stacks import read_stack
from pytest_biothings_ready.probes.repository.traefik import Traefik, read_traefik, runs_traefik
from pytest_biothings_ready.probes.repository.validate import Validation, nginx_t
from pytest_biothings_ready.probes.static.common import display

__all__ = ["Proxy", "Repository", "gather_repository"]


@dataclass(frozen=True)
class Proxy:
    """An nginx on the deploy path and whether it can start.

    Attributes:
        stack: its stack.
        site: what its config does.
        validation: ``nginx -t`` on the adjusted copy.
    """

    stack: Stack
    site: NginxSite
    validation: Validation

    @property
    def broken(self) -> str:
        """Why this nginx cannot start ("" when nothing says so)."""
        if self.site.broken:
            return "; ".join(self.site.broken[:3])
        return self.validation.detail if self.validation.ok is False else ""


@dataclass(frozen=True)
class Repository:
    """The deployment repository as deployed.

    Attributes:
        stacks: deployed compose stacks (the entry points).
        skipped: stacks not deployed (shown paths), for the evidence.
        proxies: every nginx of a deployed stack.
        apps: application code of every built service, by (stack, service).
        errors: compose files that do not parse.
        prometheus: every Prometheus of a deployed stack that mounts its config.
        traefiks: every traefik of a deployed stack, with its stack's routers.
        caddies: every Caddy of a deployed stack that mounts a Caddyfile, with its sites.
    """

    stacks: tuple[Stack, ...]
    skipped: tuple[str, ...]
    proxies: tuple[Proxy, ...]
    apps: dict[tuple[str, str], AppCode]
    errors: tuple[str, ...]
    prometheus: tuple[PromConfig, ...] = ()
    traefiks: tuple[Traefik, ...] = ()
    caddies: tuple[tuple[Service, tuple[CaddySite, ...]], ...] = ()

    def app(self, service: Service) -> AppCode | None:
        return self.apps.get((service.stack, service.name))

    def no_stacks(self) -> Verdict | None:
        """Unverified when no compose stack is deployed (the lines read compose stacks)."""
        if self.stacks:
            return None
        return undecided(
            f"no compose stack is deployed, and these lines are read from compose stacks."
            f"{self.not_deployed()}"
        )

    def not_deployed(self) -> str:
        return f" Not deployed: {', '.join(self.skipped)}." if self.skipped else ""


@gatherer("repository")
def gather_repository(ctx: Context) -> Repository:
    """Read every deployed compose stack and what its services run.

    The stacks are ``compose_files``: in a session, discovery fills it with the deploy
    graph's compose entry points unless the environment names them; the graph's
    compose files that do not deploy are named in the evidence.
    """
    paths, idle = compose_paths(ctx)
    deployed, errors = [], []
    for path in paths:
        try:
            deployed.append(read_stack(ctx.env, path))
        except ProbeError as exc:
            errors.append(str(exc))
    return Repository(
        tuple(deployed),
        tuple(display(ctx.env, p) for p in idle),
        tuple(_proxies(ctx, deployed)),
        _apps(ctx, deployed),
        tuple(errors),
        tuple(_prometheus(ctx, deployed)),
        tuple(read_traefik(deployed, s) for st in deployed for s in st.services if runs_traefik(s)),
        tuple(_caddies(ctx, deployed)),
    )


def _shown(ctx: Context) -> object:
    def show(path: Path) -> str:
        return display(ctx.env, path)

    return show


def _proxies(ctx: Context, stacks: list[Stack]) -> list[Proxy]:
    """Every nginx of the stacks; ``nginx -t`` runs concurrently (subprocesses, 4 at once)."""
    from concurrent.futures import ThreadPoolExecutor

    validate = ctx.env.get("repository.validate") is not False
    trees = [(st, load_tree(s, _shown(ctx))) for st in stacks for s in nginx_services(st)]
    skipped = Validation(None, "not validated (repository.validate = false)")
    with ThreadPoolExecutor(max_workers=4) as pool:
        checks = list(
            pool.map(lambda pair: nginx_t(pair[1], ctx.timeout) if validate else skipped, trees)
        )
    return [Proxy(st, analyse(tree, st), v) for (st, tree), v in zip(trees, checks, strict=True)]


def _prometheus(ctx: Context, stacks: list[Stack]) -> list[PromConfig]:
    """Every Prometheus of the stacks; promtool runs concurrently (4 at once)."""
    from concurrent.futures import ThreadPoolExecutor

    pairs = [(st, s) for st in stacks for s in st.services if runs_prometheus(s)]
    show = _shown(ctx)
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = pool.map(lambda p: read_prometheus(p[0], p[1], show, ctx.timeout), pairs)
        return [config for config in found if config is not None]


def _caddies(ctx: Context, stacks: list[Stack]) -> list[tuple[Service, tuple[CaddySite, ...]]]:
    found = []
    for service in (s for st in stacks for s in st.services if s.family == "caddy"):
        path = service.mounted(CADDYFILE)
        sites = read_caddy(service, display(ctx.env, path)) if path else None
        if sites is not None:
            found.append((service, tuple(sites)))
    return found


def _apps(ctx: Context, stacks: list[Stack]) -> dict[tuple[str, str], AppCode]:
    cache: dict[tuple[Path, ...], AppCode | None] = {}
    found = {}
    for stack in stacks:
        for service in stack.services:
            if service.context is None or not service.context.is_dir():
                continue
            roots = code_roots(service)
            if roots not in cache:
                cache[roots] = read_app(service, _shown(ctx))
            code = cache[roots]
            if code is not None:
                found[(stack.file, service.name)] = code
    return found
