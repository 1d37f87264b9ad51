"""Send the CORS matrix: every origin (allowed and hostile) on every known path.

The primary path (``cors.path``, default ``health_path``) gets a preflight, a simple
GET and a credentialed GET (with a cookie) from every origin; every other path the
environment names (smoke, journeys, ``caching.paths``, the OpenAPI document's
paths) gets the preflight and the credentialed GET.  At most ``cors.max_requests``
requests: paths beyond it are named in the evidence as not sampled.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, gatherer
from pytest_biothings_ready.probes.cors.origins import hostile_origins
from pytest_biothings_ready.probes.http import fetch, known_paths

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["CorsAnswer", "CorsReport", "gather_cors"]

PRIMARY_KINDS = ("preflight", "simple", "credentialed")
OTHER_KINDS = ("preflight", "credentialed")
# What a browser's fetch() from another site sends besides Origin: a target that
# treats requests without them differently is judged as browsers meet it.
BROWSER_HEADERS = {
    "Sec-Fetch-Mode": "cors",
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Dest": "empty",
}
# A cookie a browser would attach to a credentialed request (fetch credentials: include).
PROBE_COOKIE = "ready_cors_probe=1"
# The matrix gives up after this many operation timeouts in total.
DEADLINE_TIMEOUTS = 5
# Connections the matrix is sent over (latency-bound: a few in parallel, not a load test).
WORKERS = 4


@dataclass(frozen=True)
class CorsAnswer:
    """What the service answered one CORS request.

    Attributes:
        origin: the ``Origin`` sent.
        kind: ``preflight`` (OPTIONS), ``simple`` (GET) or ``credentialed`` (GET + cookie).
        path: the path asked.
        status: the HTTP status.
        allow_origin: ``Access-Control-Allow-Origin`` (None when absent).
        allow_credentials: ``Access-Control-Allow-Credentials: true`` was sent.
        allow_methods: ``Access-Control-Allow-Methods`` (None when absent).
    """

    origin: str
    kind: str
    path: str
    status: int
    allow_origin: str | None
    allow_credentials: bool
    allow_methods: str | None = None

    @property
    def allowed(self) -> bool:
        """A browser at ``origin`` may read the answer."""
        return self.allow_origin is not None and self.allow_origin.strip() in ("*", self.origin)


@dataclass(frozen=True)
class CorsReport:
    """The CORS matrix of one service.

    Attributes:
        base: ``base_url``.
        primary: the path where every allowed origin must be allowed.
        allowed_origins: the origins the environment says must be allowed.
        hostile: (kind, origin) of every origin that must be refused.
        answers: one answer per (path, origin, kind) sent.
        method: the method named in the preflights.
        paths: the paths asked, primary first.
        skipped: known paths not asked (``cors.max_requests``).
        openapi: what the OpenAPI document contributed, for the evidence.
        cut: why the matrix stopped early (time budget), else None.
        primary_required: ``cors.path`` was set, so the configured origins must be
            allowed there (else on some known path).
    """

    base: str
    primary: str
    allowed_origins: tuple[str, ...]
    hostile: tuple[tuple[str, str], ...]
    answers: tuple[CorsAnswer, ...]
    method: str = "GET"
    paths: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    openapi: str = ""
    cut: str | None = None
    primary_required: bool = True

    @property
    def foreign_origin(self) -> str:
        """The wholly foreign origin of the matrix."""
        return next((o for kind, o in self.hostile if kind == "foreign origin"), "")


def openapi_paths(env: Environment, client: httpx.Client) -> tuple[list[str], str]:
    """The concrete paths of the service's OpenAPI document, and a note for the evidence."""
    path = "/" + str(env.get("cors.openapi_path")).lstrip("/")
    url = str(env.get("base_url")).rstrip("/") + path
    try:
        reply = fetch(client, "GET", url, env)
        document = reply.json() if reply.status_code == 200 else None
    except (ProbeError, ValueError):
        document = None
    found = document.get("paths") if isinstance(document, dict) else None
    if not isinstance(found, dict):
        return [], f"no OpenAPI document at {path}"
    concrete = [str(p) for p in found if "{" not in str(p)]
    templated = len(found) - len(concrete)
    return concrete, f"OpenAPI {path}: {len(concrete)} paths ({templated} templated skipped)"


