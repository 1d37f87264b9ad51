"""What a locust run measured, as frozen results, and how evidence phrases it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_biothings_ready.evidence.transport import sanitize

__all__ = ["Cpu", "Endpoint", "PhaseStats", "RunResult"]


@dataclass(frozen=True)
class Endpoint:
    """One request name's numbers within a phase.

    Attributes:
        name: the request label ("GET /api/health").
        requests: requests sent.
        failures: requests that failed (connection errors, bad status).
        rps: requests per second over the measured time.
        p50, p95, p99: response-time percentiles, milliseconds.
    """

    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float

    @property
    def error_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0

    def row(self) -> str:
        """A short evidence row: ``GET /x 1200 req p95 21 ms 0.0% errors``."""
        return (
            f"{self.name}: {self.requests} req, p95 {self.p95:.0f} ms, "
            f"{self.error_ratio:.1%} errors"
        )


@dataclass(frozen=True)
class PhaseStats:
    """One phase of constant load.

    Attributes:
        name: "expected", "step 1"..., "recovery", "soak", "failover".
        users: users running when it was measured.
        elapsed_s: measured seconds.
        total: all requests together (name "total").
        endpoints: per request name, busiest first.
        errors: the most frequent failure reasons, "reason (count)".
    """

    name: str
    users: int
    elapsed_s: float
    total: Endpoint
    endpoints: tuple[Endpoint, ...]
    errors: tuple[str, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PhaseStats:
        return cls(
            name=str(data["name"]),
            users=int(data["users"]),
            elapsed_s=float(data["elapsed_s"]),
            total=_endpoint({**data, "name": "total"}),
            endpoints=tuple(_endpoint(e) for e in data["endpoints"]),
            errors=tuple(
                sanitize(f"{e['name']}: {e['error']}")[:300] + f" ({e['count']})"
                for e in data["errors"]
            ),
        )

    def summary(self) -> str:
        """Count, RPS, percentiles and error ratio in one clause."""
        t = self.total
        return (
            f"{t.requests} requests at {t.rps:.0f}/s from {self.users} users over "
            f"{self.elapsed_s:.0f} s, p50/p95/p99 {t.p50:.0f}/{t.p95:.0f}/{t.p99:.0f} ms, "
            f"{t.error_ratio:.2%} errors"
        )

    def details(self, rows: int = 4) -> str:
        """Per-endpoint rows and the top failure reason, kept short."""
        parts = [e.row() for e in self.endpoints[:rows]]
        if len(self.endpoints) > rows:
            parts.append(f"{len(self.endpoints) - rows} more endpoints")
        text = "; ".join(parts)
        return text + (f"; top failure {self.errors[0]}" if self.errors else "")


@dataclass(frozen=True)
class Cpu:
    """The load generator's own CPU, percent of one core, busiest process.

    Attributes:
        peak: highest one-second sample.
        median: median sample.
        saturated: the median reached ``load.cpu_saturation``.
    """

    peak: float
    median: float
    saturated: bool

    def note(self) -> str:
        if not self.saturated:
            return ""
        return (
            f" The load generator saturated (CPU median {self.median:.0f}%, peak "
            f"{self.peak:.0f}% of one core): the generator, not the target, was the "
            "limit; add load.workers."
        )


@dataclass(frozen=True)
class RunResult:
    """A whole locust run.

    Attributes:
        phases: in order.
        cpu: the generator's CPU.
        workers: locust workers that took part (0: a single process).
        remote: the master accepted workers beyond loopback (they got the plan in clear).
    """

    phases: tuple[PhaseStats, ...]
    cpu: Cpu
    workers: int
    remote: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunResult:
        return cls(
            phases=tuple(PhaseStats.from_json(p) for p in data["phases"]),
            cpu=Cpu(**data["cpu"]),
            workers=int(data["workers"]),
            remote=bool(data.get("remote")),
        )

    def phase(self, name: str) -> PhaseStats:
        return next(p for p in self.phases if p.name == name)

    def generator(self) -> str:
        """Who generated the load, for evidence."""
        if not self.workers:
            return "one locust process"
        plural = "s" if self.workers != 1 else ""
        clear = " (remote workers allowed; they received the plan in clear)" if self.remote else ""
        return f"{self.workers} locust worker{plural}{clear}"


def _endpoint(data: dict[str, Any]) -> Endpoint:
    return Endpoint(
        name=str(data["name"]),
        requests=int(data["requests"]),
        failures=int(data["failures"]),
        rps=float(data["rps"]),
        p50=float(data["p50"]),
        p95=float(data["p95"]),
        p99=float(data["p99"]),
    )
