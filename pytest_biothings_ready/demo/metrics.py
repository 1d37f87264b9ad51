"""The demo's Prometheus metrics, in a private registry (never the global one)."""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

__all__ = ["DemoMetrics"]


class DemoMetrics:
    """Request and business metrics of one demo service instance."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.requests = Counter(
            "biothings_http_requests",
            "HTTP requests served, by method and status.",
            ("method", "status"),
            registry=self.registry,
        )
        self.duration = Histogram(
            "biothings_http_request_duration_seconds",
            "Time to serve an HTTP request.",
            registry=self.registry,
        )
        self.tasks = Counter(
            "biothings_agent_tasks",
            "Agent tasks finished, by outcome.",
            ("outcome",),
            registry=self.registry,
        )
        # Both outcomes exist from the start so a success ratio is always defined.
        self.tasks.labels(outcome="success")
        self.tasks.labels(outcome="failure")

    def observe(self, method: str, status: int, seconds: float) -> None:
        """Record one served request."""
        self.requests.labels(method=method, status=str(status)).inc()
        self.duration.observe(seconds)

    def exposition(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)
