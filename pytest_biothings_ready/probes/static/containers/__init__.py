"""Containers as built and run: Dockerfiles resolved by stage, compose services, images.

``dockerfiles`` and ``compose`` gather (parse once); ``stages``, ``built`` and
``images`` resolve what an image runs as; ``nonroot`` judges "Non-root user in
containers" for Dockerfiles, pods and compose services.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.static.containers import (  # noqa: F401  (registration)
    compose,
    dockerfiles,
    nonroot,
)

__all__: list[str] = []
