"""Traefik on the deploy path: routers from compose labels, middlewares, entry points.

Read from the traefik service's command flags and mounted static config
(``/etc/traefik/traefik.yml``), every service's ``traefik.http.*`` labels and the
dynamic files of ``providers.file`` mounted into traefik.  Traefik has no offline
validator; what is read is what the checks judge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_biothings_ready.probes.repository.deploy import Service, Stack
from pytest_biothings_ready.probes.static.yamlload import load_all

__all__ = ["Router", "Traefik", "read_traefik"]

STATIC = ("/etc/traefik/traefik.yml", "/etc/traefik/traefik.yaml", "/traefik.yml")


@dataclass(frozen=True)
class Router:
    """A router: the service it forwards to and what is in force on it.

    Attributes:
        name: router name.
        service: the compose service whose labels declare it.
        where: ``file:line`` of the service.
        entrypoints: its entry points (empty: all).
        middlewares: middleware names in force (its own and its entry points'), without
            the ``@provider`` suffix.
        tls: ``tls=true`` or a ``tls.certresolver``.
    """

    name: str
    service: str
    where: str
    entrypoints: tuple[str, ...]
    middlewares: tuple[str, ...]
    tls: bool


@dataclass(frozen=True)
class Traefik:
    """A deployed traefik and the routing of its stack.

    Attributes:
        service: the traefik service.
        settings: static settings, flattened to lower-case dotted keys
            (``entrypoints.web.http.redirections.entrypoint.to``).
        middlewares: middleware name -> its lower-case dotted settings
            (``ratelimit.average``, ``headers.stsseconds``).
        routers: the routers of the stack.
        tls_options: ``tls.options`` of the dynamic files (``default.minversion``...).
    """

    service: Service
    settings: Mapping[str, str]
    middlewares: Mapping[str, Mapping[str, str]]
    routers: tuple[Router, ...]
    tls_options: Mapping[str, str] = field(default_factory=dict)

    def limits(self, router: Router) -> list[str]:
        """The rate-limit middlewares in force on ``router``."""
        return [
            m
            for m in router.middlewares
            if any(k.startswith("ratelimit.") for k in self.middlewares.get(m, {}))
        ]

    def entrypoint_port(self, name: str) -> str:
        address = self.settings.get(f"entrypoints.{name}.address", "")
        return address.rsplit(":", 1)[-1]


def runs_traefik(service: Service) -> bool:
    return service.family == "traefik"


def _flatten(node: Any, prefix: str, out: dict[str, str]) -> None:
    if isinstance(node, Mapping) and not node and prefix:
        out[prefix] = "true"  # `tls: {}` turns TLS on
    elif isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(value, f"{prefix}.{str(key).lower()}" if prefix else str(key).lower(), out)
    elif isinstance(node, list):
        out[prefix] = ",".join(str(v) for v in node)
    else:
        out[prefix] = str(node)


def _yaml(service: Service, target: str) -> dict[str, str]:
    path = service.mounted(target)
    if path is None or not path.is_file():
        return {}
    try:
        docs = load_all(path.read_text(encoding="utf-8"))
    except Exception:  # an unreadable file configures nothing
        return {}
    out: dict[str, str] = {}
    for doc in docs:
        _flatten(doc, "", out)
    return out


def _static(service: Service) -> dict[str, str]:
    settings: dict[str, str] = {}
    for target in STATIC:
        settings.update(_yaml(service, target))
    for word in service.command.split():
        if word.startswith("--") and "=" in word:
            key, _, value = word[2:].partition("=")
            settings[key.lower()] = value
        elif word.startswith("--"):
            settings[word[2:].lower()] = "true"
    return settings


def _dynamic(service: Service, settings: Mapping[str, str]) -> dict[str, str]:
    """The mounted ``providers.file`` configuration, flattened."""
    flat: dict[str, str] = {}
    if target := settings.get("providers.file.filename"):
        flat.update(_yaml(service, target))
    if folder := settings.get("providers.file.directory"):
        local = service.mounted(folder)
        for path in sorted(local.glob("*.y*ml")) if local is not None and local.is_dir() else []:
            flat.update(_yaml(service, f"{folder.rstrip('/')}/{path.name}"))
    return flat


def _middlewares(flat: Mapping[str, str], prefix: str) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for key, value in flat.items():
        if key.startswith(prefix):
            name, _, rest = key[len(prefix) :].partition(".")
            found.setdefault(name, {})[rest] = value
    return found


def read_traefik(stacks: list[Stack], service: Service) -> Traefik:
    """The routing ``service`` (a traefik) applies: its docker provider sees every stack."""
    settings = _static(service)
    dynamic = _dynamic(service, settings)
    middlewares = _middlewares(dynamic, "http.middlewares.")
    tls = {k[len("tls.options.") :]: v for k, v in dynamic.items() if k.startswith("tls.options.")}
    labels = {k.lower(): v for st in stacks for s in st.services for k, v in s.labels.items()}
    for name, values in _middlewares(labels, "traefik.http.middlewares.").items():
        middlewares.setdefault(name, {}).update(values)
    routers = tuple(r for st in stacks for s in st.services for r in _routers(s, settings))
    return Traefik(service, settings, middlewares, routers, tls)


def _names(value: str) -> list[str]:
    return [v.strip().split("@", 1)[0] for v in value.split(",") if v.strip()]


def _routers(service: Service, settings: Mapping[str, str]) -> list[Router]:
    labels = {k.lower(): v for k, v in service.labels.items()}
    if labels.get("traefik.enable", "true").lower() == "false":
        return []
    names = {
        k.split(".")[3]
        for k in labels
        if k.startswith("traefik.http.routers.") and k.count(".") >= 4
    }
    found = []
    for name in sorted(names):
        key = f"traefik.http.routers.{name}"
        entrypoints = tuple(_names(labels.get(f"{key}.entrypoints", "")))
        points = entrypoints or tuple(
            {k.split(".")[1] for k in settings if k.startswith("entrypoints.")}
        )
        inherited = [
            m for p in points for m in _names(settings.get(f"entrypoints.{p}.http.middlewares", ""))
        ]
        tls = labels.get(f"{key}.tls", "").lower() == "true" or bool(
            labels.get(f"{key}.tls.certresolver")
        )
        tls = tls or any(
            settings.get(f"entrypoints.{p}.http.tls", "")
            or settings.get(f"entrypoints.{p}.http.tls.certresolver")
            for p in points
        )
        middlewares = tuple(dict.fromkeys(_names(labels.get(f"{key}.middlewares", "")) + inherited))
        found.append(Router(name, service.name, service.where, entrypoints, middlewares, tls))
    return found
