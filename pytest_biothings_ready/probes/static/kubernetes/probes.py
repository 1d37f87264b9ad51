"""Whether a health check can fail: probe handlers, ports and commands judged by value.

A probe that cannot fail (``{}``, exec ``true``, ``exit 0``, ``curl ... || true``) or
that targets a port its container does not declare is no health check.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from typing import Any

from pytest_biothings_ready.probes.static.manifests import Container

__all__ = [
    "compose_test_problem",
    "declares_port",
    "dockerfile_check_problem",
    "never_fails",
    "probe_problem",
]

HANDLERS = ("httpGet", "tcpSocket", "exec", "grpc")
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "busybox"})
TRIVIAL = frozenset({"true", "/bin/true", "/usr/bin/true", ":", "exit 0", "exit", "/bin/echo"})
_STATEMENTS = re.compile(r"[;\n]|(?<![&>])&(?![&>])")


def _trivial(command: str) -> bool:
    text = command.strip().strip("()").strip()
    first = text.split(" ", 1)[0]
    return text in TRIVIAL or first in {"echo", "printf", "/bin/echo", "sleep"} or not text


def script_never_fails(script: str, errexit: bool = False) -> bool:
    """Whether a shell script always exits 0 (its outcome masked by ``true``/``exit 0``)."""
    statements = [s.strip() for s in _STATEMENTS.split(script) if s.strip()]
    if not statements or statements[0] == "exit 0" or all(_trivial(s) for s in statements):
        return True
    errexit = errexit or any(re.match(r"set\s+-\w*e", s) for s in statements)
    last = statements[-1]
    if _trivial(last) and not errexit and len(statements) > 1:
        return True
    alternatives = last.split("||")
    return len(alternatives) > 1 and _trivial(alternatives[-1])


def never_fails(argv: list[str]) -> bool:
    """Whether an exec command (argv form) always succeeds."""
    words = [str(w) for w in argv]
    if not words:
        return True
    program = words[0].rsplit("/", 1)[-1]
    if program == "env" and len(words) > 1:
        return never_fails(words[1:])
    if program in SHELLS and len(words) >= 3 and words[1].startswith("-") and "c" in words[1]:
        return script_never_fails(words[2], errexit="e" in words[1])
    return _trivial(" ".join(words)) or program in {"true", "echo", "printf", "sleep"}


def declares_port(container: Mapping[str, Any], port: Any) -> bool:
    """Whether a container declares ``port`` (a port name or a number)."""
    ports = [p for p in container.get("ports") or [] if isinstance(p, Mapping)]
    text = str(port).strip()
    if text.isdigit():
        return any(str(p.get("containerPort")) == text for p in ports)
    return any(str(p.get("name")) == text for p in ports)


def probe_problem(container: Container, key: str) -> str | None:
    """Why ``container``'s ``key`` probe is no working check (None when it is one)."""
    probe = container.spec.get(key)
    if probe is None:
        return f"no {key}"
    handler = next((h for h in HANDLERS if isinstance(probe, Mapping) and h in probe), None)
    if handler is None:
        return f"{key} {json.dumps(probe) if isinstance(probe, Mapping) else probe} has no handler"
    body = probe[handler]
    if handler == "exec":
        command = body.get("command") if isinstance(body, Mapping) else None
        if not isinstance(command, list) or never_fails(command):
            return f"{key} exec {command} cannot fail"
        return None
    port = body.get("port") if isinstance(body, Mapping) else None
    if port is None or not declares_port(container.spec, port):
        return f"{key} {handler} targets port {port}, which the container does not declare"
    return None


def dockerfile_check_problem(value: str) -> str | None:
    """Why a Dockerfile ``HEALTHCHECK`` value is no working check (None when it is one)."""
    words = value.split()
    while words and words[0].startswith("--"):
        words.pop(0)
    if not words or words[0].upper() == "NONE":
        return "HEALTHCHECK NONE disables it"
    rest = value[value.upper().find("CMD") + 3 :].strip() if words[0].upper() == "CMD" else ""
    if rest.startswith("["):
        try:
            argv = [str(w) for w in json.loads(rest)]
        except ValueError:
            argv = shlex.split(rest)
        failing = not never_fails(argv)
    else:
        failing = not script_never_fails(rest)
    return None if failing else f"HEALTHCHECK CMD {rest} cannot fail"


def compose_test_problem(test: Any) -> str | None:
    """Why a compose ``healthcheck.test`` is no working check (None when it is one)."""
    if isinstance(test, str):
        return None if not script_never_fails(test) else f"healthcheck test {test!r} cannot fail"
    if not isinstance(test, list) or not test:
        return "healthcheck has no test"
    head = str(test[0]).upper()
    if head == "NONE":
        return "healthcheck test NONE disables it"
    if head == "CMD-SHELL":
        script = " ".join(str(t) for t in test[1:])
        return None if not script_never_fails(script) else f"healthcheck {test} cannot fail"
    argv = [str(t) for t in (test[1:] if head == "CMD" else test)]
    return None if not never_fails(argv) else f"healthcheck {test} cannot fail"
