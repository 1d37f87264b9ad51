"""Health, smoke requests, user journeys, the frontend, API caching and CDN headers.

- ``health``: ``base_url`` + ``health_path`` and every ``health.urls`` entry must
  answer 2xx within ``health.max_ms``.
- ``smoke`` and ``journeys``: the ``[[env.NAME.smoke]]`` requests and the
  ``[[env.NAME.journey]]`` step lists (see :mod:`._flows` below).  A journey with
  ``covers = ["<checklist line>"]`` is the evidence for that line (*Agent
  communication tested*, *Experiment workflows functioning*, *LLM integration working*).
- ``frontend``: ``frontend_url`` answers HTML whose scripts and stylesheets load.
- ``api-caching``: ``caching.paths`` answer GET with Cache-Control and a validator
  (ETag or Last-Modified), and the conditional request is answered 304.
- ``cdn``: static assets (``cdn.asset_urls``, default the frontend's) carry a
  long-lived public Cache-Control and a header a CDN adds (``cdn.headers``).

A journey is an ordered list of steps; a step's ``extract = { token = "access_token" }``
stores a field of its JSON answer (dotted path, list indexes as numbers) and later
steps use it as ``{{token}}`` in their path, header values and JSON strings.  (Not
``${token}``: that syntax is the config loader's process-environment interpolation.)
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from pytest_biothings_ready.config.schema import Key, register
from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.model import Status, Verdict
from pytest_biothings_ready.probes.base import Context, check, gatherer, normalize_title
from pytest_biothings_ready.probes.http import fetch

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = [
    "AssetAnswer",
    "CachingAnswer",
    "FlowResult",
    "FrontendReport",
    "HealthAnswer",
    "StepResult",
]

_STEP_FIELDS = (
    Key("name", "str", "Label shown in evidence."),
    Key("method", "str", "HTTP method.", "GET"),
    Key("path", "str", "Path below base_url; may use {{name}}."),
    Key("headers", "map", "Request headers; values may use {{name}}.", values="str"),
    Key("json", "any", "JSON request body; strings may use {{name}}."),
    Key("expect_status", "int", "Expected status.", 200),
    Key("expect_json", "map", "Expected JSON fields (dotted paths).", values="any"),
    Key("extract", "map", "Values to keep: name = dotted path in the JSON answer.", values="str"),
)
register(
    Key(
        "health.urls",
        "list",
        "Health URLs of the other services (All services responding to health checks).",
        values="url",
        family="web",
    ),
    Key(
        "health.max_ms",
        "float",
        "Slowest acceptable health answer, milliseconds.",
        2000.0,
        family="web",
    ),
    Key(
        "journey",
        "table",
        "User journeys ([[env.NAME.journey]]): ordered steps.",
        family="web",
        fields=(
            Key("name", "str", "Label shown in evidence."),
            Key("covers", "list", "Checklist lines this journey evidences.", values="str"),
            Key("steps", "table", "The requests, in order.", fields=_STEP_FIELDS),
        ),
    ),
    Key("frontend_url", "url", "The frontend page (HTML) whose assets must load.", family="web"),
    Key(
        "caching.paths",
        "list",
        "GET API paths that must be cacheable (ETag + 304).",
        values="str",
        family="web",
    ),
    Key(
        "cdn.asset_urls",
        "list",
        "Static asset URLs; default: the frontend's scripts and stylesheets.",
        values="url",
        family="web",
    ),
    Key(
        "cdn.min_max_age",
        "int",
        "Shortest acceptable asset max-age, seconds.",
        604800,
        family="web",
    ),
    Key(
        "cdn.headers",
        "list",
        "Response headers that show a CDN served the asset.",
        [
            "X-Cache",
            "CF-Cache-Status",
            "X-Served-By",
            "X-Amz-Cf-Id",
            "Akamai-Cache-Status",
            "X-CDN",
            "CDN-Cache-Control",
            "Via",
            "Age",
        ],
        values="str",
        family="web",
    ),
)

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


# ---------------------------------------------------------------- health


@dataclass(frozen=True)
class HealthAnswer:
    """One health endpoint's answer.

    Attributes:
        url: the health URL.
        status: the HTTP status (None when it could not be asked).
        elapsed_ms: time to the answer, milliseconds.
        error: why it could not be asked (unreachable, timeout...), else None.
    """

    url: str
    status: int | None
    elapsed_ms: float
    error: str | None = None

    def problem(self, max_ms: float) -> str | None:
        """Why this answer is not healthy; None when it is (or was not observed)."""
        if self.status is None:
            return None
        if not 200 <= self.status < 300:
            return f"{self.url} answered {self.status}; required 2xx"
        if self.elapsed_ms > max_ms:
            return f"{self.url} took {self.elapsed_ms:.0f} ms > {max_ms:g} ms"
        return None


def _below_base(env: Environment, path: str) -> str:
    return str(env.require("base_url")).rstrip("/") + "/" + path.lstrip("/")


def _ask_health(env: Environment, client: httpx.Client, url: str) -> HealthAnswer:
    started = time.perf_counter()
    try:
        status = fetch(client, "GET", url, env).status_code
    except ProbeError as exc:
        return HealthAnswer(url, None, 0.0, str(exc))
    return HealthAnswer(url, status, (time.perf_counter() - started) * 1000)


@gatherer("health", needs=("base_url",))
def gather_health(ctx: Context) -> tuple[HealthAnswer, ...]:
    """Ask every health URL once, the service's own first."""
    from pytest_biothings_ready.probes.transport import http_client

    main = _below_base(ctx.env, str(ctx.env.get("health_path")))
    urls = dict.fromkeys([main, *(str(u) for u in ctx.env.get("health.urls") or [])])
    with http_client(ctx.env) as client:
        return tuple(_ask_health(ctx.env, client, url) for url in urls)


