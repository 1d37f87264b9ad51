"""Health endpoints: the service's own and every ``health.urls`` entry, body read.

An answer passes when it is 2xx within ``health.max_ms``, its body says healthy
(:mod:`.healthdoc`: a JSON document whose every status is up/ok/healthy/pass/green,
or plain text that is not a failure word; never an HTML page), and a path that
cannot exist (``/__ready_probe_<random>`` at the root and beside the health path)
does not answer the same document: when it does, a catch-all (an SPA fallback, a
wildcard route) answered and the health endpoint does not exist.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.evidence.registry import Context, check, gatherer
from pytest_biothings_ready.model import Status, Verdict
from pytest_biothings_ready.probes.http import fetch
from pytest_biothings_ready.probes.web.common import below_base
from pytest_biothings_ready.probes.web.healthdoc import HealthDoc, read_health, shape

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["HealthAnswer", "all_services_healthy", "gather_health", "health_checks_passing"]

DECOY_PREFIX = "__ready_probe_"


@dataclass(frozen=True)
class HealthAnswer:
    """One health endpoint's answer.

    Attributes:
        url: the health URL.
        status: the HTTP status (None when it could not be asked).
        elapsed_ms: time to the answer, milliseconds.
        error: why it could not be asked (unreachable, timeout...), else None.
        doc: what its body says (None when not asked).
        catch_all: a path that cannot exist that answered the same 2xx document.
    """

    url: str
    status: int | None
    elapsed_ms: float
    error: str | None = None
    doc: HealthDoc | None = None
    catch_all: str | None = None

    def problem(self, max_ms: float) -> str | None:
        """Why this answer is not healthy; None when it is (or was not observed)."""
        if self.status is None:
            return None
        if not 200 <= self.status < 300:
            return f"{self.url} answered {self.status}; required 2xx"
        if self.catch_all:
            return (
                f"{self.url} does not exist as a health endpoint: {self.catch_all}, a path that "
                "cannot exist, answered the same document (a catch-all route or SPA fallback)"
            )
        if self.doc is not None and (why := _doc_problem(self.doc)):
            return f"{self.url} {why}"
        if self.elapsed_ms > max_ms:
            return f"{self.url} took {self.elapsed_ms:.0f} ms > {max_ms:g} ms"
        return None

    def seen(self) -> str:
        read = f", {self.doc.read}" if self.doc else ""
        return f"{self.url} -> {self.status} in {self.elapsed_ms:.0f} ms{read}"


def _doc_problem(doc: HealthDoc) -> str | None:
    if doc.kind == "html":
        return f"answered {doc.read}, not a health document (JSON or text)"
    if doc.bad:
        return f"reports not healthy: {', '.join(doc.bad)} (read {doc.read})"
    return None


def decoys(url: str) -> list[str]:
    """Paths that cannot exist: at the root and beside the health path."""
    parts = urlsplit(url)
    token = DECOY_PREFIX + secrets.token_hex(6)
    parent = parts.path.rsplit("/", 1)[0]
    paths = dict.fromkeys([f"/{token}", f"{parent}/{token}"])
    return [f"{parts.scheme}://{parts.netloc}{p}" for p in paths]


def _catch_all(env: Environment, client: httpx.Client, url: str, body: bytes) -> str | None:
    """The first decoy that answers 2xx with the same document as ``url``."""
    expected = shape(body)
    for decoy in decoys(url):
        try:
            reply = fetch(client, "GET", decoy, env)
        except ProbeError:
            continue  # what matters is the health URL; a decoy may well hang up
        if 200 <= reply.status_code < 300 and shape(reply.content) == expected:
            return f"{urlsplit(decoy).path} ({reply.status_code})"
    return None


def _ask_health(env: Environment, client: httpx.Client, url: str) -> HealthAnswer:
    started = time.perf_counter()
    try:
        reply = fetch(client, "GET", url, env)
    except ProbeError as exc:
        return HealthAnswer(url, None, 0.0, str(exc))
    elapsed = (time.perf_counter() - started) * 1000
    doc = read_health(reply.headers.get("content-type", ""), reply.content)
    ok = 200 <= reply.status_code < 300
    catch_all = _catch_all(env, client, url, reply.content) if ok else None
    return HealthAnswer(url, reply.status_code, elapsed, None, doc, catch_all)


@gatherer("health", needs=("base_url",))
def gather_health(ctx: Context) -> tuple[HealthAnswer, ...]:
    """Ask every health URL once (the service's own first), read it, try its decoys."""
    from pytest_biothings_ready.evidence.transport import http_client

    main = below_base(ctx.env, str(ctx.env.get("health_path")))
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
    seen = "; ".join(a.seen() for a in answers)
    return Verdict.passed(
        f"{seen} (required: 2xx within {max_ms:g} ms, a body that says healthy, and a "
        f"path that cannot exist not answering the same)."
    )


@check("Health checks passing", uses=("health",), smoke=True)
def health_checks_passing(ctx: Context) -> Verdict:
    """The service's health endpoint answers 2xx in time with a body that says healthy.

    base_url + health_path must answer within ``health.max_ms``; a JSON status
    (nested components too) must say up/ok/healthy/pass/green; HTML fails; a
    catch-all that answers the same document on any path fails.
    """
    answers: tuple[HealthAnswer, ...] = ctx.evidence("health")
    return _judge_health(answers[:1], float(ctx.env.get("health.max_ms")))


@check("All services responding to health checks", uses=("health",))
def all_services_healthy(ctx: Context) -> Verdict:
    """Every health endpoint (the service's and each of health.urls) passes the same test."""
    answers: tuple[HealthAnswer, ...] = ctx.evidence("health")
    verdict = _judge_health(answers, float(ctx.env.get("health.max_ms")))
    if verdict.status is Status.PASSED and len(answers) == 1:
        note = " Only the main service is configured; list the others in health.urls."
        return Verdict.passed(verdict.evidence + note)
    return verdict
