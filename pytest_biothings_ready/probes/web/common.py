"""Helpers the web family's modules share."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["below_base"]


def below_base(env: Environment, path: str) -> str:
    """``path`` below ``base_url`` (exactly one slash between them)."""
    return str(env.require("base_url")).rstrip("/") + "/" + path.lstrip("/")
