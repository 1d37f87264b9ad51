"""pytest-biothings-ready: a production-readiness checklist as a pytest suite.

Public API::

    from pytest_biothings_ready import ready

    @ready.security
    @ready.item("Rate limiting is enabled")
    def test_login_is_rate_limited(ready_env, ready_http): ...
"""

from __future__ import annotations

from pytest_biothings_ready._version import __version__
from pytest_biothings_ready.api import ready
from pytest_biothings_ready.model import Method, Status, Verdict

__all__ = ["Method", "Status", "Verdict", "__version__", "ready"]
