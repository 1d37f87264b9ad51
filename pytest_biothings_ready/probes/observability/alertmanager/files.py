"""The alertmanager.yml inside the files repositories keep it in.

Besides a plain ``alertmanager.yml``, deployment repositories commit it inside a
Kubernetes ``Secret`` (``stringData`` or base64 ``data``, as kube-prometheus does) or a
``ConfigMap``, under a key ending in ``alertmanager.yaml``/``.yml``.  The embedded file
is judged, and checked by ``amtool`` from a scratch copy.  The Prometheus Operator's
``AlertmanagerConfig`` resource is another schema; it is an error that says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_biothings_ready.errors import ProbeError

__all__ = ["check_config_file", "embedded_config"]

Checker = Callable[..., "str | None"]
_SUFFIXES = ("alertmanager.yaml", "alertmanager.yml")


def embedded_config(source: str, content: Any) -> tuple[str, Any] | None:
    """(key, parsed config) of a Secret/ConfigMap carrying alertmanager.yml, else None."""
    import yaml

    if not isinstance(content, dict):
        return None
    if content.get("kind") == "AlertmanagerConfig":
        raise ProbeError(
            f"{source} is a Prometheus Operator AlertmanagerConfig resource, which is not "
            "judged; name the alertmanager.yml it is merged into (e.g. from the "
            "alertmanager-generated Secret)"
        )
    if content.get("kind") not in ("Secret", "ConfigMap"):
        return None
    for key, text in _entries(content):
        if key.endswith(_SUFFIXES):
            try:
                return key, yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise ProbeError(f"{source} ({key}) is not valid YAML: {exc}") from None
    return None


def _entries(content: dict[str, Any]) -> list[tuple[str, str]]:
    import base64
    import binascii

    found = [(str(k), str(v)) for k, v in _mapping(content.get("stringData")).items()]
    for key, value in _mapping(content.get("data")).items():
        text = str(value)
        if content.get("kind") == "Secret":
            try:
                text = base64.b64decode(text, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                continue
        found.append((str(key), text))
    return found


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def check_config_file(config: Any, amtool: Checker, shown: str) -> str | None:
    """amtool's complaint about ``config`` written to a scratch file, named ``shown``."""
    import tempfile

    import yaml

    with tempfile.TemporaryDirectory(prefix="ready-am-") as folder:
        scratch = Path(folder) / "alertmanager.yml"
        scratch.write_text(yaml.safe_dump(config), encoding="utf-8")
        complaint = amtool("check-config", str(scratch))
    return complaint.replace(str(scratch), shown) if complaint else None
