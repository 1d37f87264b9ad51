"""Caddy on the deploy path: the mounted Caddyfile's sites, automatic HTTPS, HSTS, TLS.

A site whose address names a host (not ``:80``, ``http://``, an IP or localhost) gets
Caddy's automatic HTTPS: a certificate, TLS 1.2+ with modern suites and an HTTP->HTTPS
redirect, unless the global options turn it off (``auto_https off`` or
``disable_redirects``).  Comments (``#``) never count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_biothings_ready.probes.repository.deploy import Service

__all__ = ["CaddySite", "https_of", "read_caddy", "tls_of"]

CADDYFILE = "/etc/caddy/Caddyfile"
_MAX_AGE = re.compile(r"max-age=(\d+)", re.I)
_LOCAL = re.compile(r"^(localhost|127\.|\d+\.\d+\.\d+\.\d+|\[)")


@dataclass(frozen=True)
class CaddySite:
    """One site block.

    Attributes:
        where: ``file:line``.
        address: its address(es) as written.
        auto_https: Caddy serves it over HTTPS and redirects HTTP.
        hsts_max_age: the Strict-Transport-Security max-age it sets (None: none).
        protocols: ``tls { protocols MIN [MAX] }`` ("" when not set).
    """

    where: str
    address: str
    auto_https: bool
    hsts_max_age: int | None
    protocols: str


def _blocks(lines: list[str]) -> list[tuple[int, str, list[str]]]:
    """Top-level blocks: (line, head, body lines)."""
    found: list[tuple[int, str, list[str]]] = []
    depth, head, start = 0, "", 0
    body: list[str] = []
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip() if not raw.strip().startswith("#") else ""
        if not line:
            continue
        if depth == 0 and line.endswith("{"):
            head, start, body = line[:-1].strip(), number, []
        elif depth > 0:
            body.append(line)
        depth += line.count("{") - line.count("}")
        if depth == 0 and (head or start):
            found.append((start, head, body))
            head, start = "", 0
    return found


def read_caddy(service: Service, shown: str) -> list[CaddySite] | None:
    """The sites of the Caddyfile ``service`` mounts (None when it mounts none)."""
    path = service.mounted(CADDYFILE)
    if path is None or not path.is_file():
        return None
    blocks = _blocks(path.read_text(encoding="utf-8", errors="replace").splitlines())
    options = next((b for _, h, b in blocks if h == ""), [])
    off = any(
        o.startswith("auto_https") and ("off" in o or "disable_redirects" in o) for o in options
    )
    sites = []
    for line, head, body in blocks:
        if not head:
            continue
        hosts = [a for a in re.split(r"[,\s]+", head) if a]
        named = [a for a in hosts if not a.startswith(("http://", ":")) and not _LOCAL.match(a)]
        header = next((b for b in body if "strict-transport-security" in b.lower()), "")
        age = _MAX_AGE.search(header)
        tls = next((b for b in body if b.startswith("protocols ")), "")
        sites.append(
            CaddySite(f"{shown}:{line}", head, bool(named) and not off,
                      int(age.group(1)) if age else None, tls.removeprefix("protocols ").strip())
        )  # fmt: skip
    return sites


def https_of(
    service: Service,
    sites: tuple[CaddySite, ...],
    minimum: int,
    problems: list[str],
    good: list[str],
) -> None:
    """Each site gets automatic HTTPS (with its redirect) and sends a long enough HSTS."""
    for site in sites:
        name = f"{site.where} Caddy site {site.address}"
        if not site.auto_https:
            problems.append(
                f"{name} is served without automatic HTTPS "
                "(an http:// or :port address, an IP, or auto_https off)"
            )
        elif site.hsts_max_age is None:
            problems.append(f"{name} sends no HSTS")
        elif site.hsts_max_age < minimum:
            problems.append(f"{name} HSTS max-age={site.hsts_max_age} < required {minimum}")
        else:
            good.append(
                f"Caddy {service.name} site {site.address}: automatic HTTPS with redirect, "
                f"HSTS max-age={site.hsts_max_age}"
            )


def tls_of(
    service: Service, sites: tuple[CaddySite, ...], problems: list[str], good: list[str]
) -> None:
    """Each site serves TLS no older than 1.2 (Caddy's default unless ``protocols`` lowers it)."""
    for site in sites:
        name = f"{site.where} Caddy site {site.address}"
        if not site.auto_https:
            problems.append(f"{name} serves no TLS")
        elif site.protocols.split()[:1] in (["tls1.0"], ["tls1.1"]):
            problems.append(f"{name} tls protocols {site.protocols}")
        else:
            shown = site.protocols or "1.2+ (Caddy default)"
            good.append(f"Caddy {service.name} site {site.address}: TLS {shown}")
