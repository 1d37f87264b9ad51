"""One step of a smoke request or journey: substitute, send, compare, extract."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError
from pytest_biothings_ready.probes.http import fetch
from pytest_biothings_ready.probes.web.common import below_base

if TYPE_CHECKING:
    import httpx

    from pytest_biothings_ready.config.environment import Environment

__all__ = ["StepResult", "dig", "run_step", "substitute"]

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
        failure = _expectation_problem(step, reply)
        if failure is None:
            _extract(step, reply, variables)
    except KeyError as exc:
        failure = str(exc.args[0])
    return _replace(result, status=reply.status_code, failure=failure)


def _replace(result: StepResult, **changes: Any) -> StepResult:
    from dataclasses import replace

    return replace(result, **changes)
