"""CORS: an active matrix of allowed and hostile origins over every known path.

Hostile origins are derived from each allowed one (:mod:`.origins`); the matrix is
sent by :mod:`.gather` and judged by :mod:`.checks` as a browser reads the
``Access-Control-Allow-*`` answers: a hostile origin reflected or answered with
``*`` fails, ``*`` with credentials fails, and every configured origin must still be
allowed on ``cors.path``.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.cors import checks, settings
from pytest_biothings_ready.probes.cors.checks import judge_cors
from pytest_biothings_ready.probes.cors.gather import CorsAnswer, CorsReport
from pytest_biothings_ready.probes.cors.origins import hostile_origins, look_alikes

__all__ = [
    "CorsAnswer",
    "CorsReport",
    "checks",
    "hostile_origins",
    "judge_cors",
    "look_alikes",
    "settings",
]
