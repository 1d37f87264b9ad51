"""Health, smoke requests, user journeys, the frontend, API caching and CDN headers.

- ``health`` (:mod:`.health`): ``base_url`` + ``health_path`` and every
  ``health.urls`` entry must answer 2xx within ``health.max_ms``.
- ``smoke`` and ``journeys`` (:mod:`.flows`, steps in :mod:`.steps`): the
  ``[[env.NAME.smoke]]`` requests and the ``[[env.NAME.journey]]`` step lists.  A
  journey with ``covers = ["<checklist line>"]`` is the evidence for that line
  (*Agent communication tested*, *Experiment workflows functioning*, *LLM
  integration working*).
- ``frontend`` (:mod:`.assets`): ``frontend_url`` answers HTML whose scripts and
  stylesheets load.
- ``api-caching`` (:mod:`.caching`): ``caching.paths`` answer GET with Cache-Control
  and a validator (ETag or Last-Modified), and the conditional request is answered 304.
- ``cdn`` (:mod:`.assets`): static assets (``cdn.asset_urls``, default the
  frontend's) carry a long-lived public Cache-Control and a header a CDN adds
  (``cdn.headers``).

The settings are declared in :mod:`.settings`.  A journey is an ordered list of
steps; a step's ``extract = { token = "access_token" }`` stores a field of its JSON
answer (dotted path, list indexes as numbers) and later steps use it as ``{{token}}``
in their path, header values and JSON strings.  (Not ``${token}``: that syntax is
the config loader's process-environment interpolation.)  Importing this package only
registers; httpx loads when a probe runs.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.web import assets, caching, flows, health, settings, steps
from pytest_biothings_ready.probes.web.assets import AssetAnswer, FrontendReport
from pytest_biothings_ready.probes.web.caching import CachingAnswer
from pytest_biothings_ready.probes.web.flows import FlowResult
from pytest_biothings_ready.probes.web.health import HealthAnswer
from pytest_biothings_ready.probes.web.steps import StepResult

__all__ = [
    "AssetAnswer",
    "CachingAnswer",
    "FlowResult",
    "FrontendReport",
    "HealthAnswer",
    "StepResult",
    "assets",
    "caching",
    "flows",
    "health",
    "settings",
    "steps",
]
