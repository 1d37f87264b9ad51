"""The application code of built services: limiters, CORS, routes, metrics, logging, tracing.

Python is read with ``ast``; JavaScript/TypeScript with patterns on the text after its
comments are removed.  A file in a tests folder does not count as application code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_biothings_ready.probes.repository import appjs, apppy
from pytest_biothings_ready.probes.repository.deploy import Service, walk
from pytest_biothings_ready.probes.repository.finding import Finding
from pytest_biothings_ready.probes.repository.pysource import PyFacts, read_python, routes

__all__ = ["AppCode", "Finding", "read_app"]

JS = (".js", ".mjs", ".cjs", ".ts")
MAX_FILES = 2000
_JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\"'\w])//[^\n]*", re.S)


@dataclass(frozen=True)
class AppCode:
    """What a service's code does.

    Attributes:
        service: the service.
        files: how many source files were read.
        routes: route paths the code defines.
        limiters: rate limiters applied (``what`` names the library).
        unapplied: limiters created but never applied to a route or the app.
        cors: CORS configurations (``detail``: origins list, "*" or ``<expr>``; credentials).
        metrics: how it exposes Prometheus metrics (``detail``: the path).
        logging: structured (JSON) logging configured.
        audit: audit logging (a logger/event named audit).
        tracing: OpenTelemetry SDK setup, instrumentation and exporters.
        caching: response caching (Cache-Control headers, cache decorators).
        fields: class-level literal defaults (settings classes), by lower-case name.
        libraries: modules the code imports (Python modules, npm packages).
        metric_names: Prometheus series the code defines.
    """

    service: Service
    files: int
    routes: frozenset[str]
    limiters: tuple[Finding, ...]
    unapplied: tuple[Finding, ...]
    cors: tuple[Finding, ...]
    metrics: tuple[Finding, ...]
    logging: tuple[Finding, ...]
    audit: tuple[Finding, ...]
    tracing: tuple[Finding, ...]
    caching: tuple[Finding, ...]
    fields: Mapping[str, Any] = field(default_factory=dict)
    libraries: frozenset[str] = frozenset()
    metric_names: frozenset[str] = frozenset()


def code_roots(service: Service) -> tuple[Path, ...]:
    """What the image holds of the build context: its Dockerfile's COPY/ADD sources.

    ``COPY . .`` (or no readable Dockerfile) is the whole context; a context shared by
    several services (``context: .``, ``dockerfile: backend/Dockerfile``) is narrowed to
    what each Dockerfile copies, so a frontend is not read as the backend's code.
    """
    context = service.context
    assert context is not None
    try:
        lines = service.dockerfile.read_text(encoding="utf-8", errors="replace").splitlines()  # type: ignore[union-attr]
    except (OSError, AttributeError):
        return (context,)
    roots: list[Path] = []
    for line in lines:
        words = [w for w in line.split() if not w.startswith("--")]
        if len(words) >= 3 and words[0].upper() in ("COPY", "ADD") and "--from" not in line:
            for source in words[1:-1]:
                path = (context / source.strip('[]",')).resolve()
                if path == context.resolve():
                    return (context,)
                if path.is_dir() or path.suffix in (".py", *JS):
                    roots.append(path)
    return tuple(dict.fromkeys(roots)) or (context,)


TEST_DIRS = frozenset({"tests", "test", "__tests__", "e2e", "migrations"})
SKIPPED = (".d.ts", ".min.js", ".config.js", ".config.ts")


def _sources(roots: tuple[Path, ...]) -> list[Path]:
    """Application source files under ``roots`` (tests, migrations, bundles left out)."""
    found: list[Path] = []
    for root in roots:
        files = walk(root, (".py", *JS)) if root.is_dir() else iter([root])
        for path in files:
            inside = set(path.relative_to(root).parts[:-1]) if root.is_dir() else set()
            if inside & TEST_DIRS or path.name.startswith("test_") or path.name.endswith(SKIPPED):
                continue
            found.append(path)
            if len(found) >= MAX_FILES:
                return found
    return found


def read_app(service: Service, shown: Any) -> AppCode | None:
    """The code facts of ``service`` (None when it is not built from the repository)."""
    if service.context is None or not service.context.is_dir():
        return None
    py = PyFacts()
    js: list[tuple[str, str]] = []
    files = _sources(code_roots(service))
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if path.suffix == ".py":
            read_python(text, shown(path), py)
        else:
            js.append((shown(path), _JS_COMMENT.sub("", text)))
    return AppCode(
        service,
        len(files),
        frozenset(routes(py) | appjs.routes(js)),
        tuple(apppy.limiters(py) + appjs.limiters(js)),
        tuple(apppy.unapplied(py)),
        tuple(apppy.cors(py) + appjs.cors(js)),
        tuple(apppy.metrics(py) + appjs.metrics(js)),
        tuple(apppy.logging(py) + appjs.logging(js)),
        tuple(apppy.audit(py) + appjs.audit(js)),
        tuple(apppy.tracing(py) + appjs.tracing(js)),
        tuple(apppy.caching(py) + appjs.caching(js)),
        dict(py.fields),
        frozenset(py.imports | appjs.imports(js)),
        frozenset(apppy.metric_names(py) | appjs.metric_names(js)),
    )
