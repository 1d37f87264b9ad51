"""Static decisions on HTTPS enforcement, HSTS and TLS settings of the public proxies.

A *public proxy* is an nginx of a deployed stack whose service publishes a port on
the host.  Only active server blocks count (crossplane drops comments); a proxy that
cannot start or does not load with ``nginx -t`` never passes a line.
"""

from __future__ import annotations

import re

from pytest_biothings_ready.evidence.registry import Context, check
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository import caddy, kubeedge, traefikjudge
from pytest_biothings_ready.probes.repository.exposure import apis
from pytest_biothings_ready.probes.repository.gather import Proxy, Repository
from pytest_biothings_ready.probes.repository.nginxsite import Server
from pytest_biothings_ready.probes.repository.outcome import NOT_OBSERVED, manifests, undecided
from pytest_biothings_ready.probes.static.common import listing

__all__ = ["https_enforced_configured", "tls_settings_configured"]

OLD_PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")
WEAK = (
    "RC4",
    "DES",
    "3DES",
    "MD5",
    "NULL",
    "EXPORT",
    "EXP-",
    "ANULL",
    "ENULL",
    "PSK",
    "SEED",
    "IDEA",
)
_VERSION = re.compile(r":(\d+)\.(\d+)(?:\.(\d+))?")


def public_proxies(repo: Repository) -> list[Proxy]:
    """The nginx services that publish a port on the host (the stacks' front doors)."""
    return [p for p in repo.proxies if any(port.public for port in p.site.tree.service.ports)]


def no_proxy(repo: Repository) -> Verdict:
    """Unverified: TLS terminates outside the repository, as far as it says."""
    stacks = ", ".join(s.file for s in repo.stacks)
    return undecided(
        f"no deployed stack publishes an nginx or traefik (stacks: {stacks}); TLS may terminate "
        f"outside the repository.{repo.not_deployed()}"
    )


def _published_targets(proxy: Proxy) -> set[str]:
    return {p.target for p in proxy.site.tree.service.ports if p.public}


def _verdict(
    problems: list[str], unsure: list[str], good: list[str], head: str, tail: str
) -> Verdict:
    problems, unsure, good = (list(dict.fromkeys(x)) for x in (problems, unsure, good))
    if problems:
        return Verdict.failed(f"{head}: {listing(problems)}.{tail}")
    if unsure:
        return undecided(f"not decidable from the repository: {listing(unsure)}.{tail}")
    return Verdict.passed(f"{NOT_OBSERVED}: {listing(good)}.{tail}")


@check("HTTPS enforced (HTTP redirects to HTTPS)", uses=("repository", "manifests"))
def https_enforced_configured(ctx: Context) -> Verdict:
    """Every public nginx serves TLS, redirects its published plain ports to https://, sends HSTS.

    HSTS max-age must reach ``thresholds.hsts_min_age``; an API also published on the
    host beside a TLS proxy bypasses it.
    """
    repo: Repository = ctx.evidence("repository")
    minimum = int(ctx.env.threshold("hsts_min_age"))
    problems: list[str] = []
    unsure: list[str] = []
    good: list[str] = []
    proxies = public_proxies(repo)
    edges = [t for t in repo.traefiks if traefikjudge.public(t)]
    kube = manifests(ctx)
    ingresses = kube.of("Ingress") if kube is not None else []
    caddies = [(s, sites) for s, sites in repo.caddies if any(p.public for p in s.ports)]
    if not proxies and not edges and not ingresses and not caddies:
        return no_proxy(repo)
    for service, sites in caddies:
        caddy.https_of(service, sites, minimum, problems, good)
    if kube is not None:
        kubeedge.https_findings(kube, minimum, problems, unsure, good)
    for proxy in proxies:
        _https(proxy, minimum, problems, unsure, good)
    for traefik in edges:
        traefikjudge.https_of(traefik, minimum, problems, good)
    for api in apis(repo):
        fronted = any(p.stack is api.stack for p in repo.proxies) or api.routers
        if api.published and fronted:
            problems.append(
                f"{api.name} is also published on the host ({', '.join(api.published)}), "
                "bypassing the proxy's HTTPS"
            )
    return _verdict(problems, unsure, good, "HTTPS not enforced", repo.not_deployed())


