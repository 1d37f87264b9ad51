"""The one result shape the code readers share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Finding"]


@dataclass(frozen=True)
class Finding:
    """Something an artifact does, with where and the detail a check judges."""

    where: str
    what: str
    detail: Any = None