def _judge_health(answers: tuple[HealthAnswer, ...], max_ms: float) -> Verdict:
    problems = [p for a in answers if (p := a.problem(max_ms))]
    errors = [a.error for a in answers if a.error]
    if problems:
        return Verdict.failed("; ".join(problems + errors) + ".")
    if errors:
        return Verdict.error("could not probe: " + "; ".join(errors))
    seen = ", ".join(f"{a.url} -> {a.status} in {a.elapsed_ms:.0f} ms" for a in answers)
    return Verdict.passed(f"{seen} (required: 2xx within {max_ms:g} ms).")


@check("Health checks passing", uses=("health",), smoke=True)
def health_checks_passing(ctx: Context) -> Verdict:
    """The service's health endpoint (base_url + health_path) answers 2xx within health.max_ms."""
    answers: tuple[HealthAnswer, ...] = ctx.evidence("health")
    return _judge_health(answers[:1], float(ctx.env.get("health.max_ms")))


@check("All services responding to health checks", uses=("health",))
def all_services_healthy(ctx: Context) -> Verdict:
    """Every health endpoint (the service's and each of health.urls) answers 2xx in time."""
    answers: tuple[HealthAnswer, ...] = ctx.evidence("health")
    verdict = _judge_health(answers, float(ctx.env.get("health.max_ms")))
    if verdict.status is Status.PASSED and len(answers) == 1:
        note = " Only the main service is configured; list the others in health.urls."
        return Verdict.passed(verdict.evidence + note)
    return verdict


# ---------------------------------------------------------------- smoke and journeys


@dataclass(frozen=True)
class StepResult:
    """One request of a smoke entry or journey.

    Attributes:
        name: the step's label.
        method: the HTTP method.
        path: the path as configured (before ``{{name}}`` substitution).
        status: the HTTP status (None when not asked).
        failure: how the answer differs from the expectation, else None.
        error: why the request could not be made, else None.
    """

    name: str
    method: str
    path: str
    status: int | None
    failure: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class FlowResult:
    """A smoke request or a journey: its steps, up to the first that went wrong.

    Attributes:
        kind: ``smoke`` or ``journey``.
        name: its label.
        covers: the checklist lines it evidences.
        steps: the steps run.
    """

    kind: str
    name: str
    covers: tuple[str, ...]
    steps: tuple[StepResult, ...]

    @property
    def failure(self) -> str | None:
        return next((f"{s.name}: {s.failure}" for s in self.steps if s.failure), None)

    @property
    def error(self) -> str | None:
        return next((f"{s.name}: {s.error}" for s in self.steps if s.error), None)

    def summary(self) -> str:
        if self.failure or self.error:
            return f"{self.kind} {self.name!r} {self.failure or self.error}"
        done = ", ".join(f"{s.method} {s.path} -> {s.status}" for s in self.steps)
        return f"{self.kind} {self.name!r} ({done})"