def _https(
    proxy: Proxy, minimum: int, problems: list[str], unsure: list[str], good: list[str]
) -> None:
    name = proxy.site.name
    if proxy.broken:
        problems.append(f"nginx {name} cannot start: {proxy.broken}")
        return
    servers = proxy.site.servers
    tls = [s for s in servers if s.tls]
    published = _published_targets(proxy)
    plain = [s for s in servers if not s.tls and set(s.ports) & published]
    if not tls:
        problems.append(
            f"nginx {name} has no active TLS server block (listen ... ssl): HTTPS is not served"
        )
    problems += [f"{s.where} server on :{'/'.join(s.ports)} serves plain HTTP without a redirect to https://"
                 for s in plain if not s.redirects_https]  # fmt: skip
    for server in tls:
        if server.hsts_max_age is None:
            problems.append(f"{server.where} TLS server sends no Strict-Transport-Security")
        elif server.hsts_max_age < minimum:
            problems.append(
                f"{server.where} HSTS max-age={server.hsts_max_age} < required {minimum}"
            )
    if problems or not tls:
        return
    if proxy.validation.ok is None:
        unsure.append(f"nginx {name}: {proxy.validation.detail}")
        return
    ages = "/".join(str(s.hsts_max_age) for s in tls)
    good.append(
        f"nginx {name} redirects {', '.join(s.where for s in plain) or 'no plain port'} to "
        f"https://, HSTS max-age={ages} (nginx -t loads it)"
    )


@check("TLS 1.2+ only, secure cipher suites", uses=("repository",))
def tls_settings_configured(ctx: Context) -> Verdict:
    """Active TLS server blocks of the public nginx allow only TLSv1.2/1.3 and no weak suites.

    ``ssl_protocols`` unset is accepted only on an nginx image of 1.23.4 or later (or
    an unpinned one), whose default is TLSv1.2 TLSv1.3.  TLS settings inside comments
    or in files no stack mounts do not count.
    """
    repo: Repository = ctx.evidence("repository")
    problems: list[str] = []
    unsure: list[str] = []
    good: list[str] = []
    proxies = public_proxies(repo)
    edges = [t for t in repo.traefiks if traefikjudge.public(t)]
    caddies = [(s, sites) for s, sites in repo.caddies if any(p.public for p in s.ports)]
    if not proxies and not edges and not caddies:
        return no_proxy(repo)
    for service, sites in caddies:
        caddy.tls_of(service, sites, problems, good)
    for traefik in edges:
        traefikjudge.tls_of(traefik, problems, good)
    for proxy in proxies:
        name = proxy.site.name
        if proxy.broken:
            problems.append(f"nginx {name} cannot start: {proxy.broken}")
            continue
        tls = [s for s in proxy.site.servers if s.tls]
        if not tls:
            problems.append(
                f"nginx {name} has no active TLS server block "
                "(TLS settings in comments do not count)"
            )
            continue
        for server in tls:
            _tls(proxy, server, problems, good)
        if proxy.validation.ok is None:
            unsure.append(f"nginx {name}: {proxy.validation.detail}")
    return _verdict(problems, unsure, good, "TLS settings too weak or absent", repo.not_deployed())


def _tls(proxy: Proxy, server: Server, problems: list[str], good: list[str]) -> None:
    protocols = server.protocols
    if not protocols:
        image = proxy.site.tree.service.image
        if _old_nginx(image):
            problems.append(
                f"{server.where} sets no ssl_protocols and {image} (< 1.23.4) also accepts "
                "TLSv1 and TLSv1.1"
            )
            return
        protocols = ("TLSv1.2", "TLSv1.3 (default of current nginx)")
    old = [p for p in protocols if p in OLD_PROTOCOLS]
    if old:
        problems.append(f"{server.where} ssl_protocols allows {' '.join(old)}")
    weak = [
        t
        for t in re.split(r"[:\s,]+", server.ciphers)
        if t and t[0] not in "!-" and any(w in t.upper() for w in WEAK)
    ]
    if weak:
        problems.append(f"{server.where} ssl_ciphers allows weak suites {':'.join(weak)}")
    if not old and not weak:
        suites = f", ssl_ciphers {server.ciphers}" if server.ciphers else ""
        good.append(f"{server.where} ssl_protocols {' '.join(protocols)}{suites}")


def _old_nginx(image: str) -> bool:
    match = _VERSION.search(image)
    if "nginx" not in image or not match:
        return False
    version = tuple(int(x or 0) for x in match.groups())
    return version < (1, 23, 4)
