"""Load, stress, soak and failover: real traffic driven by locust in a child process.

Importing this package registers the settings, gatherers and checks only; locust
(the optional ``pytest-biothings-ready[load]`` extra, which imports gevent and
monkey-patches the standard library) is imported only in the child process
(:mod:`.worker`), when a load item runs.  See docs/probes/load.md.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.load import checks, gather, settings

__all__ = ["checks", "gather", "settings"]
