"""API documentation current: the served OpenAPI document against the live API.

Only GET operations are requested (documented write operations are never called);
a path parameter is filled from the document's own ``example``/``default`` values,
and an operation without one is skipped (counted in the evidence).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.http import fetch

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["OpenApiResult", "Operation", "api_documentation_current", "gather_openapi"]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_OPERATIONS = 200
_PARAM = re.compile(r"\{([^}/]+)\}")


@dataclass(frozen=True)
class Operation:
    """A documented GET operation and its live answer.

    Attributes:
        path: the documented path; url: what was requested (None: skipped).
        status: the live status; error: why it could not be asked; skipped: why not asked.
        may_404: the operation documents a 404 answer (a missing resource), so a 404 for
            the example value does not show the route is missing.
    """

    path: str
    url: str | None = None
    status: int | None = None
    error: str | None = None
    skipped: str | None = None
    may_404: bool = False

    def missing(self) -> bool:
        """The live API lacks this operation: 405, or a 404 the document does not expect."""
        return self.status == 405 or (self.status == 404 and not self.may_404)

    def ambiguous(self) -> bool:
        """A documented 404 for the example value: the route may exist, or not."""
        return self.status == 404 and self.may_404


@dataclass(frozen=True)
class OpenApiResult:
    """The served document and the live API.

    Attributes:
        url: ``docs.openapi_url``; status: its HTTP status.
        problem: why the answer is not an OpenAPI document, else None.
        version: its ``info.version``; deployed: the deployed version and where it came from.
        operations: the GET operations; others: how many non-GET operations are documented.
    """

    url: str
    status: int
    problem: str | None = None
    version: str = ""
    deployed: tuple[str, str] | None = None
    operations: tuple[Operation, ...] = ()
    others: int = 0


def _parse(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            return None
    return data if isinstance(data, dict) else None


def _example(param: dict[str, Any]) -> Any:
    schema = param.get("schema") or {}
    for source in (param, schema):
        for name in ("example", "default"):
            if name in source:
                return source[name]
    examples = param.get("examples") or {}
    first = next(iter(examples.values()), None) if isinstance(examples, dict) else None
    return first.get("value") if isinstance(first, dict) else None


def _concrete(path: str, params: list[dict[str, Any]]) -> str | None:
    values = {p.get("name"): _example(p) for p in params if p.get("in") == "path"}
    missing = [n for n in _PARAM.findall(path) if values.get(n) is None]
    return None if missing else _PARAM.sub(lambda m: str(values[m.group(1)]), path)


def _api_base(spec: dict[str, Any], doc_url: str) -> str:
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(doc_url))
    servers = spec.get("servers") or [{}]
    server = str(servers[0].get("url") or "") if isinstance(servers[0], dict) else ""
    return urljoin(origin, server).rstrip("/")


def _ask(
    env: Environment, client: httpx.Client, base: str, path: str, item: dict[str, Any]
) -> Operation:
    params = list(item.get("parameters") or []) + list(
        (item.get("get") or {}).get("parameters") or []
    )
    concrete = _concrete(path, [p for p in params if isinstance(p, dict)])
    if concrete is None:
        return Operation(path, skipped="a path parameter without example or default")
    url = base + concrete
    may_404 = "404" in {str(k) for k in ((item.get("get") or {}).get("responses") or {})}
    try:
        return Operation(path, url, fetch(client, "GET", url, env).status_code, may_404=may_404)
    except ProbeError as exc:
        return Operation(path, url, error=str(exc))


def _deployed(env: Environment, client: httpx.Client) -> tuple[str, str] | None:
    if configured := env.get("docs.api_version"):
        return str(configured), "docs.api_version"
    if not env.get("base_url"):
        return None
    url = str(env.get("base_url")).rstrip("/") + "/" + str(env.get("health_path")).lstrip("/")
    try:
        version = fetch(client, "GET", url, env).json().get("version")
    except (ProbeError, ValueError, AttributeError):
        return None
    return (str(version), f"the version field of {url}") if version else None


@gatherer("openapi", needs=("docs.openapi_url",))
def gather_openapi(ctx: Context) -> OpenApiResult:
    """Fetch the OpenAPI document, then GET each documented GET operation once."""
    from pytest_biothings_ready.evidence.transport import http_client

    env, url = ctx.env, str(ctx.env.require("docs.openapi_url"))
    skip = {str(p) for p in env.get("docs.skip_paths") or []}
    with http_client(env) as client:
        reply = fetch(client, "GET", url, env)
        spec = _parse(reply.text) if reply.status_code == 200 else None
        if spec is None or not isinstance(spec.get("paths"), dict):
            problem = "not an OpenAPI document (no paths)" if reply.status_code == 200 else None
            return OpenApiResult(url, reply.status_code, problem)
        paths: dict[str, Any] = {p: i for p, i in spec["paths"].items() if isinstance(i, dict)}
        base = _api_base(spec, url)
        gets = [(p, i) for p, i in paths.items() if "get" in i and p not in skip][:MAX_OPERATIONS]
        operations = tuple(_ask(env, client, base, p, i) for p, i in gets)
        others = sum(1 for i in paths.values() for m in METHODS if m in i and m != "get")
        version = str((spec.get("info") or {}).get("version", ""))
        return OpenApiResult(url, 200, None, version, _deployed(env, client), operations, others)


def _version_problem(result: OpenApiResult) -> str | None:
    if result.deployed and result.deployed[0] != result.version:
        deployed, source = result.deployed
        return f"documents version {result.version!r}, deployed is {deployed!r} ({source})"
    return None


@check("API documentation current", uses=("openapi",), needs=("docs.openapi_url",))
def api_documentation_current(ctx: Context) -> Verdict:
    """Each documented GET operation exists live (no 405, no unexpected 404); versions match."""
    result: OpenApiResult = ctx.evidence("openapi")
    if result.status != 200 or result.problem:
        return Verdict.failed(
            f"{result.url} answered {result.status}: {result.problem or 'no OpenAPI document'}."
        )
    asked = [o for o in result.operations if o.url and not o.ambiguous()]
    problems = [f"GET {o.url} answered {o.status}" for o in asked if o.missing()]
    if version := _version_problem(result):
        problems.append(version)
    if problems:
        return Verdict.failed(f"{result.url}: " + "; ".join(problems[:8]) + ".")
    if errors := [f"{o.path}: {o.error}" for o in asked if o.error]:
        return Verdict.error("could not probe: " + "; ".join(errors[:5]))
    if not asked:
        raise NotConfigured(
            "docs.openapi_url",
            ctx.env.name,
            "no documented GET operation could be requested (give path parameters an example)",
        )
    skipped = len(result.operations) - len(asked)  # no example, or a documented 404
    compared = (
        f"version {result.version} = deployed ({result.deployed[1]})"
        if result.deployed
        else (f"version {result.version} not compared (set docs.api_version)")
    )
    return Verdict.passed(
        f"{result.url}: {len(asked)} documented GET operations exist live "
        f"({', '.join(f'{o.path} -> {o.status}' for o in asked[:6])}); {skipped} skipped, "
        f"{result.others} non-GET operations not called; {compared}."
    )
