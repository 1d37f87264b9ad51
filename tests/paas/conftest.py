"""Synthetic PaaS repositories (fly.toml, render.yaml, railway.json, app.yaml, Procfile)."""

from __future__ import annotations

from pathlib import Path

REPOS = Path(__file__).parent / "repos"
# The fixture repositories hold application code: data, not part of this suite.
collect_ignore = ["repos"]

from tests.repository.conftest import variant  # noqa: E402, F401  (the fixture, shared)
