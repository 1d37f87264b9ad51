"""Host names in proxy targets and service URLs (shared by the nginx, tracing, metrics and
logging readers)."""

from __future__ import annotations

import ipaddress

__all__ = ["PASSES", "host_of", "is_address"]

PASSES = ("proxy_pass", "uwsgi_pass", "fastcgi_pass", "grpc_pass")


def host_of(url: str) -> str:
    """The host of a proxy_pass URL or an upstream ``server`` address, without port."""
    rest = url.split("://", 1)[-1].split("/", 1)[0]
    if rest.startswith("unix:"):
        return ""
    if rest.startswith("["):
        return rest[1:].split("]", 1)[0]
    return rest.rsplit(":", 1)[0] if rest.count(":") == 1 else rest


def is_address(host: str) -> bool:
    """An IP, ``localhost`` or a dotted DNS name (not a compose service name)."""
    if host == "localhost" or "." in host:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
