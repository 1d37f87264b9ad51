"""Cost: cost dashboards and budget alerts (observability evidence), resource series in
Prometheus, and spot placement of non-critical workloads (Kubernetes manifests)."""

from __future__ import annotations

from pytest_biothings_ready.probes.cost import monitoring, settings, spot

__all__ = ["monitoring", "settings", "spot"]
