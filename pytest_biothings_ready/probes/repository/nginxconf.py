"""nginx configs on the deploy path: found through a service's mounts, includes spliced.

A service runs nginx when its image (or Dockerfile base) is nginx and it mounts a
config at ``/etc/nginx/nginx.conf``, under ``conf.d``/``sites-enabled`` or as a
``templates`` file.  Includes are resolved through the same mounts (a container path
that no mount provides is dropped and named).  Parsed with crossplane: comments never
count.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_biothings_ready.probes.repository.deploy import Service, Stack

__all__ = ["Directive", "NginxTree", "load_tree", "nginx_services"]

Directive = dict[str, Any]
ROOTS = ("/etc/nginx/nginx.conf",)
SNIPPETS = ("/etc/nginx/conf.d/", "/etc/nginx/sites-enabled/", "/etc/nginx/templates/")
# Folders the nginx images already have: a file copied to one of them lands inside it.
IMAGE_DIRS = frozenset({"/etc/nginx", *(d.rstrip("/") for d in SNIPPETS)})
NGINX_IMAGES = ("nginx", "openresty", "bitnami/nginx", "nginxinc/")


@dataclass(frozen=True)
class NginxTree:
    """One nginx's configuration as the container sees it.

    Attributes:
        service: the service running it.
        files: the repository files that make it up (shown paths).
        directives: the top-level directives (a snippet is wrapped in ``http``),
            each carrying ``_file`` for evidence.
        full: whether the root nginx.conf is the repository's (else the image's own
            nginx.conf includes the mounted snippets).
        errors: parse errors and includes no mount provides.
        templated: a ``templates/`` file (envsubst fills it at start).
    """

    service: Service
    files: tuple[str, ...]
    directives: tuple[Directive, ...]
    full: bool
    errors: tuple[str, ...]
    templated: bool


def runs_nginx(service: Service) -> bool:
    image = service.image.lower()
    base = _base_image(service.dockerfile).lower() if service.dockerfile else ""
    return any(n in image or n in base for n in NGINX_IMAGES) or bool(_mounted_configs(service))


def nginx_services(stack: Stack) -> list[Service]:
    """Services of ``stack`` that run nginx with a repository config."""
    return [s for s in stack.services if runs_nginx(s) and _mounted_configs(s)]


def _base_image(dockerfile: Path | None) -> str:
    try:
        lines = dockerfile.read_text(encoding="utf-8", errors="replace").splitlines()  # type: ignore[union-attr]
    except (OSError, AttributeError):
        return ""
    froms = [
        ln.split()[1]
        for ln in lines
        if ln.strip().upper().startswith("FROM ") and len(ln.split()) > 1
    ]
    return froms[-1] if froms else ""


def _copied(service: Service) -> list[tuple[str, Path]]:
    """``COPY src /etc/nginx/...`` lines of the service's Dockerfile (container path, file)."""
    if not service.dockerfile or not service.context:
        return []
    try:
        lines = service.dockerfile.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        words = [w for w in line.split() if not w.startswith("--")]
        if len(words) < 3 or words[0].upper() not in ("COPY", "ADD"):
            continue
        target = words[-1]
        if not target.startswith("/etc/nginx"):
            continue
        for word in words[1:-1]:
            source = service.context / word
            path = target
            # ``COPY nginx.conf /etc/nginx/conf.d``: the folder exists in the image, so the
            # file lands inside it, as with a trailing slash.
            into = target.endswith("/") or target.rstrip("/") in IMAGE_DIRS or len(words) > 3
            if into and source.is_file():
                path = target.rstrip("/") + "/" + source.name
            found.append((path, source))
    return found


def _mounted_configs(service: Service) -> list[tuple[str, Path]]:
    pairs = [(m.target, m.source) for m in service.mounts] + _copied(service)
    found: list[tuple[str, Path]] = []
    for target, source in pairs:
        if not target.startswith("/etc/nginx"):
            continue
        if source.is_file():
            found.append((target, source))
        elif source.is_dir():
            for child in sorted(source.rglob("*")):
                if child.is_file() and child.suffix in (".conf", ".template", ""):
                    found.append(
                        (target.rstrip("/") + "/" + child.relative_to(source).as_posix(), child)
                    )
    return found


def load_tree(service: Service, shown: Any) -> NginxTree:
    """The nginx configuration ``service`` runs; ``shown(path)`` names files in evidence."""
    configs = _mounted_configs(service)
    by_target = dict(configs)
    errors: list[str] = []
    used: list[str] = []
    root = next((by_target[t] for t in ROOTS if t in by_target), None)
    if root is not None:
        directives = _parse(root, by_target, shown, errors, used, 0)
        full = True
    else:
        snippets = [
            (t, p)
            for t, p in configs
            if t.startswith(SNIPPETS) and (t.endswith(".conf") or t.endswith(".template"))
        ]
        inner: list[Directive] = []
        for _target, path in snippets:
            inner += _parse(path, by_target, shown, errors, used, 0)
        directives = [{"directive": "http", "args": [], "line": 1, "_file": "", "block": inner}]
        full = False
    templated = any(t.startswith("/etc/nginx/templates/") for t, _ in configs)
    return NginxTree(service, tuple(used), tuple(directives), full, tuple(errors), templated)


def _parse(
    path: Path,
    by_target: Mapping[str, Path],
    shown: Any,
    errors: list[str],
    used: list[str],
    depth: int,
) -> list[Directive]:
    import crossplane

    name = shown(path)
    used.append(name)
    result = crossplane.parse(
        str(path), single=True, catch_errors=True, check_ctx=False, check_args=False, comments=False
    )
    for error in result["errors"]:
        errors.append(f"{name}:{error.get('line') or 1}: does not parse ({error['error']})")
    parsed = result["config"][0]["parsed"] if result["config"] else []
    return _splice(parsed, name, by_target, shown, errors, used, depth)


def _splice(
    block: list[Directive],
    name: str,
    by_target: Mapping[str, Path],
    shown: Any,
    errors: list[str],
    used: list[str],
    depth: int,
) -> list[Directive]:
    out: list[Directive] = []
    for node in block:
        node = dict(node, _file=name)
        if node["directive"] == "include" and node["args"] and depth < 8:
            out += _include(node, by_target, shown, errors, used, depth)
            continue
        if node.get("block"):
            node["block"] = _splice(node["block"], name, by_target, shown, errors, used, depth)
        out.append(node)
    return out


def _include(
    node: Directive,
    by_target: Mapping[str, Path],
    shown: Any,
    errors: list[str],
    used: list[str],
    depth: int,
) -> list[Directive]:
    pattern = node["args"][0]
    if not pattern.startswith("/"):
        pattern = "/etc/nginx/" + pattern
    matches = [p for t, p in by_target.items() if fnmatch.fnmatch(t, pattern)]
    if not matches:
        if "*" not in pattern and not Path(pattern).exists():
            errors.append(
                f"{node['_file']}:{node['line']}: include {pattern}: no mount provides it"
            )
        # kept for nginx -t: the stock files (mime.types) exist in Debian's nginx too
        return [node] if Path(pattern).exists() else []
    out: list[Directive] = []
    for path in sorted(matches):
        out += _parse(path, by_target, shown, errors, used, depth + 1)
    return out


def walk(block: list[Directive] | tuple[Directive, ...]) -> list[Directive]:
    """Every directive of ``block``, depth first."""
    found: list[Directive] = []
    for node in block:
        found.append(node)
        found += walk(node.get("block") or [])
    return found


def at(node: Directive) -> str:
    """``file:line`` of a directive."""
    return f"{node.get('_file') or '?'}:{node.get('line', 1)}"
