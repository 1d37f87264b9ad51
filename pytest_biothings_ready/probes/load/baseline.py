"""The performance baseline: a JSON file of one expected-traffic run, compared later.

Written when absent (or with ``load.update_baseline = true``), and only from a run
whose error ratio met the threshold: a baseline of a broken service would make every
later comparison meaningless.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.errors import ProbeError

if TYPE_CHECKING:
    from pytest_biothings_ready.config.environment import Environment
    from pytest_biothings_ready.probes.load.results import PhaseStats

__all__ = ["Baseline", "BaselineState", "regressions", "settle"]


@dataclass(frozen=True)
class Baseline:
    """The numbers a later run is compared with.

    Attributes:
        written_at: UTC time of the run, ISO 8601.
        users: users of the run.
        requests: requests measured.
        rps: requests per second.
        p95_ms: p95 response time.
        error_ratio: failed / all.
    """

    written_at: str
    users: int
    requests: int
    rps: float
    p95_ms: float
    error_ratio: float

    def describe(self) -> str:
        return (
            f"{self.requests} requests at {self.rps:.0f}/s from {self.users} users, "
            f"p95 {self.p95_ms:.0f} ms, {self.error_ratio:.2%} errors ({self.written_at})"
        )


@dataclass(frozen=True)
class BaselineState:
    """The baseline before this run, and what this run did to it.

    Attributes:
        path: the baseline file.
        previous: the baseline found before this run (None: there was none).
        written: this run's numbers were written to ``path``.
        reason: why nothing was written, when nothing was.
    """

    path: Path
    previous: Baseline | None
    written: Baseline | None
    reason: str = ""


def settle(env: Environment, phase: PhaseStats) -> BaselineState:
    """Read the baseline, then write this run's numbers when allowed."""
    path = env.path(str(env.get("load.baseline_path")))
    previous = _read(path)
    current = _from_phase(phase)
    if previous is not None and not env.get("load.update_baseline"):
        return BaselineState(path, previous, None, "a baseline exists")
    limit = env.threshold("error_rate")
    if current.error_ratio > limit:
        return BaselineState(
            path,
            previous,
            None,
            f"this run had {current.error_ratio:.2%} "
            f"errors > {limit:.2%}, too broken to be a baseline",
        )
    _write(path, current, env)
    return BaselineState(path, previous, current)


def regressions(env: Environment, previous: Baseline, phase: PhaseStats) -> list[str]:
    """What got worse than the baseline beyond the allowed regression."""
    found = []
    p95_limit = previous.p95_ms * (1 + float(env.get("load.regression_p95")))
    if phase.total.p95 > p95_limit and phase.total.p95 - previous.p95_ms > 2:
        found.append(
            f"p95 {phase.total.p95:.0f} ms > {p95_limit:.0f} ms allowed "
            f"(baseline {previous.p95_ms:.0f} ms)"
        )
    rps_floor = previous.rps * (1 - float(env.get("load.regression_rps")))
    if phase.total.rps < rps_floor and phase.users >= previous.users:
        found.append(
            f"{phase.total.rps:.0f} requests/s < {rps_floor:.0f}/s allowed "
            f"(baseline {previous.rps:.0f}/s)"
        )
    return found


def _from_phase(phase: PhaseStats) -> Baseline:
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
    total = phase.total
    return Baseline(
        now,
        phase.users,
        total.requests,
        round(total.rps, 1),
        total.p95,
        round(total.error_ratio, 5),
    )


def _read(path: Path) -> Baseline | None:
    if not path.exists():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text())
        return Baseline(**{k: data[k] for k in Baseline.__dataclass_fields__})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ProbeError(f"cannot read the baseline {path}: {exc}") from None


def _write(path: Path, baseline: Baseline, env: Environment) -> None:
    data = {"env": env.name, "base_url": env.get("base_url"), **vars(baseline)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2) + "\n")
    except OSError as exc:
        raise ProbeError(f"cannot write the baseline {path}: {exc}") from None
