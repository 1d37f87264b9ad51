"""Which binaries an image has, for healthchecks: only families we know, else unknown.

A Dockerfile's package installs (``apk add``, ``apt-get install``...) add binaries.
"""

from __future__ import annotations

import re
from pathlib import Path

from pytest_biothings_ready.probes.repository.deploy import Service

__all__ = ["base_image", "has_binary", "image_healthcheck", "installed"]

_INSTALL = re.compile(
    r"(apk\s+add|apt-get\s+install|apt\s+install|yum\s+install|dnf\s+install|microdnf\s+install)[^\n&;|]*",
    re.I,
)


def _lines(dockerfile: Path | None) -> list[str]:
    if dockerfile is None:
        return []
    try:
        text = dockerfile.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return text.replace("\\\n", " ").splitlines()


def base_image(service: Service) -> str:
    """The image the service runs: ``image:`` unless built, then the final stage's base."""
    lines = _lines(service.dockerfile)
    if not lines:
        return service.image
    aliases: dict[str, str] = {}
    base = ""
    for line in lines:
        words = line.split()
        if len(words) >= 2 and words[0].upper() == "FROM":
            image = next((w for w in words[1:] if not w.startswith("--")), "")
            base = aliases.get(image.lower(), image)
            if len(words) >= 4 and words[-2].upper() == "AS":
                aliases[words[-1].lower()] = base
    return base


def installed(service: Service) -> str:
    """The package names the Dockerfile installs, as one lower-case string."""
    return " ".join(
        m.group(0) for ln in _lines(service.dockerfile) for m in _INSTALL.finditer(ln)
    ).lower()


def has_binary(image: str, binary: str) -> bool | None:
    """Whether ``image`` ships ``binary``; None when the image family is not known."""
    name = image.lower().split("@", 1)[0]
    repo, _, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "")
    family = repo.rsplit("/", 1)[-1]
    if "distroless" in name or family in ("scratch",) or "chainguard/static" in name:
        return False
    busybox = (
        family in ("alpine", "busybox")
        or "alpine" in tag
        or family in ("prometheus", "alertmanager", "node-exporter")
    )
    slim = tag.endswith("slim") or "-slim" in tag
    if binary == "curl":
        if busybox or slim:
            return False
        if family in (
            "node",
            "python",
            "golang",
            "ruby",
            "debian",
            "ubuntu",
            "openjdk",
            "eclipse-temurin",
        ):
            return True
    if binary == "wget":
        if busybox:
            return True
        if slim:
            return False
        if family in ("node", "python", "golang", "ruby", "debian", "buildpack-deps"):
            return True
    if binary in ("python", "python3") and family in ("node", "nginx", "alpine", "golang"):
        return False
    if binary in ("python", "python3") and family == "python":
        return True
    if binary == "node" and family in ("python", "nginx", "alpine", "golang"):
        return False
    return True if binary == "node" and family == "node" else None


def image_healthcheck(service: Service, shown: str) -> tuple[str, str]:
    """The final stage's ``HEALTHCHECK`` as a compose-style test, and ``file:line``.

    ``HEALTHCHECK CMD ["curl", ...]`` becomes ``CMD curl ...``; the shell form becomes
    ``CMD-SHELL ...``; ``HEALTHCHECK NONE`` or none at all gives ``("", "")``.
    """
    import json

    found = ("", "")
    for number, line in enumerate(_lines(service.dockerfile), 1):
        words = line.split()
        if words[:1] and words[0].upper() == "FROM":
            found = ("", "")  # a later stage does not inherit an earlier one's (by name)
        if not words or words[0].upper() != "HEALTHCHECK":
            continue
        rest = line.split(None, 1)[1] if len(words) > 1 else ""
        if " CMD " not in f" {rest} ":
            found = ("", "")
            continue
        command = rest.split("CMD", 1)[1].strip()
        try:
            parts = json.loads(command) if command.startswith("[") else None
        except ValueError:
            parts = None
        test = (
            "CMD " + " ".join(map(str, parts))
            if isinstance(parts, list)
            else "CMD-SHELL " + command
        )
        found = (test, f"{shown}:{number}")
    return found
