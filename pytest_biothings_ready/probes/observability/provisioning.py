"""Grafana dashboard provisioning files: the folders their providers load.

A ``monitoring.dashboards`` entry ending in ``.yml``/``.yaml`` is a provisioning file
(``providers: [{type: file, options: {path: ...}}]``).  A provider's path is the path
inside the Grafana container (``/var/lib/grafana/dashboards``); in a repository the
folder is found as its longest trailing part that exists next to the provisioning
file or under the environment's root
(``grafana/dashboards``).  A provider whose folder cannot be found is an error naming
it: what Grafana mounts there cannot be seen from the repository.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from pytest_biothings_ready.errors import ProbeError

__all__ = ["is_provisioning", "provider_folders"]


def is_provisioning(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in (".yml", ".yaml")


def provider_folders(path: Path, root: Path) -> list[Path]:
    """The dashboard folders of the file providers in provisioning file ``path``."""
    from pytest_biothings_ready.probes.observability.rules import load_yaml

    content = load_yaml(path)
    providers = content.get("providers") if isinstance(content, dict) else None
    if not isinstance(providers, list):
        raise ProbeError(f"{path} is not a Grafana dashboard provisioning file (no providers)")
    folders = []
    for provider in (p for p in providers if isinstance(p, dict)):
        if provider.get("type", "file") != "file":
            continue
        folders.append(_folder(path, root, provider))
    return folders


def _folder(path: Path, root: Path, provider: dict[str, Any]) -> Path:
    options = provider.get("options")
    declared = str(options.get("path") or "") if isinstance(options, dict) else ""
    if not declared:
        raise ProbeError(f"{path}: provider {provider.get('name')!r} has no options.path")
    parts = [p for p in PurePosixPath(declared).parts if p not in ("/", ".", "..")]
    for start in range(len(parts)):
        for base in (path.parent, root):
            if (base / Path(*parts[start:])).is_dir():
                return base / Path(*parts[start:])
    raise ProbeError(
        f"{path}: provider {provider.get('name')!r} loads {declared}, which is not found "
        "in the repository; name the dashboard folder in `monitoring.dashboards`"
    )
