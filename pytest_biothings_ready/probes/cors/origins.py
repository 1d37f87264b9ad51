"""Hostile origins derived from each allowed one: the look-alikes lax matching lets in.

For ``https://app.example.test`` (a sketch of what servers get wrong)::

    https://app.example.test.evil.example   prefix look-alike   startswith(), unanchored regex
    https://evilexample.test                suffix look-alike   endswith("example.test")
    https://evil.example.test               sibling subdomain   a *.example.test wildcard
    https://app-example.test                unescaped dot       the regex app.example.test
    https://evil.app.example.test           child subdomain     a *.app.example.test wildcard
    http://app.example.test                 scheme change       host-only comparison
    https://app.example.test:444            port change         host-only comparison
    null                                    sandboxed iframes, file:// pages, redirects
    https://evil.example                    a wholly foreign origin (cors.foreign_origin)
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["NULL_ORIGIN", "hostile_origins", "look_alikes"]

# The origin a sandboxed iframe, a file:// page or a redirect chain sends.
NULL_ORIGIN = "null"
LOOK_ALIKE_TLD = "evil.example"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def look_alikes(origin: str) -> list[tuple[str, str]]:
    """(kind, origin) pairs of the look-alikes of ``origin``; none for an unparsable one."""
    parts = urlsplit(origin.strip())
    host, scheme = (parts.hostname or "").lower(), parts.scheme.lower()
    if not host or scheme not in ("http", "https"):
        return []
    default = 443 if scheme == "https" else 80
    port = parts.port or default
    suffix = "" if port == default else f":{port}"
    other = "http" if scheme == "https" else "https"
    found = [
        ("scheme change", f"{other}://{host}{suffix}"),
        ("port change", f"{scheme}://{host}:{port + 1}"),
    ]
    if _is_ip(host):
        return found
    labels = host.split(".")
    parent = ".".join(labels[1:]) if len(labels) > 2 else host
    found += [
        ("prefix look-alike", f"{scheme}://{host}.{LOOK_ALIKE_TLD}{suffix}"),
        ("suffix look-alike", f"{scheme}://evil{parent}{suffix}"),
        ("child subdomain", f"{scheme}://evil.{host}{suffix}"),
    ]
    if len(labels) > 2:
        found.append(("sibling subdomain", f"{scheme}://evil.{parent}{suffix}"))
        found.append(("unescaped dot", f"{scheme}://{labels[0]}-{parent}{suffix}"))
    return found


def hostile_origins(allowed: list[str], foreign: str) -> list[tuple[str, str]]:
    """(kind, origin) for every origin that must be refused, deduplicated.

    Look-alikes of every allowed origin, ``null`` and ``foreign``; an origin that is
    itself in ``allowed`` is never hostile.
    """
    normal = {a.strip().rstrip("/").lower() for a in allowed}
    found: dict[str, str] = {}
    for origin in allowed:
        for kind, candidate in look_alikes(origin):
            found.setdefault(candidate, kind)
    found.setdefault(NULL_ORIGIN, "null origin")
    found.setdefault(foreign.strip().rstrip("/"), "foreign origin")
    return [(kind, o) for o, kind in found.items() if o.lower() not in normal]
