"""Kubernetes edges: Ingress annotations (ingress-nginx, traefik) and traefik CRDs.

Read from the static family's parsed manifests.  An Ingress rule *serves the API*
when its path starts with ``/api``, its host starts with ``api.``, or its backend
Service is named like an API (api, backend, server, gateway); frontends are not asked
for rate limits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["cors_configs", "https_findings", "rate_findings"]

NGINX = "nginx.ingress.kubernetes.io/"
LIMITS = ("limit-rps", "limit-rpm", "limit-connections", "global-rate-limit", "limit-rate")
TRAEFIK_MW = "traefik.ingress.kubernetes.io/router.middlewares"
_API = re.compile(r"api|backend|server|gateway", re.I)
# ingress-nginx's default HSTS max-age when TLS is on (controller ConfigMap `hsts-max-age`).
NGINX_HSTS = 15724800


def _annotations(m: Any) -> Mapping[str, str]:
    raw = (m.body.get("metadata") or {}).get("annotations") or {}
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}


def _rules(m: Any) -> list[tuple[str, str, str]]:
    """(host, path, backend service) of an Ingress."""
    found = []
    spec = m.body.get("spec") or {}
    for rule in spec.get("rules") or []:
        host = str(rule.get("host") or "*") if isinstance(rule, Mapping) else "*"
        for path in (
            ((rule.get("http") or {}).get("paths") or []) if isinstance(rule, Mapping) else []
        ):
            service = ((path.get("backend") or {}).get("service") or {}).get("name") or ""
            found.append((host, str(path.get("path") or "/"), str(service)))
    return found


def _serves_api(host: str, path: str, service: str) -> bool:
    return path.startswith("/api") or host.startswith("api.") or bool(_API.search(service))


def _middlewares(kube: Any) -> dict[str, Mapping[str, Any]]:
    """traefik Middleware CRDs by ``namespace-name`` (the annotation's spelling) and name."""
    found: dict[str, Mapping[str, Any]] = {}
    for m in kube.of("Middleware"):
        spec = m.body.get("spec") or {}
        found[f"{m.namespace}-{m.name}"] = spec
        found.setdefault(m.name, spec)
    return found


def _traefik_refs(annotations: Mapping[str, str]) -> list[str]:
    return [
        r.strip().split("@", 1)[0] for r in annotations.get(TRAEFIK_MW, "").split(",") if r.strip()
    ]


def rate_findings(kube: Any, unsure: list[str], good: list[str]) -> None:
    """Ingresses and IngressRoutes serving the API that carry a rate limit.

    One without is undecided, not failed: the image's own code (not read here) may limit.
    """
    middlewares = _middlewares(kube)
    for m in kube.of("Ingress"):
        notes = _annotations(m)
        api = [r for r in _rules(m) if _serves_api(*r)]
        if not api:
            continue
        limits = [f"{NGINX}{k}={notes[NGINX + k]}" for k in LIMITS if NGINX + k in notes]
        limits += [
            f"traefik middleware {r} rateLimit"
            for r in _traefik_refs(notes)
            if "rateLimit" in middlewares.get(r, {})
        ]
        shown = ", ".join(f"{h}{p} -> {s}" for h, p, s in api[:3])
        if limits:
            good.append(f"{m.at()} {m.ref} ({shown}): {limits[0]}")
        else:
            unsure.append(
                f"{m.at()} {m.ref} routes {shown} without a rate limit "
                "(limit-rps / rateLimit middleware)"
            )
    for route in kube.of("IngressRoute"):
        for entry in (route.body.get("spec") or {}).get("routes") or []:
            names = [
                str(x.get("name")) for x in entry.get("middlewares") or [] if isinstance(x, Mapping)
            ]
            services = ", ".join(
                str(s.get("name")) for s in entry.get("services") or [] if isinstance(s, Mapping)
            )
            if not _API.search(services + str(entry.get("match", ""))):
                continue
            if any("rateLimit" in middlewares.get(n, {}) for n in names):
                good.append(f"{route.at(entry)} {route.ref} -> {services}: rateLimit middleware")
            else:
                unsure.append(
                    f"{route.at(entry)} {route.ref} routes to {services} "
                    "without a rateLimit middleware"
                )


def https_findings(
    kube: Any, minimum: int, problems: list[str], unsure: list[str], good: list[str]
) -> None:
    """Ingresses terminate TLS for their hosts, redirect plain HTTP and send HSTS."""
    for m in kube.of("Ingress"):
        notes = _annotations(m)
        hosts = sorted({h for h, _, _ in _rules(m)})
        tls = (m.body.get("spec") or {}).get("tls") or []
        covered = {str(h) for t in tls if isinstance(t, Mapping) for h in t.get("hosts") or []}
        cls = str(
            (m.body.get("spec") or {}).get("ingressClassName")
            or notes.get("kubernetes.io/ingress.class", "")
        )
        if not tls:
            if any("cert" in k or "ssl" in k for k in notes):
                unsure.append(
                    f"{m.at()} {m.ref} has no tls section; TLS may terminate at the load balancer"
                )
            else:
                problems.append(f"{m.at()} {m.ref} serves {', '.join(hosts)} without TLS")
            continue
        bare = [h for h in hosts if h != "*" and h not in covered]
        if bare:
            problems.append(f"{m.at()} {m.ref} has no TLS for {', '.join(bare)}")
        elif "nginx" in cls or any(k.startswith(NGINX) for k in notes):
            if notes.get(NGINX + "ssl-redirect", "true") == "false":
                problems.append(f"{m.at()} {m.ref} sets {NGINX}ssl-redirect: false")
            elif minimum > NGINX_HSTS:
                unsure.append(
                    f"{m.at()} {m.ref}: ingress-nginx's default HSTS max-age {NGINX_HSTS} < "
                    f"required {minimum}; the controller ConfigMap decides"
                )
            else:
                good.append(
                    f"{m.at()} {m.ref} TLS for {', '.join(hosts)}; ingress-nginx redirects "
                    f"and sends HSTS (max-age {NGINX_HSTS} by default)"
                )
        else:
            unsure.append(
                f"{m.at()} {m.ref} (class {cls or 'unset'}): redirect and HSTS depend on "
                "the controller"
            )


def cors_configs(kube: Any) -> list[tuple[str, str, Any, bool]]:
    """(where, what, origins, credentials) of ingress-nginx ``enable-cors`` Ingresses."""
    found = []
    for m in kube.of("Ingress"):
        notes = _annotations(m)
        if notes.get(NGINX + "enable-cors", "false").lower() != "true":
            continue
        origins = [
            o.strip() for o in notes.get(NGINX + "cors-allow-origin", "*").split(",") if o.strip()
        ]
        credentials = notes.get(NGINX + "cors-allow-credentials", "true").lower() == "true"
        found.append((m.at(), f"{m.ref} ingress-nginx enable-cors", origins, credentials))
    return found
