"""Static settings of the bundled demo deployment repository (``demo/repo/``).

``demo_static_settings()`` returns the ``[env.demo]`` keys of ``demo/repo/readiness.toml``
with every path made absolute, so the demo environment can merge them whatever the
config root is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["DEMO_REPO", "demo_static_settings"]

DEMO_REPO = Path(__file__).resolve().parents[2] / "demo" / "repo"
PATH_KEYS = (
    "dockerfiles",
    "compose_files",
    "manifests",
    "source_paths",
    "nginx_configs",
    "logrotate_configs",
    "scan_reports",
    "requirements_files",
)


def demo_static_settings() -> dict[str, Any]:
    """The demo repository's static settings, paths absolute (base_url left out)."""
    import tomllib

    table: dict[str, Any] = tomllib.loads((DEMO_REPO / "readiness.toml").read_text())
    settings = dict(table["env"]["demo"])
    settings.pop("base_url", None)
    for key in PATH_KEYS:
        if key in settings:
            settings[key] = [str(DEMO_REPO / value) for value in settings[key]]
    return settings
