"""Kubernetes objects judged by value: pods, probes, limits, autoscalers, policies, storage.

Reads the ``manifests`` evidence (``static/manifests.py``). ``values`` evaluates label
selectors and quantities as the API server does, ``podsecurity`` resolves security
contexts as the kubelet does, ``probes`` decides whether a health check can fail,
``autoscalers`` and ``netpolicy`` reduce HPAs/ScaledObjects and NetworkPolicies to what
they do; the other modules judge checklist lines.
"""

from __future__ import annotations

from pytest_biothings_ready.probes.static.kubernetes import (  # noqa: F401  (registration)
    health,
    network,
    resources,
    rollout,
    scaling,
    storage,
)

__all__: list[str] = []
