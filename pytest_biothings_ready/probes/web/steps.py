"""One step of a smoke request or journey: substitute, send, compare, extract."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.probes.http import fetch
from pytest_biothings_ready.probes.web.common import below_base
from pytest_biothings_ready.probes.web.errorbody import (
    html_error_page,
    json_error_envelope,
    problem_document,
)

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["StepResult", "dig", "run_step", "same_json", "substitute"]

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


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


def same_json(seen: Any, expected: Any) -> bool:
    """JSON equality: ``true`` is not ``1``, ``"1"`` is not ``1``; ``1`` equals ``1.0``."""
    if isinstance(seen, bool) or isinstance(expected, bool):
        return type(seen) is type(expected) and seen == expected
    if isinstance(seen, (int, float)) and isinstance(expected, (int, float)):
        return seen == expected
    if isinstance(seen, dict) and isinstance(expected, dict):
        return seen.keys() == expected.keys() and all(same_json(seen[k], expected[k]) for k in seen)
    if isinstance(seen, list) and isinstance(expected, list):
        return len(seen) == len(expected) and all(map(same_json, seen, expected))
    return type(seen) is type(expected) and bool(seen == expected)


def _json_body(reply: httpx.Response) -> Any:
    """The parsed body; ``_NOT_JSON`` when there is none or it is not JSON."""
    try:
        return reply.json()
    except ValueError:
        return _NOT_JSON


_NOT_JSON = object()


def _expectation_problem(step: dict[str, Any], reply: httpx.Response) -> str | None:
    wanted = int(step.get("expect_status", 200))
    if reply.status_code != wanted:
        return f"answered {reply.status_code}; expected {wanted}"
    expected_fields = dict(step.get("expect_json") or {})
    body = _json_body(reply) if reply.content else _NOT_JSON
    if 200 <= wanted < 300:
        named = frozenset(str(path).split(".")[0] for path in expected_fields)
        envelope = problem_document(reply.headers.get("content-type", ""))
        if envelope is None and body is not _NOT_JSON:
            envelope = json_error_envelope(body, named)
        elif envelope is None:
            envelope = html_error_page(reply.text)
        if envelope:
            return f"answered {reply.status_code} with an error document ({envelope})"
    if not expected_fields:
        return None
    if body is _NOT_JSON:
        return "answered a body that is not JSON; expected JSON fields"
    for path, expected in expected_fields.items():
        try:
            seen = dig(body, path)
        except KeyError:
            return f"JSON has no field {path!r}; expected {expected!r}"
        if not same_json(seen, expected):
            return f"JSON field {path!r} is {_short(seen)}; expected {expected!r}"
    return None


def _carried(value: Any) -> str | None:
    """``value`` as text for ``{{name}}``; None when it cannot identify anything."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def _extract(step: dict[str, Any], reply: httpx.Response, variables: dict[str, str]) -> None:
    for name, path in (step.get("extract") or {}).items():
        try:
            value = dig(reply.json(), str(path))
        except (KeyError, ValueError):
            raise KeyError(f"cannot extract {name} from {path!r} of the answer") from None
        text = _carried(value)
        if text is None:
            raise KeyError(
                f"extracted {name} from {path!r} is {_short(value)}, not a value to carry"
            )
        variables[name] = text


def run_step(
    env: Environment, client: httpx.Client, step: dict[str, Any], variables: dict[str, str]
) -> StepResult:
    method = str(step.get("method", "GET")).upper()
    path = str(step.get("path", "/"))
    result = StepResult(str(step.get("name") or path), method, path, None)
    try:
        options = {"headers": substitute(step.get("headers") or {}, variables)}
        if "json" in step:
            options["json"] = substitute(step["json"], variables)
        url = below_base(env, substitute(path, variables))
    except KeyError as exc:
        return _replace(
            result, failure=f"uses {{{{{exc.args[0]}}}}}, which no earlier step extracted"
        )
    try:
        reply = fetch(client, method, url, env, **options)
    except ProbeError as exc:
        return _replace(result, error=str(exc))
    try:
        failure = _expectation_problem(step, reply) or _catch_all(env, client, method, reply)
        if failure is None:
            _extract(step, reply, variables)
    except KeyError as exc:
        failure = str(exc.args[0])
    return _replace(result, status=reply.status_code, failure=failure)


def _catch_all(
    env: Environment, client: httpx.Client, method: str, reply: httpx.Response
) -> str | None:
    """For a GET below ``/`` answered 2xx with a body: the decoy beside the path that
    gets the very same bytes (a catch-all answering for a route it lacks: an SPA's
    ``index.html``, a stub's ``{"status": "ok"}``).  The decoy carries the step's
    headers, so a catch-all behind authentication is asked as the step was."""
    from pytest_biothings_ready.probes.web.health import decoys

    path = reply.request.url.path
    if method != "GET" or path in ("", "/") or not 200 <= reply.status_code < 300:
        return None
    if not reply.content.strip():
        return None
    decoy = decoys(str(reply.request.url))[-1]
    headers = {k: v for k, v in reply.request.headers.items() if k.lower() != "host"}
    try:
        other = fetch(client, "GET", decoy, env, headers=headers)
    except ProbeError:
        return None
    if 200 <= other.status_code < 300 and other.content == reply.content:
        return (
            f"answered exactly what a path that cannot exist answers "
            f"({other.request.url.path}: {other.status_code}): a catch-all, not this endpoint"
        )
    return None


def _replace(result: StepResult, **changes: Any) -> StepResult:
    from dataclasses import replace

    return replace(result, **changes)
