"""HTTPS, HSTS and TLS of a public traefik (entry point redirections, router TLS,
headers middlewares, ``tls.options``)."""

from __future__ import annotations

from pytest_biothings_ready.probes.repository.traefik import Router, Traefik

__all__ = ["https_of", "public", "tls_of"]

OLD = ("versiontls10", "versiontls11", "versionssl30")
WEAK = ("RC4", "3DES", "DES_", "NULL", "EXPORT", "MD5")


def public(traefik: Traefik) -> bool:
    return any(p.public for p in traefik.service.ports)


def _entrypoints(traefik: Traefik) -> list[str]:
    return sorted(
        {
            k.split(".")[1]
            for k in traefik.settings
            if k.startswith("entrypoints.") and k.endswith(".address")
        }
    )


def _on(router: Router, entrypoint: str) -> bool:
    return not router.entrypoints or entrypoint in router.entrypoints


def https_of(traefik: Traefik, minimum: int, problems: list[str], good: list[str]) -> None:
    """Published plain entry points redirect; TLS routers exist and send HSTS."""
    name = f"traefik {traefik.service.name} ({traefik.service.where})"
    tls = [r for r in traefik.routers if r.tls]
    if not tls:
        problems.append(f"{name} has no router with TLS: HTTPS is not served")
    for point in _plain_entrypoints(traefik):
        target = traefik.settings.get(f"entrypoints.{point}.http.redirections.entrypoint.to")
        if target:
            good.append(f"{name} entry point {point} redirects to {target}")
            continue
        plain = [r.name for r in traefik.routers if _on(r, point) and not r.tls]
        plain = [n for n in plain if not _redirects(traefik, n)]
        serves = f"serves router(s) {', '.join(plain)} over plain HTTP" if plain else "answers 404"
        problems.append(
            f"{name} entry point {point} (:{traefik.entrypoint_port(point)}) is published and "
            f"{serves} without a redirect to HTTPS"
        )
    for router in tls:
        _hsts(traefik, router, minimum, problems, good)


def _plain_entrypoints(traefik: Traefik) -> list[str]:
    published = {p.target for p in traefik.service.ports if p.public}
    return [
        p
        for p in _entrypoints(traefik)
        if traefik.entrypoint_port(p) in published and not _tls_entrypoint(traefik, p)
    ]


def _tls_entrypoint(traefik: Traefik, point: str) -> bool:
    """TLS on the entry point itself, or every router on a non-HTTP port terminates TLS.

    Port 80 (or 8080) stays plain: a browser asks it for http://, which a TLS-only
    router does not answer (traefik returns 404), so it must redirect.
    """
    if traefik.settings.get(f"entrypoints.{point}.http.tls"):
        return True
    routers = [r for r in traefik.routers if _on(r, point)]
    plain_port = traefik.entrypoint_port(point) in ("80", "8080")
    return bool(routers) and all(r.tls for r in routers) and not plain_port


def _hsts(
    traefik: Traefik, router: Router, minimum: int, problems: list[str], good: list[str]
) -> None:
    ages = [
        int(v)
        for m in router.middlewares
        for k, v in traefik.middlewares.get(m, {}).items()
        if k == "headers.stsseconds" and v.isdigit()
    ]
    where = f"{router.where} traefik router {router.name}"
    if not ages:
        problems.append(f"{where} sends no Strict-Transport-Security (headers stsSeconds)")
    elif max(ages) < minimum:
        problems.append(f"{where} HSTS stsSeconds={max(ages)} < required {minimum}")
    else:
        good.append(f"traefik router {router.name} TLS with HSTS stsSeconds={max(ages)}")


def _redirects(traefik: Traefik, name: str) -> bool:
    router = next(r for r in traefik.routers if r.name == name)
    return any(
        traefik.middlewares.get(m, {}).get("redirectscheme.scheme") == "https"
        for m in router.middlewares
    )


def tls_of(traefik: Traefik, problems: list[str], good: list[str]) -> None:
    name = f"traefik {traefik.service.name} ({traefik.service.where})"
    if not any(r.tls for r in traefik.routers):
        problems.append(f"{name} has no router with TLS")
        return
    minimum = traefik.tls_options.get("default.minversion", "")
    suites = traefik.tls_options.get("default.ciphersuites", "")
    weak = [s for s in suites.split(",") if any(w in s.upper() for w in WEAK)]
    if minimum.lower() in OLD:
        problems.append(f"{name} tls.options.default.minVersion {minimum} allows TLS below 1.2")
    if weak:
        problems.append(f"{name} tls.options.default.cipherSuites allows {', '.join(weak)}")
    if minimum.lower() not in OLD and not weak:
        good.append(f"{name} TLS minVersion {minimum or 'VersionTLS12 (traefik default)'}")
