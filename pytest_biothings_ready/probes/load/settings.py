"""The settings of the load family, ``[env.NAME.load]`` and ``[env.NAME.failover]``.

Declared at import time (no heavy imports); docs/probes/load.md explains each one.
"""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

__all__ = ["FAMILY"]

FAMILY = "load"


def _load(name: str, kind: str, doc: str, default: object = None, **extra: str) -> Key:
    return Key(f"load.{name}", kind, doc, default, family=FAMILY, **extra)  # type: ignore[arg-type]


def _failover(name: str, kind: str, doc: str, default: object = None, **extra: str) -> Key:
    return Key(f"failover.{name}", kind, doc, default, family=FAMILY, **extra)  # type: ignore[arg-type]


register(
    _load("users", "int", "Concurrent users of the expected-traffic run.", 10),
    _load("spawn_rate", "float", "Users started per second.", 10.0),
    _load("duration_s", "float", "Measured length of the expected-traffic run, seconds.", 60.0),
    _load("locustfile", "path", "The team's own locustfile; default: health and smoke paths."),
    _load("paths", "map", 'GET paths to hit and their weights: { "/api/x" = 3 }.', values="int"),
    _load("wait_min_s", "float", "Shortest think time between a user's requests.", 0.0),
    _load("wait_max_s", "float", "Longest think time between a user's requests.", 0.0),
    _load("workers", "int", "Local locust worker processes under a master (0: one process).", 0),
    _load("master_bind", "str", "host:port the locust master binds (remote workers join).", ""),
    _load(
        "allow_remote_workers",
        "bool",
        "Lets master_bind listen beyond loopback; workers receive the plan in clear.",
        False,
    ),
    _load("worker_token", "str", "Join token workers present (READY_LOAD_WORKER_TOKEN); secret."),
    _load("expect_workers", "int", "Workers (local and remote) to wait for; default: workers.", 0),
    _load("expect_workers_timeout_s", "float", "How long to wait for expected workers.", 30.0),
    _load("max_users", "int", "Hard cap: refuse any plan with more users than this.", 1000),
    _load("max_duration_s", "float", "Hard cap: refuse any run longer than this, seconds.", 1800.0),
    _load("progress_s", "float", "Seconds between progress lines on stderr (0: silent).", 5.0),
    _load(
        "cpu_saturation", "float", "Generator CPU percent (of one core) counted saturated.", 90.0
    ),
    _load("stress_factor", "float", "Top of the stress ramp, as a multiple of users.", 4.0),
    _load("stress_steps", "int", "Number of stress steps up to the top.", 4),
    _load("stress_step_s", "float", "Measured length of each stress step, seconds.", 30.0),
    _load("capacity_multiple", "float", "Capacity must reach this multiple of users.", 2.0),
    _load("recovery_s", "float", "Expected-load run after the ramp that must be clean.", 10.0),
    _load(
        "baseline_path",
        "path",
        "Baseline JSON file (written when absent).",
        ".ready/load-baseline.json",
    ),
    _load("update_baseline", "bool", "Overwrite the baseline with this run.", False),
    _load("regression_p95", "float", "Allowed p95 increase over the baseline (0.2 = +20%).", 0.2),
    _load("regression_rps", "float", "Allowed requests/s drop below the baseline.", 0.2),
    _load("soak_s", "float", "Length of the soak run for memory leaks, seconds.", 300.0),
    _load("soak_users", "int", "Users of the soak run; default: users.", 0),
    _load(
        "memory_metric",
        "str",
        "Gauge read from metrics_url during the soak.",
        "process_resident_memory_bytes",
    ),
    _load("memory_promql", "str", "PromQL for resident memory via prometheus_url instead."),
    _load("memory_sample_s", "float", "Seconds between memory samples.", 5.0),
    _load("leak_mb_per_hour", "float", "Sustained growth above this is a leak, MB/hour.", 50.0),
    _failover("out_command", "list", "Command (argv) that takes one backend out.", values="str"),
    _failover("restore_command", "list", "Command (argv) that restores it.", values="str"),
    _failover("out_url", "url", "HTTP hook (POST) that takes one backend out."),
    _failover("restore_url", "url", "HTTP hook (POST) that restores it."),
    _failover("duration_s", "float", "Length of the traffic run around the event.", 30.0),
    _failover("out_after_s", "float", "When the backend is taken out, into the run.", 5.0),
    _failover("restore_after_s", "float", "When it is restored, into the run.", 20.0),
    _failover("users", "int", "Users during failover; default: load.users.", 0),
    _failover("hook_timeout_s", "float", "Timeout of each failover command or hook.", 30.0),
)
