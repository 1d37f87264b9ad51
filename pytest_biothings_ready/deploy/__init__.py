"""Repository mode: find the deploy entry points and what they reach (the deploy graph).

:mod:`.graph` holds the data model (:class:`DeployGraph`, :class:`Artifact`,
:class:`Service`); :mod:`.discover` builds it from an environment.  The ``deploy``
gatherer (``ctx.evidence("deploy")``) is registered by ``probes/deploy.py``.
"""

from __future__ import annotations

from pytest_biothings_ready.deploy.graph import Artifact, DeployGraph, Service

__all__ = ["Artifact", "DeployGraph", "Service"]
