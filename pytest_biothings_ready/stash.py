"""The run's :class:`~pytest_biothings_ready.session.ReadySession` on ``config.stash``.

Its own module so that the inert plugin (``plugin.py`` without ``--ready-env``) finds
the key without importing the nodes, the record or the redactor; ``hooks.py`` sets it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_biothings_ready.session import ReadySession

__all__ = ["session_key"]

session_key: pytest.StashKey[ReadySession] = pytest.StashKey()
