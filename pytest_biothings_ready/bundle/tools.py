"""Versions of the plugin and of the external tools a run used, for the bundle.

A tool counts as used when a check of the run relied on a gatherer of a family that
invokes it (:data:`TOOLS`).  Its version is asked with its own version flag, all
tools concurrently, each bounded by :data:`TIMEOUT_S`; locust is a library here, so
its installed distribution's version is read instead of importing it.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from typing import Any

from pytest_biothings_ready._version import __version__

__all__ = ["TIMEOUT_S", "TOOLS", "tool_versions"]

TIMEOUT_S = 3.0
# tool -> (its version command, module fragments of the gatherers that run it)
TOOLS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "promtool": (("promtool", "--version"), ("probes.observability",)),
    "amtool": (("amtool", "--version"), ("probes.observability",)),
    "nginx": (("nginx", "-v"), ("probes.static", "probes.web")),
    "locust": ((), ("probes.load",)),
}


def _dist(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def _ask(command: tuple[str, ...]) -> dict[str, Any]:
    binary = shutil.which(command[0]) or shutil.which(command[0], path="/usr/sbin:/usr/bin")
    if binary is None:
        return {"used": True, "version": None, "note": f"{command[0]} not found on PATH"}
    try:
        done = subprocess.run(
            [binary, *command[1:]], capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"used": True, "version": None, "note": f"{' '.join(command)}: {exc}"}
    text = (done.stdout + done.stderr).strip().splitlines()
    return {"used": True, "path": binary, "version": text[0] if text else None}


def tool_versions(modules_used: Iterable[str]) -> dict[str, Any]:
    """Plugin, Python, pytest and external tool versions; unused tools say so."""
    modules = set(modules_used)
    found: dict[str, Any] = {
        "pytest-biothings-ready": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "pytest": _dist("pytest"),
    }
    used = {
        name: command
        for name, (command, fragments) in TOOLS.items()
        if any(fragment in module for module in modules for fragment in fragments)
    }
    with ThreadPoolExecutor(max_workers=max(len(used), 1)) as pool:
        futures = {name: pool.submit(_ask, command) for name, command in used.items() if command}
        answers = {name: future.result() for name, future in futures.items()}
    for name in TOOLS:
        if name == "locust" and name in used:
            version = _dist("locust")
            found[name] = {"used": True, "version": version or None}
        elif name in answers:
            found[name] = answers[name]
        else:
            found[name] = {"used": False, "note": "no check of this run uses it"}
    return found
