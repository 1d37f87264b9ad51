"""Read the PaaS configs the deploy graph reaches (fly.toml, render.yaml, railway, app.yaml).

Each config becomes one :class:`PaasApp` per deployed app: its raw settings plus the
application code its folder (or Dockerfile) holds, so checks can ask whether a
health-check path is a route of the app.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_biothings_ready.deploy.paas import PLATFORMS, paas_decides
from pytest_biothings_ready.evidence.registry import Context
from pytest_biothings_ready.probes.repository.appcode import read_app
from pytest_biothings_ready.probes.repository.deploy import Service
from pytest_biothings_ready.probes.static.common import display

__all__ = ["PaasApp", "as_int", "as_list", "as_map", "paas_apps", "paas_decides", "static_site"]

# The configs a platform reads; Procfile and heroku.yml say nothing these checks read.


@dataclass(frozen=True)
class PaasApp:
    """One app a PaaS config deploys.

    Attributes:
        platform: ``fly``, ``render``, ``railway`` or ``appengine``.
        name: the app (fly ``app``, render service ``name``, App Engine ``service``).
        where: the config file as shown.
        config: the app's settings (a render service entry, or the whole file).
        routes: the route table of its code (empty when unknown).
    """

    platform: str
    name: str
    where: str
    config: Mapping[str, Any]
    routes: frozenset[str] = frozenset()


def paas_apps(ctx: Context) -> tuple[list[PaasApp], list[str]]:
    """The apps of every reached PaaS config, and configs that could not be read."""
    from pytest_biothings_ready.deploy.graph import PAAS

    graph = ctx.evidence("deploy")
    apps: list[PaasApp] = []
    broken: list[str] = []
    for path in graph.paths(PAAS):
        platform = PLATFORMS.get(path.name)
        if platform is None:
            continue
        shown = display(ctx.env, path)
        try:
            body = _load(path)
        except (ValueError, OSError) as exc:
            broken.append(f"{shown} does not load ({str(exc)[:120]})")
            continue
        entries = _entries(platform, path, body)
        apps += [
            PaasApp(platform, name, shown, conf, _routes(ctx, path.parent, conf, name))
            for name, conf in entries
        ]
    return apps, broken


def _entries(platform: str, path: Path, body: Mapping[str, Any]) -> list[tuple[str, Any]]:
    if platform == "render":
        return [(str(s.get("name") or "?"), s) for s in as_list(body.get("services")) if as_map(s)]
    if platform == "fly":
        return [(str(body.get("app") or path.parent.name), body)]
    if platform == "appengine":
        return [(str(body.get("service") or "default"), body)]
    return [(path.parent.name, body)]


def _load(path: Path) -> Mapping[str, Any]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".toml":
        return tomllib.loads(text)  # TOMLDecodeError is a ValueError
    if path.suffix == ".json":
        return as_map(json.loads(text or "{}"))
    from pytest_biothings_ready.probes.static.yamlload import load_all

    try:
        docs = load_all(text)
    except Exception as exc:  # yaml.YAMLError: the config does not load
        raise ValueError(str(exc)) from exc
    return as_map(docs[0]) if docs else {}


def _routes(ctx: Context, folder: Path, conf: Mapping[str, Any], name: str) -> frozenset[str]:
    root = folder / str(conf.get("rootDir") or ".")
    if not root.is_dir():
        return frozenset()
    dockerfile = root / str(conf.get("dockerfilePath") or "Dockerfile")
    service = Service(
        display(ctx.env, folder),
        name,
        display(ctx.env, root),
        context=root,
        dockerfile=dockerfile if dockerfile.is_file() else None,
    )
    code = read_app(service, lambda p: display(ctx.env, p))
    return code.routes if code is not None else frozenset()


def as_map(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def as_int(value: Any, default: int) -> int:
    """``value`` as an integer, ``default`` when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def static_site(app: PaasApp) -> bool:
    """A Render static site: served by Render's CDN, no instances, no health checks."""
    return str(app.config.get("runtime") or app.config.get("env") or "") == "static"