def plan(
    primary: str, others: list[str], origins: list[str], cap: int
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(path, origin, kind) to send within ``cap`` requests, and the paths left out."""
    todo = [(primary, o, k) for o in origins for k in PRIMARY_KINDS]
    skipped: list[str] = []
    for path in others:
        more = [(path, o, k) for o in origins for k in OTHER_KINDS]
        if len(todo) + len(more) > cap:
            skipped.append(path)
            continue
        todo += more
    return todo, skipped


def _ask(
    env: Environment, client: httpx.Client, base: str, step: tuple[str, str, str]
) -> CorsAnswer:
    path, origin, kind = step
    headers = {"Origin": origin, **BROWSER_HEADERS}
    if kind == "preflight":
        headers["Access-Control-Request-Method"] = str(env.get("cors.method")).upper()
        if wanted := env.get("cors.request_headers"):
            headers["Access-Control-Request-Headers"] = ", ".join(str(h) for h in wanted)
    if kind == "credentialed":
        headers["Cookie"] = PROBE_COOKIE
    verb = "OPTIONS" if kind == "preflight" else "GET"
    response = fetch(client, verb, base + path, env, headers=headers)
    credentials = response.headers.get("access-control-allow-credentials", "")
    return CorsAnswer(
        origin,
        kind,
        path,
        response.status_code,
        response.headers.get("access-control-allow-origin"),
        credentials.strip().lower() == "true",
        response.headers.get("access-control-allow-methods"),
    )


@gatherer("cors", needs=("base_url", "cors_allowed_origins"))
def gather_cors(ctx: Context) -> CorsReport:
    """Send the matrix of allowed and hostile origins over the known paths."""
    from pytest_biothings_ready.evidence.transport import http_client

    env = ctx.env
    base = str(env.get("base_url")).rstrip("/")
    # As written (not normalized): "@host:port/x" must reach the transport's scope refusal.
    primary = str(env.get("cors.path") or env.get("health_path"))
    allowed = [str(o) for o in env.require("cors_allowed_origins")]
    hostile = hostile_origins(allowed, str(env.get("cors.foreign_origin")))
    origins = allowed + [o for _, o in hostile]
    with http_client(env) as client:
        extra, note = openapi_paths(env, client)
        others = [p for p in dict.fromkeys(known_paths(env) + extra) if p != primary]
        todo, skipped = plan(primary, others, origins, int(env.get("cors.max_requests")))
        answers, cut = _send(env, client, base, todo)
    paths = tuple(dict.fromkeys(a.path for a in answers))
    return CorsReport(
        base, primary, tuple(allowed), tuple(hostile), tuple(answers),
        str(env.get("cors.method")).upper(), paths, tuple(skipped), note, cut,
        bool(env.get("cors.path")),
    )  # fmt: skip


def _send(
    env: Environment, client: httpx.Client, base: str, todo: list[tuple[str, str, str]]
) -> tuple[list[CorsAnswer], str | None]:
    """Send ``todo`` over a few connections, in order; stop at the time budget."""
    deadline = time.monotonic() + DEADLINE_TIMEOUTS * env.timeout
    failed = threading.Event()  # one transport failure ends the matrix (an error)

    def one(step: tuple[str, str, str]) -> CorsAnswer | None:
        if failed.is_set() or time.monotonic() > deadline:
            return None
        try:
            return _ask(env, client, base, step)
        except ProbeError:
            failed.set()
            raise

    with ThreadPoolExecutor(WORKERS, thread_name_prefix="ready-cors") as pool:
        found = list(pool.map(one, todo))
    answers = [a for a in found if a is not None]
    if len(answers) < len(todo):
        return answers, f"stopped after {len(answers)} of {len(todo)} requests (time budget)"
    return answers, None
