"""Settings for load tests: short runs, few users, loopback targets."""

from __future__ import annotations

from typing import Any


def load_settings(url: str, **load: Any) -> dict[str, Any]:
    """An environment on ``url`` with a 2-second, 4-user expected-traffic run."""
    table = {
        "users": 4,
        "spawn_rate": 100,
        "duration_s": 1.5,
        "progress_s": 0,
        "stress_step_s": 0.6,
        "recovery_s": 0.5,
        **load,
    }
    return {"base_url": url, "timeout_s": 2, "load": table}
