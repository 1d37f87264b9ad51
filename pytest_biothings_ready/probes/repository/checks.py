"""Static decisions on rate limiting and CORS from the deploy path (SPEC "Repository mode").

Static evidence fails what is missing or broken on the deploy path and passes only a
complete configuration that loads with its own validator; a pass says "configured,
not observed live".
"""

from __future__ import annotations

import re

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository import kubeedge
from pytest_biothings_ready.probes.repository.corsjudge import judge_cors
from pytest_biothings_ready.probes.repository.exposure import Api, Route, apis
from pytest_biothings_ready.probes.repository.gather import Repository
from pytest_biothings_ready.probes.repository.outcome import NOT_OBSERVED, manifests, undecided
from pytest_biothings_ready.probes.static.common import listing

__all__ = ["cors_configured", "ratelimit_on_deploy_path"]

# Locations that need no limiter of their own (probes, scrapes, docs, static files).
EXEMPT = re.compile(r"health|ready|live|metrics|docs|openapi|redoc|static|favicon|assets", re.I)


def unique(texts: list[str]) -> list[str]:
    """``texts`` without repeats (a build context shared by two stacks is read once)."""
    return list(dict.fromkeys(texts))


def no_api(repo: Repository) -> Verdict:
    """Unverified: no deployed service's code defines API routes."""
    if skip := repo.no_stacks():
        return skip
    stacks = ", ".join(s.file for s in repo.stacks) or "none"
    return undecided(
        f"no deployed service defines API routes (stacks: {stacks}).{repo.not_deployed()}"
    )


@check("Rate limiting is enabled", uses=("repository", "manifests"))
def ratelimit_on_deploy_path(ctx: Context) -> Verdict:
    """Every deployed API is limited: by its own code, or by a loading nginx it cannot bypass.

    An app limiter counts when applied (slowapi/flask-limiter decorators or middleware
    with default limits, fastapi-limiter, django-ratelimit, DRF throttles,
    express-rate-limit in ``app.use``).  Else every nginx location forwarding to it must
    have ``limit_req`` with a declared zone, the nginx must start (its upstreams name
    services of its stack; ``nginx -t`` loads an adjusted copy), and the API must not
    also be published on the host, where requests bypass the proxy.  Kubernetes: every
    Ingress (or traefik IngressRoute) serving the API carries an ingress-nginx
    ``limit-rps``/``limit-rpm``/``limit-connections`` annotation or a traefik
    ``rateLimit`` middleware.
    """
    repo: Repository = ctx.evidence("repository")
    kube = manifests(ctx)
    found = apis(repo)
    if not found and kube is None:
        return no_api(repo)
    problems: list[str] = []
    unsure: list[str] = []
    good: list[str] = []
    for api in found:
        _limit(repo, api, problems, unsure, good)
    if kube is not None:
        kubeedge.rate_findings(kube, unsure, good)
    tail = repo.not_deployed()
    problems, unsure, good = unique(problems), unique(unsure), unique(good)
    if problems:
        return Verdict.failed(
            f"rate limiting missing on the deploy path: {listing(problems)}.{tail}"
        )
    if unsure or not good:
        unsure = unsure or ["only health, metrics or docs locations forward to the API"]
        return undecided(
            f"rate limiting not decidable from the repository: {listing(unsure)}.{tail}"
        )
    return Verdict.passed(f"{NOT_OBSERVED}: {listing(good)}.{tail}")


def _limit(
    repo: Repository, api: Api, problems: list[str], unsure: list[str], good: list[str]
) -> None:
    if api.code.limiters:
        first = api.code.limiters[0]
        good.append(f"{api.name} applies {first.what} at {first.where}")
        return
    gaps = [f"{f.where} {f.what}" for f in api.code.unapplied]
    if api.published:
        problems.append(
            f"{api.name} is published on the host ({', '.join(api.published)}) and applies no "
            f"limiter, so requests bypass any proxy" + (f" ({'; '.join(gaps)})" if gaps else "")
        )
        return
    if api.routers:
        _routers(api, problems, good)
        if not api.routes:
            return
    if not api.routes:
        broken = [p for p in repo.proxies if p.stack is api.stack and p.broken]
        if broken:
            problems += [f"{api.name} is reached by no working proxy: nginx {p.site.name} "
                         f"cannot start ({p.broken})" for p in broken]  # fmt: skip
        else:
            unsure.append(f"{api.name} is neither published nor proxied by a repository nginx")
        return
    for route in api.routes:
        _route(api, route, problems, unsure, good)


def _route(api: Api, route: Route, problems: list[str], unsure: list[str], good: list[str]) -> None:
    proxy, loc = route.proxy, route.location
    if proxy.broken:
        problems.append(
            f"nginx {proxy.site.name} forwards to {api.service.name} but cannot start: "
            + proxy.broken
        )
        return
    zones = [z for z in loc.limit_req if z in proxy.site.zones]
    if not zones and EXEMPT.search(loc.path):
        return  # health, metrics, docs and static files need no limiter
    if not zones:
        problems.append(
            f"{loc.where} location {loc.path} forwards to {api.service.name} without limit_req"
        )
        return
    if loc.dry_run:
        problems.append(f"{loc.where} location {loc.path}: limit_req_dry_run on (never refuses)")
        return
    if proxy.validation.ok is None:
        unsure.append(f"{loc.where} limit_req zone={zones[0]}, but {proxy.validation.detail}")
        return
    good.append(
        f"{loc.where} location {loc.path} -> {api.service.name} limit_req zone={zones[0]} "
        "(nginx -t loads it)"
    )


def _routers(api: Api, problems: list[str], good: list[str]) -> None:
    for traefik, router in api.routers:
        limits = traefik.limits(router)
        if limits:
            settings = traefik.middlewares[limits[0]]
            shown = ", ".join(f"{k}={v}" for k, v in sorted(settings.items()))
            good.append(f"{router.where} traefik router {router.name} -> {api.service.name} "
                        f"rateLimit middleware {limits[0]} ({shown})")  # fmt: skip
        else:
            problems.append(f"{router.where} traefik router {router.name} forwards to "
                            f"{api.service.name} without a rateLimit middleware")  # fmt: skip


@check("CORS is properly configured for production domains", uses=("repository", "manifests"))
def cors_configured(ctx: Context) -> Verdict:
    """The deployed APIs' CORS settings allow only production origins (``cors_allowed_origins``).

    Read from FastAPI/Starlette ``CORSMiddleware``, Flask-CORS, django-cors-headers,
    Express ``cors()`` and nginx ``add_header Access-Control-Allow-Origin`` on locations
    forwarding to the API, ingress-nginx ``enable-cors`` annotations (``*`` unless
    ``cors-allow-origin`` names origins).  ``*`` (above all with credentials), a
    reflected ``$http_origin`` and localhost origins fail; origins from an expression
    are resolved through the service's compose ``environment`` and the expression's
    default where possible.
    """
    repo: Repository = ctx.evidence("repository")
    kube = manifests(ctx)
    found = apis(repo)
    if not found and kube is None:
        return no_api(repo)
    wanted = [str(o).rstrip("/") for o in ctx.env.get("cors_allowed_origins") or []]
    edges = kubeedge.cors_configs(kube) if kube is not None else []
    return judge_cors(found, wanted, repo.not_deployed(), edges)
