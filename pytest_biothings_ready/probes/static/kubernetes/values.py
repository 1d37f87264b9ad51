"""Kubernetes label selectors and quantities, evaluated the way the API server does."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["matches", "quantity", "resolve_count"]

_MEMORY = {
    "Ki": 1024.0,
    "Mi": 1024.0**2,
    "Gi": 1024.0**3,
    "Ti": 1024.0**4,
    "Pi": 1024.0**5,
    "Ei": 1024.0**6,
    "n": 1e-9,
    "u": 1e-6,
    "m": 1e-3,
    "k": 1e3,
    "K": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "P": 1e15,
    "E": 1e18,
}


def matches(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    """Whether ``labels`` satisfy ``selector`` (matchLabels and matchExpressions)."""
    wanted = selector.get("matchLabels")
    for key, value in wanted.items() if isinstance(wanted, Mapping) else ():
        if str(labels.get(key)) != str(value) or key not in labels:
            return False
    for expr in selector.get("matchExpressions") or []:
        if not isinstance(expr, Mapping) or not _expression(expr, labels):
            return False
    return True


def _expression(expr: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    key, op = str(expr.get("key")), str(expr.get("operator"))
    values = {str(v) for v in expr.get("values") or []}
    present = key in labels
    if op == "In":
        return present and str(labels[key]) in values
    if op == "NotIn":
        return not present or str(labels[key]) not in values
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    return False


def quantity(value: Any) -> float | None:
    """The number in a Kubernetes quantity (``"500m"``, ``"0Mi"``, ``2``); None if not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    for suffix in sorted(_MEMORY, key=len, reverse=True):
        if text.endswith(suffix):
            number, scale = text[: -len(suffix)], _MEMORY[suffix]
            break
    else:
        number, scale = text, 1.0
    try:
        result = float(number) * scale
    except ValueError:
        return None
    return result if math.isfinite(result) else None


def resolve_count(value: Any, total: int, round_up: bool) -> int | None:
    """An int-or-percent (``2``, ``"25%"``) as a pod count out of ``total``; None if neither.

    Kubernetes rounds ``maxSurge`` and PDB percentages up, a Deployment's
    ``maxUnavailable`` down.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.endswith("%"):
        try:
            share = float(text[:-1]) / 100 * total
        except ValueError:
            return None
        return math.ceil(share - 1e-9) if round_up else math.floor(share + 1e-9)
    return int(text) if text.isdigit() else None