def dig(data: Any, dotted: str) -> Any:
    """The value at a dotted path (``models.0.name``); raises KeyError when absent."""
    node = data
    for part in dotted.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(dotted)
    return node


def substitute(value: Any, variables: dict[str, str]) -> Any:
    """``value`` with every ``{{name}}`` in its strings replaced; KeyError if unknown."""
    if isinstance(value, str):
        return _VARIABLE.sub(lambda m: variables[m.group(1)], value)
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    return value


def _short(value: Any) -> str:
    """A value for evidence: its repr, cut short (answers can be long or sensitive)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _expectation_problem(step: dict[str, Any], reply: httpx.Response) -> str | None:
    wanted = int(step.get("expect_status", 200))
    if reply.status_code != wanted:
        return f"answered {reply.status_code}; expected {wanted}"
    if not step.get("expect_json"):
        return None
    try:
        body = reply.json()
    except ValueError:
        return "answered a body that is not JSON; expected JSON fields"
    for path, expected in step["expect_json"].items():
        try:
            seen = dig(body, path)
        except KeyError:
            return f"JSON has no field {path!r}; expected {expected!r}"
        if seen != expected:
            return f"JSON field {path!r} is {_short(seen)}; expected {expected!r}"
    return None


def _extract(step: dict[str, Any], reply: httpx.Response, variables: dict[str, str]) -> None:
    for name, path in (step.get("extract") or {}).items():
        try:
            variables[name] = str(dig(reply.json(), str(path)))
        except (KeyError, ValueError):
            raise KeyError(f"cannot extract {name} from {path!r} of the answer") from None


def _run_step(
    env: Environment, client: httpx.Client, step: dict[str, Any], variables: dict[str, str]
) -> StepResult:
    method = str(step.get("method", "GET")).upper()
    path = str(step.get("path", "/"))
    result = StepResult(str(step.get("name") or path), method, path, None)
    try:
        options = {"headers": substitute(step.get("headers") or {}, variables)}
        if "json" in step:
            options["json"] = substitute(step["json"], variables)
        url = _below_base(env, substitute(path, variables))
    except KeyError as exc:
        return _replace(
            result, failure=f"uses {{{{{exc.args[0]}}}}}, which no earlier step extracted"
        )
    try:
        reply = fetch(client, method, url, env, **options)
    except ProbeError as exc:
        return _replace(result, error=str(exc))
    try:
        failure = _expectation_problem(step, reply)
        if failure is None:
            _extract(step, reply, variables)
    except KeyError as exc:
        failure = str(exc.args[0])
    return _replace(result, status=reply.status_code, failure=failure)


def _replace(result: StepResult, **changes: Any) -> StepResult:
    from dataclasses import replace

    return replace(result, **changes)


def _run_flow(
    env: Environment, kind: str, entry: dict[str, Any], steps: list[dict[str, Any]]
) -> FlowResult:
    from pytest_biothings_ready.probes.transport import http_client

    variables: dict[str, str] = {}
    done: list[StepResult] = []
    with http_client(env) as client:
        for step in steps:
            done.append(_run_step(env, client, step, variables))
            if done[-1].failure or done[-1].error:
                break
    if not steps:
        done.append(StepResult("(no steps)", "-", "-", None, failure="has no steps"))
    name = str(entry.get("name") or (steps[0].get("path") if steps else "unnamed"))
    return FlowResult(kind, name, tuple(str(c) for c in entry.get("covers") or ()), tuple(done))


@gatherer("smoke")
def gather_smoke(ctx: Context) -> tuple[FlowResult, ...]:
    """Run every ``[[smoke]]`` request once (none configured: an empty tuple)."""
    entries = ctx.env.get("smoke") or []
    return tuple(_run_flow(ctx.env, "smoke", e, [e]) for e in entries)


@gatherer("journeys")
def gather_journeys(ctx: Context) -> tuple[FlowResult, ...]:
    """Run every ``[[journey]]`` once, steps in order (none configured: empty)."""
    entries = ctx.env.get("journey") or []
    return tuple(_run_flow(ctx.env, "journey", e, list(e.get("steps") or [])) for e in entries)


def _flows_verdict(flows: tuple[FlowResult, ...], what: str) -> Verdict:
    failed = [f for f in flows if f.failure]
    text = "; ".join(f.summary() for f in flows)
    if failed:
        return Verdict.failed(f"{len(failed)} of {len(flows)} {what} failed: {text}.")
    if any(f.error for f in flows):
        return Verdict.error(f"could not probe: {text}.")
    return Verdict.passed(f"all {len(flows)} {what} answered as expected: {text}.")


@check("Smoke tests passed", uses=("smoke",), needs=("smoke",), smoke=True)
def smoke_tests_passed(ctx: Context) -> Verdict:
    """Every [[smoke]] request answers the expected status and JSON fields."""
    return _flows_verdict(ctx.evidence("smoke"), "smoke requests")


@check("API endpoints tested", uses=("smoke", "journeys"))
def api_endpoints_tested(ctx: Context) -> Verdict:
    """Every [[smoke]] request and [[journey]] step answers as expected (at least one)."""
    flows: tuple[FlowResult, ...] = (*ctx.evidence("smoke"), *ctx.evidence("journeys"))
    if not flows:
        raise NotConfigured("smoke", ctx.env.name, "or [[journey]] entries to test")
    endpoints = {(s.method, s.path) for f in flows for s in f.steps}
    verdict = _flows_verdict(flows, "smoke requests and journeys")
    return Verdict(verdict.status, f"{len(endpoints)} endpoints; {verdict.evidence}")


@check("Critical user journeys tested", uses=("journeys",), needs=("journey",))
def journeys_tested(ctx: Context) -> Verdict:
    """Every [[journey]] runs to its end, each step answering as expected."""
    return _flows_verdict(ctx.evidence("journeys"), "journeys")


@check(
    "Agent communication tested",
    "Experiment workflows functioning",
    "LLM integration working",
    uses=("smoke", "journeys"),
)
def covered_line(ctx: Context) -> Verdict:
    """The journeys (and smoke requests) naming this line in `covers` all pass; none: unverified."""
    title = ctx.item.title if ctx.item else ""
    flows = tuple(
        f
        for f in (*ctx.evidence("smoke"), *ctx.evidence("journeys"))
        if normalize_title(title) in {normalize_title(c) for c in f.covers}
    )
    if not flows:
        raise NotConfigured("journey", ctx.env.name, f'add a [[journey]] with covers = ["{title}"]')
    return _flows_verdict(flows, "journeys covering this line")


# ---------------------------------------------------------------- frontend and assets


@dataclass(frozen=True)
class AssetAnswer:
    """One static asset's answer.

    Attributes:
        url: the asset URL.
        status: the HTTP status (None when it could not be fetched).
        cache_control: its ``Cache-Control`` header.
        cdn_headers: the CDN headers present, as ``name: value``.
        error: why it could not be fetched, else None.
    """

    url: str
    status: int | None
    cache_control: str | None
    cdn_headers: tuple[str, ...]
    error: str | None = None


@dataclass(frozen=True)
class FrontendReport:
    """The frontend page and the assets it references.

    Attributes:
        url: ``frontend_url``.
        status: the page's HTTP status.
        content_type: the page's ``Content-Type``.
        assets: every in-scope script and stylesheet, fetched.
        skipped: referenced assets on hosts outside the environment (not fetched).
    """

    url: str
    status: int
    content_type: str
    assets: tuple[AssetAnswer, ...]
    skipped: tuple[str, ...]


def asset_links(html: str) -> list[str]:
    """The ``<script src>`` and ``<link rel="stylesheet" href>`` references of a page."""
    from html.parser import HTMLParser

    links: list[str] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            rel = (found.get("rel") or "").lower().split()
            if tag == "script" and found.get("src"):
                links.append(str(found["src"]))
            elif tag == "link" and "stylesheet" in rel and found.get("href"):
                links.append(str(found["href"]))

    Collector().feed(html)
    return links


def _fetch_asset(env: Environment, client: httpx.Client, url: str) -> AssetAnswer:
    try:
        reply = fetch(client, "GET", url, env)
    except ProbeError as exc:
        return AssetAnswer(url, None, None, (), str(exc))
    wanted = {str(h).lower() for h in env.get("cdn.headers") or []}
    cdn = tuple(f"{k}: {v}" for k, v in reply.headers.items() if k.lower() in wanted)
    return AssetAnswer(url, reply.status_code, reply.headers.get("cache-control"), cdn)


@gatherer("frontend", needs=("frontend_url",))
def gather_frontend(ctx: Context) -> FrontendReport:
    """Load ``frontend_url`` and every script and stylesheet it references."""
    from pytest_biothings_ready.probes.transport import http_client

    env, url = ctx.env, str(ctx.env.require("frontend_url"))
    with http_client(env) as client:
        page = fetch(client, "GET", url, env)
        links = list(dict.fromkeys(urljoin(url, link) for link in asset_links(page.text)))
        assets = tuple(_fetch_asset(env, client, a) for a in links if env.in_scope(a))
    skipped = tuple(a for a in links if not env.in_scope(a))
    return FrontendReport(
        url, page.status_code, page.headers.get("content-type", ""), assets, skipped
    )


def _frontend_problems(report: FrontendReport) -> list[str]:
    problems = []
    if report.status != 200 or "html" not in report.content_type.lower():
        problems.append(
            f"{report.url} answered {report.status} "
            f"{report.content_type or 'without Content-Type'}; required 200 HTML"
        )
    problems += [
        f"{a.url} answered {a.status}"
        for a in report.assets
        if a.status is not None and a.status != 200
    ]
    return problems


@check("Frontend loading correctly", uses=("frontend",), needs=("frontend_url",))
def frontend_loading(ctx: Context) -> Verdict:
    """frontend_url answers 200 HTML, and every script and stylesheet it references loads."""
    report: FrontendReport = ctx.evidence("frontend")
    if problems := _frontend_problems(report):
        return Verdict.failed("; ".join(problems) + ".")
    if errors := [f"{a.url}: {a.error}" for a in report.assets if a.error]:
        return Verdict.error("could not probe: " + "; ".join(errors))
    if report.skipped:
        raise NotConfigured(
            "hosts",
            ctx.env.name,
            "the frontend loads assets from hosts "
            f"outside the environment: {', '.join(report.skipped)}",
        )
    loaded = ", ".join(f"{a.url} ({a.status})" for a in report.assets) or "none referenced"
    return Verdict.passed(
        f"{report.url} answered 200 {report.content_type}; "
        f"{len(report.assets)} assets loaded: {loaded}."
    )


@gatherer("cdn")
def gather_cdn(ctx: Context) -> tuple[AssetAnswer, ...]:
    """Fetch ``cdn.asset_urls``, or reuse the assets the frontend probe fetched."""
    from pytest_biothings_ready.probes.transport import http_client

    urls = [str(u) for u in ctx.env.get("cdn.asset_urls") or []]
    if not urls:
        if not ctx.env.get("frontend_url"):
            raise NotConfigured("cdn.asset_urls", ctx.env.name, "or frontend_url")
        report: FrontendReport = ctx.evidence("frontend")
        return report.assets
    with http_client(ctx.env) as client:
        return tuple(_fetch_asset(ctx.env, client, url) for url in urls)


def _max_age(cache_control: str | None) -> int | None:
    match = re.search(r"(?:s-maxage|max-age)\s*=\s*(\d+)", cache_control or "", re.I)
    return int(match.group(1)) if match else None


def _cdn_problem(asset: AssetAnswer, minimum: int) -> str | None:
    directives = (asset.cache_control or "").lower()
    age = _max_age(asset.cache_control)
    if asset.status != 200:
        return f"{asset.url} answered {asset.status}"
    if age is None or age < minimum or "private" in directives or "no-store" in directives:
        return f"{asset.url} Cache-Control {asset.cache_control!r}"
    if not asset.cdn_headers:
        return f"{asset.url} carries no CDN header"
    return None


@check("CDN configured for static assets", uses=("cdn",))
def cdn_configured(ctx: Context) -> Verdict:
    """Static assets carry a long-lived public Cache-Control and a header a CDN adds."""
    assets: tuple[AssetAnswer, ...] = ctx.evidence("cdn")
    minimum = int(ctx.env.get("cdn.min_max_age"))
    if not assets:
        raise NotConfigured("cdn.asset_urls", ctx.env.name, "the frontend references none")
    if errors := [f"{a.url}: {a.error}" for a in assets if a.error]:
        return Verdict.error("could not probe: " + "; ".join(errors))
    problems = [p for a in assets if (p := _cdn_problem(a, minimum))]
    seen = "; ".join(
        f"{a.url}: {a.cache_control}, {', '.join(a.cdn_headers) or 'no CDN header'}" for a in assets
    )
    if problems:
        return Verdict.failed(
            "; ".join(problems) + f". Required: public max-age >= "
            f"{minimum} s and a CDN header ({', '.join(ctx.env.get('cdn.headers'))})."
        )
    return Verdict.passed(f"{seen} (required: public max-age >= {minimum} s and a CDN header).")


# ---------------------------------------------------------------- API caching


@dataclass(frozen=True)
class CachingAnswer:
    """A GET and its conditional repeat.

    Attributes:
        url: the API URL.
        status: status of the first GET.
        cache_control: its ``Cache-Control``.
        validator: the ``If-None-Match``/``If-Modified-Since`` header sent, or None.
        conditional_status: status of the conditional GET (None when not sent).
    """

    url: str
    status: int
    cache_control: str | None
    validator: str | None
    conditional_status: int | None

    def problem(self) -> str | None:
        """Why this answer does not show caching; None when it does."""
        if self.status != 200:
            return f"{self.url} answered {self.status}; required 200"
        if not self.cache_control or "no-store" in self.cache_control.lower():
            return f"{self.url} Cache-Control {self.cache_control!r} does not allow caching"
        if self.validator is None:
            return f"{self.url} sends neither ETag nor Last-Modified"
        if self.conditional_status != 304:
            return (
                f"{self.url} answered {self.conditional_status} to {self.validator}; required 304"
            )
        return None


def _ask_cached(env: Environment, client: httpx.Client, url: str) -> CachingAnswer:
    first = fetch(client, "GET", url, env)
    etag, modified = first.headers.get("etag"), first.headers.get("last-modified")
    header = ("If-None-Match", etag) if etag else ("If-Modified-Since", modified)
    if header[1] is None or first.status_code != 200:
        return CachingAnswer(url, first.status_code, first.headers.get("cache-control"), None, None)
    again = fetch(client, "GET", url, env, headers={header[0]: header[1]})
    return CachingAnswer(
        url,
        first.status_code,
        first.headers.get("cache-control"),
        f"{header[0]}: {header[1]}",
        again.status_code,
    )


@gatherer("api-caching", needs=("caching.paths",))
def gather_caching(ctx: Context) -> tuple[CachingAnswer, ...]:
    """GET each ``caching.paths`` entry, then repeat it with its validator."""
    from pytest_biothings_ready.probes.transport import http_client

    with http_client(ctx.env) as client:
        return tuple(
            _ask_cached(ctx.env, client, _below_base(ctx.env, str(p)))
            for p in ctx.env.require("caching.paths")
        )


@check("API response caching implemented", uses=("api-caching",), needs=("caching.paths",))
def api_caching(ctx: Context) -> Verdict:
    """GET API responses carry Cache-Control and an ETag/Last-Modified, and revalidate with 304."""
    answers: tuple[CachingAnswer, ...] = ctx.evidence("api-caching")
    seen = "; ".join(
        f"{a.url}: Cache-Control {a.cache_control!r}, {a.validator or 'no validator'}"
        f" -> {a.conditional_status}"
        for a in answers
    )
    if problems := [p for a in answers if (p := a.problem())]:
        return Verdict.failed("; ".join(problems) + f". Observed: {seen}.")
    return Verdict.passed(f"{seen} (required: Cache-Control, a validator and 304).")
