"""Build inputs named where rendered manifests belong: Helm charts and kustomizations.

A chart template (``name: {{ include "app.fullname" . }}``) is not YAML, or is YAML
that means something else (``{{ x }}`` reads as a nested flow mapping), and a
kustomization's patches, name prefixes and namespace change what is deployed.  Judging
either as it stands would be a guess, so each is an error that says how to render it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["helm_chart_of", "helm_message", "kustomize_message", "plain_kustomization"]

KUSTOMIZE_KINDS = frozenset({"Kustomization", "Component"})
# A kustomization with only these keys deploys its resources unchanged.
_PLAIN_KEYS = frozenset({"apiVersion", "kind", "metadata", "resources"})


def helm_chart_of(path: Path) -> Path | None:
    """The Helm chart ``path`` belongs to: its Chart.yaml, values file or a template."""
    if path.name == "Chart.yaml" or (
        path.name.startswith("values") and (path.parent / "Chart.yaml").is_file()
    ):
        return path.parent
    for folder in list(path.parents)[:3]:
        if folder.name == "templates" and (folder.parent / "Chart.yaml").is_file():
            return folder.parent
    return None


def helm_message(shown: str, chart: str | None) -> str:
    """How to render ``shown``: a Helm template, or a file of the chart ``chart``."""
    what = f"belongs to the Helm chart {chart}/" if chart else "is an unrendered Helm template"
    return (
        f"{shown} {what} ({{{{ ... }}}} templates, not manifests); render it with "
        f"`helm template RELEASE {chart or 'CHART'} -f VALUES > rendered.yaml` and name "
        "the output in `manifests`"
    )


def plain_kustomization(body: Mapping[str, Any]) -> bool:
    """Whether a kustomization only lists resources (nothing it deploys is altered)."""
    return str(body.get("kind")) == "Kustomization" and set(body) <= _PLAIN_KEYS


def kustomize_message(where: str, folder: str) -> str:
    """How to render the kustomization at ``where`` (in ``folder``)."""
    return (
        f"{where}: a kustomization (patches, namespace, name prefixes...) changes what is "
        f"deployed; render it with `kubectl kustomize {folder} > rendered.yaml` and name "
        "the output in `manifests`"
    )
