"""CORS: an active preflight matrix against the service.

Every origin in ``cors_allowed_origins`` plus a foreign origin and the ``null``
origin is sent once as a preflight (``OPTIONS`` with ``Origin`` and
``Access-Control-Request-Method``) and once as a simple ``GET`` with ``Origin``, to
``base_url`` + ``cors.path`` (default ``health_path``).  The check judges the
``Access-Control-Allow-*`` answers the way a browser would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_biothings_ready.config.schema import Key, register
from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Verdict

if TYPE_CHECKING:
    import httpx

__all__ = ["CorsAnswer", "CorsReport", "judge_cors"]

register(
    Key("cors.path", "str", "Path probed for CORS; default: health_path.", family="cors"),
    Key(
        "cors.method",
        "str",
        "Method named in Access-Control-Request-Method of the preflight.",
        "GET",
        family="cors",
    ),
    Key(
        "cors.foreign_origin",
        "str",
        "An origin that must NOT be allowed.",
        "https://evil.example",
        family="cors",
    ),
)

# The origin a sandboxed iframe, a file:// page or a redirect chain sends.
NULL_ORIGIN = "null"


@dataclass(frozen=True)
class CorsAnswer:
    """What the service answered one CORS request.

    Attributes:
        origin: the ``Origin`` sent.
        kind: ``preflight`` (OPTIONS) or ``simple`` (GET).
        status: the HTTP status.
        allow_origin: ``Access-Control-Allow-Origin`` (None when absent).
        allow_credentials: ``Access-Control-Allow-Credentials: true`` was sent.
        allow_methods: ``Access-Control-Allow-Methods`` (None when absent).
    """

    origin: str
    kind: str
    status: int
    allow_origin: str | None
    allow_credentials: bool
    allow_methods: str | None = None

    @property
    def allowed(self) -> bool:
        """A browser at ``origin`` may read the answer."""
        return self.allow_origin in ("*", self.origin)


@dataclass(frozen=True)
class CorsReport:
    """The preflight matrix of one URL.

    Attributes:
        url: the URL probed.
        allowed_origins: the origins the environment says must be allowed.
        foreign_origin: the origin that must be refused.
        answers: one answer per (origin, kind).
        method: the method named in the preflights.
    """

    url: str
    allowed_origins: tuple[str, ...]
    foreign_origin: str
    answers: tuple[CorsAnswer, ...]
    method: str = "GET"


@gatherer("cors", needs=("base_url", "cors_allowed_origins"))
def gather_cors(ctx: Context) -> CorsReport:
    """Send the preflight and simple request of every origin of the matrix."""
    from pytest_biothings_ready.evidence.transport import http_client

    env = ctx.env
    path = env.get("cors.path") or env.get("health_path")
    url = str(env.get("base_url")).rstrip("/") + str(path)
    allowed = tuple(str(o) for o in env.require("cors_allowed_origins"))
    foreign = str(env.get("cors.foreign_origin"))
    method = str(env.get("cors.method")).upper()
    with http_client(env) as client:
        answers = tuple(
            _ask(client, url, origin, kind, method)
            for origin in (*allowed, foreign, NULL_ORIGIN)
            for kind in ("preflight", "simple")
        )
    return CorsReport(url, allowed, foreign, answers, method)


def _ask(client: httpx.Client, url: str, origin: str, kind: str, method: str) -> CorsAnswer:
    import httpx

    headers = {"Origin": origin}
    if kind == "preflight":
        headers["Access-Control-Request-Method"] = method
    verb = "OPTIONS" if kind == "preflight" else "GET"
    try:
        response = client.request(verb, url, headers=headers)
    except httpx.HTTPError as exc:
        raise ProbeError(f"{verb} {url} (Origin {origin}): {type(exc).__name__}: {exc}") from None
    credentials = response.headers.get("access-control-allow-credentials", "")
    return CorsAnswer(
        origin,
        kind,
        response.status_code,
        response.headers.get("access-control-allow-origin"),
        credentials.strip().lower() == "true",
        response.headers.get("access-control-allow-methods"),
    )


def judge_cors(report: CorsReport) -> list[str]:
    """Every problem of the matrix, as auditor-readable phrases (empty: compliant)."""
    problems: list[str] = []
    for answer in report.answers:
        label = f"{answer.kind} from {answer.origin}"
        if answer.allow_origin == "*" and answer.allow_credentials:
            problems.append(f"{label}: Access-Control-Allow-Origin * with credentials")
        if answer.origin in report.allowed_origins:
            problems.extend(_allowed_problems(answer, label, report.method))
        elif answer.allowed:
            problems.append(f"{label}: allowed (Access-Control-Allow-Origin {answer.allow_origin})")
    return problems


def _allowed_problems(answer: CorsAnswer, label: str, method: str) -> list[str]:
    if answer.allow_origin != answer.origin and answer.allow_origin != "*":
        seen = answer.allow_origin or "no Access-Control-Allow-Origin"
        return [f"{label}: not allowed ({seen})"]
    if answer.kind != "preflight":
        return []
    if not 200 <= answer.status < 300:
        return [f"{label}: preflight for {method} answered {answer.status}, browsers require 2xx"]
    methods = {m.strip().upper() for m in (answer.allow_methods or "").split(",")}
    # GET, HEAD and POST are CORS-safelisted: browsers need no Allow-Methods for them.
    if method not in {"GET", "HEAD", "POST", "*"} and not methods & {method, "*"}:
        return [f"{label}: {method} missing from Access-Control-Allow-Methods"]
    return []


@check("CORS is properly configured for production domains", uses=("cors",))
def cors_is_restricted(ctx: Context) -> Verdict:
    """CORS allows exactly the configured origins: never any origin, null, or * with credentials.

    Each origin in ``cors_allowed_origins`` must get its own (or ``*``)
    Access-Control-Allow-Origin on a preflight (2xx) and on a simple GET; a foreign
    origin and the ``null`` origin must not be allowed; ``*`` must never come with
    ``Access-Control-Allow-Credentials: true``.
    """
    report: CorsReport = ctx.evidence("cors")
    problems = judge_cors(report)
    where = f"on {report.url}"
    if problems:
        return Verdict.failed(f"CORS {where}: " + "; ".join(problems) + ".")
    credentials = any(
        a.allow_credentials for a in report.answers if a.origin in report.allowed_origins
    )
    return Verdict.passed(
        f"CORS {where}: preflight and GET allowed for {', '.join(report.allowed_origins)}"
        f"{' with credentials' if credentials else ''}; {report.foreign_origin} and the "
        "null origin were not allowed."
    )
