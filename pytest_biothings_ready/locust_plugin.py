"""Keep locust's own pytest plugin out of pytest runs.

locust (the ``load`` extra) registers ``pytest_locust`` through the ``pytest11`` entry
point.  It serves locust's pytest-style locustfiles; in a pytest run it only adds a bare
``--host`` option to ``--help`` and ``session``/``fastsession`` fixtures.  The load stage
runs locust in a child process and never needs it, so it is blocked, as ``-p no:locust``
would (docs/probes/load.md).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

__all__ = ["LOCUST_PLUGIN", "block_locust_plugin"]

LOCUST_PLUGIN = "locust"


def block_locust_plugin(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Block the plugin; when it loaded first, hide the ``--host`` it already added."""
    plugin = pluginmanager.get_plugin(LOCUST_PLUGIN)
    pluginmanager.set_blocked(LOCUST_PLUGIN)  # unregisters it when already loaded
    if plugin is None or not getattr(plugin, "__name__", "").startswith("pytest_locust"):
        return
    for group in getattr(parser, "_groups", ()):  # no public API removes an option
        for option in group.options:
            if "--host" in option.names():
                option.attrs()["help"] = argparse.SUPPRESS
