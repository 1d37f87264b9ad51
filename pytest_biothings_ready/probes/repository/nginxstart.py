"""Why an nginx of a stack cannot start, read before it runs: upstream hosts no service of
its stack provides, certificates no volume or COPY puts into the container."""

from __future__ import annotations

from typing import Any

from pytest_biothings_ready.probes.repository.deploy import Stack
from pytest_biothings_ready.probes.repository.nginxconf import NginxTree, at, walk
from pytest_biothings_ready.probes.repository.urls import PASSES, host_of, is_address

__all__ = ["missing_certs", "missing_hosts"]


def missing_certs(tree: NginxTree) -> list[str]:
    """Certificates no volume and no Dockerfile COPY puts into the container."""
    service = tree.service
    copied = copy_targets(service.dockerfile)
    problems = []
    for d in walk(list(tree.directives)):
        if d["directive"] not in ("ssl_certificate", "ssl_certificate_key") or not d["args"]:
            continue
        path = d["args"][0]
        if "$" in path or path.startswith("data:") or not path.startswith("/"):
            continue
        if service.provides(path) or any(
            path == c or path.startswith(c.rstrip("/") + "/") for c in copied
        ):
            continue
        problems.append(
            f"{at(d)} {d['directive']} {path}: no volume or COPY of {service.name} provides it; "
            "nginx cannot start"
        )
    return problems


def copy_targets(dockerfile: Any) -> list[str]:
    try:
        lines = dockerfile.read_text(encoding="utf-8", errors="replace").splitlines()
    except (OSError, AttributeError):
        return []
    return [
        ln.split()[-1]
        for ln in lines
        if ln.split()[:1] in (["COPY"], ["ADD"]) and len(ln.split()) >= 3
    ]


def missing_hosts(tree: NginxTree, stack: Stack, upstreams: dict[str, list[str]]) -> list[str]:
    """Backends named like a compose service that no service of the stack provides."""
    names = {s.name for s in stack.services}
    problems = []
    for d in walk(list(tree.directives)):
        if d["directive"] in PASSES and d["args"] and "$" not in d["args"][0]:
            host = host_of(d["args"][0])
            targets = [] if host in upstreams else [host]
        elif d["directive"] == "server" and not d.get("block") and d["args"]:
            targets = [host_of(d["args"][0])]
        else:
            continue
        for host in targets:
            if host and host not in names and not is_address(host):
                problems.append(
                    f"{at(d)} {d['directive']} names host {host!r}, which no service of "
                    f"{stack.file} provides (services: {', '.join(sorted(names))}); "
                    "nginx cannot start"
                )
    return problems
