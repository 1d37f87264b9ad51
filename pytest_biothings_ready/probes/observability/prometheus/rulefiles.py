"""Rule groups out of the files real repositories keep them in.

Two shapes: a plain Prometheus rule file (``groups:`` at the top) and the Prometheus
Operator's ``PrometheusRule`` custom resource (``spec.groups``), possibly several in
one multi-document file.  ``promtool check rules`` reads only the first shape, so the
groups of each PrometheusRule are written to a scratch file for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_biothings_ready.errors import ProbeError

__all__ = ["check_rule_file", "load_yaml_all", "rule_groups"]

Checker = Callable[..., "str | None"]


def load_yaml_all(path: Path) -> list[Any]:
    """Every document of a YAML file (a BOM is fine); unreadable files are a ProbeError."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8-sig")
        return [d for d in yaml.safe_load_all(text) if d is not None]
    except (OSError, UnicodeDecodeError) as exc:
        raise ProbeError(f"cannot read {path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ProbeError(f"{path} is not valid YAML: {exc}") from None


def _is_custom_resource(doc: dict[str, Any]) -> bool:
    return doc.get("kind") == "PrometheusRule" or ("spec" in doc and "groups" not in doc)


def _groups_of(doc: Any) -> list[dict[str, Any]]:
    if not isinstance(doc, dict):
        return []
    spec = doc.get("spec") if _is_custom_resource(doc) else doc
    found = spec.get("groups") if isinstance(spec, dict) else None
    return [g for g in found if isinstance(g, dict)] if isinstance(found, list) else []


def rule_groups(documents: list[Any]) -> list[dict[str, Any]]:
    """The rule groups of a file's documents, plain or PrometheusRule."""
    return [group for doc in documents for group in _groups_of(doc)]


def check_rule_file(path: Path, documents: list[Any], promtool: Checker) -> list[str]:
    """promtool's complaints about the file (per PrometheusRule object for the CRD)."""
    resources = [d for d in documents if isinstance(d, dict) and _is_custom_resource(d)]
    if not resources:
        complaint = promtool("check", "rules", str(path))
        return [complaint] if complaint else []
    return [c for doc in resources if (c := _check_groups(path, doc, promtool))]


def _check_groups(path: Path, doc: dict[str, Any], promtool: Checker) -> str | None:
    import tempfile

    import yaml

    name = (
        doc.get("metadata", {}).get("name", "?") if isinstance(doc.get("metadata"), dict) else "?"
    )
    with tempfile.TemporaryDirectory(prefix="ready-rules-") as folder:
        scratch = Path(folder) / "rules.yml"
        scratch.write_text(yaml.safe_dump({"groups": _groups_of(doc)}), encoding="utf-8")
        complaint = promtool("check", "rules", str(scratch))
    if complaint is None:
        return None
    return complaint.replace(str(scratch), f"{path} (PrometheusRule {name}, spec.groups)")
