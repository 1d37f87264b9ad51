"""The decorators a team uses to link its own tests to checklist items.

``ready.item(ref)`` links a test to the item whose id or exact text is ``ref``; the
test becomes evidence for the item (it passes only if every linked test and its
probe pass).  ``ready.<area>`` (``ready.security``, ``ready.smoke``...) is the area
marker.  Unknown references are reported at collection as a usage error that lists
the nearest items.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_biothings_ready.checklist.areas import AREAS

__all__ = ["ITEM_MARKER", "MARKERS", "STATIC_MARKER", "ready"]

ITEM_MARKER = "ready_item"
# Lines the deployment repository can answer (repository mode: ``-m ready_static``).
STATIC_MARKER = "ready_static"
MARKERS: tuple[str, ...] = (*(f"ready_{area}" for area in AREAS), "ready_smoke")


class _Ready:
    """Namespace of the plugin's marks: ``ready.item(...)``, ``ready.security``..."""

    def item(self, ref: str) -> pytest.MarkDecorator:
        """Link the decorated test to the checklist item ``ref`` (id or exact text)."""
        if not isinstance(ref, str) or not ref.strip():
            raise TypeError("ready.item() takes an item id or the item's exact text")
        mark: pytest.MarkDecorator = getattr(pytest.mark, ITEM_MARKER)(ref)
        return mark

    def __getattr__(self, area: str) -> Any:
        name = f"ready_{area}"
        if name not in MARKERS:
            raise AttributeError(
                f"ready.{area} is not an area; known: {', '.join(m[6:] for m in MARKERS)}"
            )
        return getattr(pytest.mark, name)

    def __dir__(self) -> list[str]:
        return ["item", *(m[6:] for m in MARKERS)]


ready = _Ready()
