"""Rate limiting: a baseline, a bounded burst that must be throttled persistently, release.

The burst (:mod:`.burst`) is sent only when the environment has a
``[env.NAME.rate_limit]`` table, and never where ``production = true`` unless
``allow_load_in_production = true``.  :data:`BURST_TRAFFIC` describes it for the
announcement of active traffic; :func:`burst_traffic` says what it will send to one
environment.  Limited answers' headers are read by :mod:`.headers`.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.ratelimit import checks, settings
from pytest_biothings_ready.probes.ratelimit.gather import (
    BURST_RULE,
    BURST_TRAFFIC,
    BurstReport,
    burst_traffic,
)
from pytest_biothings_ready.probes.ratelimit.headers import LimitHeaders, read_limit_headers

__all__ = [
    "BURST_RULE",
    "BURST_TRAFFIC",
    "BurstReport",
    "LimitHeaders",
    "burst_traffic",
    "checks",
    "read_limit_headers",
    "settings",
]
