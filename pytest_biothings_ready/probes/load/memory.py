"""Resident memory of the target during a soak run, and whether it keeps growing.

Samples come from the service's Prometheus exposition (``metrics_url``, the gauge
``load.memory_metric``, summed over its series) while the soak runs, or afterwards
from Prometheus (``load.memory_promql`` over the soak window via ``prometheus_url``).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_biothings_ready.errors import NotConfigured, ProbeError
from pytest_biothings_ready.evidence.query import range_query
from pytest_biothings_ready.evidence.transport import http_client, sanitize

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment

__all__ = ["MemoryTrend", "Sampler", "source_of", "trend"]

MB = 1024 * 1024


@dataclass(frozen=True)
class MemoryTrend:
    """Resident memory over a soak.

    Attributes:
        source: where the samples came from (metric name and URL, or the PromQL).
        samples: (seconds since the soak started, bytes).
        slope_mb_h: least-squares growth over all samples, MB per hour.
        late_slope_mb_h: growth over the second half only (is it sustained?).
    """

    source: str
    samples: tuple[tuple[float, float], ...]
    slope_mb_h: float
    late_slope_mb_h: float

    def describe(self) -> str:
        first, last = self.samples[0], self.samples[-1]
        return (
            f"{self.source}: {first[1] / MB:.1f} MB -> {last[1] / MB:.1f} MB over "
            f"{last[0] - first[0]:.0f} s ({len(self.samples)} samples), slope "
            f"{self.slope_mb_h:.1f} MB/h, second half {self.late_slope_mb_h:.1f} MB/h"
        )


def source_of(env: Environment) -> str:
    """``metrics`` or ``promql``; NotConfigured when neither is set."""
    if env.get("load.memory_promql") and env.get("prometheus_url"):
        return "promql"
    if env.get("metrics_url"):
        return "metrics"
    raise NotConfigured(
        "metrics_url",
        env.name,
        "the leak check samples resident memory from metrics_url, or set "
        "load.memory_promql with prometheus_url",
    )


class Sampler:
    """Reads the gauge from ``metrics_url`` at most every ``load.memory_sample_s``."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.every = float(env.get("load.memory_sample_s"))
        self.metric = str(env.get("load.memory_metric"))
        self.samples: list[tuple[float, float]] = []
        self.failures: list[str] = []
        self._next = 0.0

    def tick(self, phase: str, elapsed: float) -> None:
        if elapsed >= self._next:
            self._next = elapsed + self.every
            self._sample(elapsed)

    def _sample(self, elapsed: float) -> None:
        try:
            self.samples.append((elapsed, read_gauge(self.env, self.metric)))
        except ProbeError as exc:
            self.failures.append(str(exc))


def read_gauge(env: Environment, metric: str) -> float:
    """The sum of ``metric`` over its series at ``metrics_url``."""
    from prometheus_client.parser import text_string_to_metric_families

    url = str(env.get("metrics_url"))
    with http_client(env) as client:
        response = client.get(url)
    if response.status_code != 200:
        raise ProbeError(f"GET {url} answered HTTP {response.status_code}; check `metrics_url`")
    try:
        text = response.text
        values = [
            s.value
            for f in text_string_to_metric_families(text)
            for s in f.samples
            if s.name == metric
        ]
    except ValueError as exc:
        raise ProbeError(f"cannot read {metric} from {url}: {sanitize(str(exc))[:200]}") from None
    if not values:
        raise ProbeError(f"{url} exposes no {metric}")
    return float(sum(values))


def query_range(env: Environment, start: float, end: float) -> list[tuple[float, float]]:
    """The PromQL ``load.memory_promql`` over [start, end] (wall-clock seconds), summed.

    Asked through the shared Prometheus client, so ``monitoring.prometheus_headers``
    go along.
    """
    query = str(env.get("load.memory_promql"))
    step = float(env.get("load.memory_sample_s"))
    points: dict[float, float] = {}
    for _labels, values in range_query(env, query, start, end, step):
        for stamp, value in values:
            points[stamp] = points.get(stamp, 0.0) + value
    return [(stamp - start, value) for stamp, value in sorted(points.items())]


def trend(source: str, samples: list[tuple[float, float]]) -> MemoryTrend:
    """Fit the growth; ProbeError when there are too few samples to tell."""
    if len(samples) < 4:
        raise ProbeError(
            f"only {len(samples)} memory samples from {source}; need 4 or more "
            "(lengthen load.soak_s or shorten load.memory_sample_s)"
        )
    half = samples[len(samples) // 2 :]
    return MemoryTrend(source, tuple(samples), _slope(samples), _slope(half))


def _slope(samples: list[tuple[float, float]]) -> float:
    xs, ys = [s[0] for s in samples], [s[1] for s in samples]
    if len(set(xs)) < 2:
        return 0.0
    bytes_per_s = statistics.linear_regression(xs, ys).slope
    return bytes_per_s * 3600 / MB


def wall_clock() -> float:
    return time.time()
